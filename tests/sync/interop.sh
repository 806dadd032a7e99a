#!/usr/bin/env bash
# The opt-in interop tests (InteropTests.cpp) against civicdesk-test-crm run
# as a separate process, once per way deployed servers answer: as the
# standard writes, with list items named like their lists, refusing
# updated_after, in JSON, and ignoring Idempotency-Key — reading and filing.
#   interop.sh CIVICDESK_TEST_CRM TEST_SYNC
set -euo pipefail
crm="$1" tests="$2"
run() { # FORMAT WRITE CRM-FLAGS...
  local format="$1" write="$2"
  shift 2
  local dir
  dir=$(mktemp -d)
  mkfifo "$dir/in"
  "$crm" "$@" <"$dir/in" >"$dir/endpoint" &
  local pid=$!
  exec 3>"$dir/in" # keeps the server's standard input open
  for _ in $(seq 50); do [ -s "$dir/endpoint" ] && break; sleep 0.1; done
  local endpoint
  endpoint=$(head -1 "$dir/endpoint")
  echo "== $format ${write:+write $write }$* at $endpoint"
  local status=0
  OPEN311_TEST_ENDPOINT="$endpoint" OPEN311_TEST_FORMAT="$format" OPEN311_TEST_WRITE="$write" \
    OPEN311_TEST_API_KEY=test-key "$tests" --run_test=Interop --log_level=message --report_level=short || status=$?
  exec 3>&-
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  return $status
}
# Requests reported elsewhere, so the lists have ids to read.
seeds=(--seed "POTHOLE|1234 N Broad St|Deep hole in the right lane" --seed "STREETLIGHT|5th and Market|Out since Friday")
run xml POTHOLE "${seeds[@]}"
run xml POTHOLE --deployed-shapes --refuse-updated-after "${seeds[@]}"
run json POTHOLE --refuse-updated-after "${seeds[@]}"
run xml POTHOLE --ignore-keys "${seeds[@]}"
