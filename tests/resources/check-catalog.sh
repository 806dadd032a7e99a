#!/usr/bin/env bash
# Fails when a translatable string of the sources is missing from the shipped
# template, or untranslated or fuzzy in a shipped catalog.
#   check-catalog.sh SOURCE_DIR
set -euo pipefail
cd "$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mapfile -t sources < <(find console/ui console/app -name '*.cpp' | sort)
xgettext --language=C++ --from-code=UTF-8 --keyword=_ --keyword=wxPLURAL:1,2 --keyword=wxTRANSLATE \
  -o "$tmp/now.pot" "${sources[@]}"
status=0
# Every message of the sources is in the template...
if ! msgcmp --use-untranslated resources/locale/civicdesk.pot "$tmp/now.pot" 2>"$tmp/pot.err"; then
  echo "resources/locale/civicdesk.pot lacks messages of the sources (cmake --build build --target pot):" >&2
  grep -v "^msgcmp" "$tmp/pot.err" | head -20 >&2
  status=1
fi
# ...and translated, not fuzzy, in every catalog.
for po in resources/locale/*.po; do
  if ! msgcmp "$po" "$tmp/now.pot" 2>"$tmp/po.err"; then
    echo "$po: messages missing, untranslated or fuzzy:" >&2
    head -20 "$tmp/po.err" >&2
    status=1
  fi
  msgfmt --check -o /dev/null "$po" || status=1
done
exit $status
