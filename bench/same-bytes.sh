#!/bin/bash
# Manual check of "same input, same bytes" at scale (issue 10): N order lines (default 1M), two default
# runs (the second while another process keeps a core busy) and one with --threads 1, then a list of
# the published files whose bytes differ (run records in _runs/ aside: they hold the timestamps).
#   bash bench/same-bytes.sh [orders] [work dir]
set -euo pipefail
N=${1:-1000000}
W=${2:-bench/.work/same-bytes-$N}
ETL="node bin/etl.js"
mkdir -p "$W"
[ -f "$W/data/orders.csv" ] || $ETL generate --out "$W/data" --orders "$N" --seed 5 --defect-rate 0.01 --as-of 2026-11-20 --log-level warn
rm -rf "$W"/a-* "$W"/b-* "$W"/t1-*
run() { local name=$1; shift; $ETL run --data "$W/data" --out "$W/$name-out" --reports "$W/$name-reports" --as-of 2026-11-20 --log-level warn "$@" >/dev/null; }
run a
node -e 'for (;;) {}' & BUSY=$!
run b
kill $BUSY
run t1 --threads 1
sums() { (cd "$1" && find . -type f -not -path './_runs/*' | sort | xargs sha256sum); }
for v in b t1; do
  echo "== a vs $v: files whose bytes differ"
  diff <(sums "$W/a-out") <(sums "$W/$v-out") | grep '^>' || true
  diff <(sums "$W/a-reports") <(sums "$W/$v-reports") | grep '^>' || true
done
