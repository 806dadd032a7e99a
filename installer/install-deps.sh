#!/bin/sh
# Installs every Debian 12 package CivicDesk needs to build, test, package and
# run. Idempotent: when everything is present it prints nothing and exits 0.
set -eu

packages="
  cmake g++ make pkg-config
  libwxgtk3.2-dev libsqlite3-dev libsecret-1-dev
  libboost-test-dev libcurl4-openssl-dev libpugixml-dev libstemmer-dev nlohmann-json3-dev
  libphonenumber-dev libcpp-httplib-dev libpq-dev
  librsvg2-bin gettext wx3.2-i18n
  xvfb xauth x11-utils apache2 postgresql
  appstream desktop-file-utils libxml2-utils
  dpkg-dev file
"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "install-deps: installing$missing"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
