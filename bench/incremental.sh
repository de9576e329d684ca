#!/usr/bin/env bash
# Incremental vs full run (issue 13, point 1): N generated order lines, the last 366 days as daily files
# (365 days of history + the new day, 2024-07-01 … 2025-07-01), the year before as monthly files; the
# other sources as generated (one file each).
#   1. history: `etl run` on the 365 days (a full run; it keeps the silver state beside the output)
#   2. per round: a copy of that history gets the new day and runs again (incremental), and a fresh
#      output runs on every file (full); the order alternates each round.
# Prints wall time, CPU (user + system), peak RSS and each run's stage times (from its run record).
#   bash bench/incremental.sh [N=1000000] [ROUNDS=1]       (ETL_BENCH_NICE=10 runs under nice -n 10)
# ROUNDS=0 (for 10M: one pair): the history run (a full run on 365 days) and one incremental run only.
set -euo pipefail
N=${1:-1000000}
ROUNDS=${2:-1}
AS_OF=2025-07-01
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=${ETL_BENCH_WORK:-$ROOT/bench/.work/incremental-$N}
NICE=(nice -n "${ETL_BENCH_NICE:-0}")
etl() { "${NICE[@]}" node "$ROOT/bin/etl.js" "$@"; }
timed() { # label, args…: one run, its resources on stderr of /usr/bin/time into $W/time-<label>
  local label=$1; shift
  "${NICE[@]}" /usr/bin/time -f "%e %U %S %M" -o "$W/time-$label" node "$ROOT/bin/etl.js" "$@" --log-level silent >/dev/null
  read -r wall user sys rss <"$W/time-$label"
  printf '%-12s wall %7.1f s   CPU %7.1f s   peak RSS %5.2f GB\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "scale=2; $rss / 1048576" | bc)"
}
stages() { # the stage times of the newest run record of an output
  node -e '
    const fs = require("fs"), p = require("path");
    const dir = p.join(process.argv[1], "_runs");
    const r = fs.readdirSync(dir).map((f) => JSON.parse(fs.readFileSync(p.join(dir, f), "utf8"))).sort((a, b) => a.finished_at.localeCompare(b.finished_at)).at(-1);
    const s = Object.entries(r.stages).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(", ");
    console.log(`             ${r.incremental.mode} (${r.incremental.reason}); lake partitions written ${r.incremental.lake.written.length}, kept ${r.incremental.lake.kept.length}\n             stages (s): ${s}`);
  ' "$1"
}

mkdir -p "$W"
if [ ! -f "$W/gen/orders.csv" ]; then
  etl generate --out "$W/gen" --orders "$N" --defect-rate 0.01 --as-of "$AS_OF" --log-level silent
fi
if [ ! -d "$W/data/orders" ]; then
  rm -rf "$W/data" "$W/new-day" && mkdir -p "$W/data" "$W/new-day"
  for f in "$W"/gen/*; do case "$(basename "$f")" in orders.csv|_*) ;; *) cp "$f" "$W/data/" ;; esac; done
  node "$ROOT/bench/split-orders.mjs" "$W/gen/orders.csv" "$W/data/orders" 2024-07-01 "$AS_OF"
  mv "$W/data/orders/$AS_OF.csv" "$W/new-day/"
fi
rm -rf "$W/contracts" && cp -r "$ROOT/contracts" "$W/contracts"
sed -i 's#path: ../data/orders.csv#path: ../data/orders/*.csv#' "$W/contracts/orders.source.yaml"
run_args=(--data "$W/data" --contracts "$W/contracts" --as-of "$AS_OF")

# The history: 365 days (kept between invocations; delete $W/hist to redo it).
if [ ! -f "$W/hist/.output.state.duckdb" ]; then
  rm -f "$W/data/orders/$AS_OF.csv"
  rm -rf "$W/hist" && mkdir -p "$W/hist"
  echo "history ($(ls "$W/data/orders" | wc -l) files of orders)"
  timed history run "${run_args[@]}" --out "$W/hist/output" --reports "$W/hist/reports"
fi
cp "$W/new-day/$AS_OF.csv" "$W/data/orders/"
echo "$N order lines; new day: $(($(wc -l <"$W/data/orders/$AS_OF.csv") - 1)) lines; $(ls "$W/data/orders" | wc -l) files of orders"
incremental() {
  rm -rf "$W/inc" && cp -a "$W/hist" "$W/inc"
  timed "incremental" run "${run_args[@]}" --out "$W/inc/output" --reports "$W/inc/reports"
  stages "$W/inc/output"
}
full() {
  rm -rf "$W/full" && mkdir -p "$W/full"
  timed "full" run "${run_args[@]}" --out "$W/full/output" --reports "$W/full/reports"
  stages "$W/full/output"
}
if ((ROUNDS == 0)); then
  incremental
  stages "$W/hist/output"
  exit 0
fi
for ((i = 0; i < ROUNDS; i++)); do
  if ((i % 2 == 0)); then incremental; full; else full; incremental; fi
done
# The two publications must be the same bytes: output (run records aside) and reports (the dashboard's
# quarantine-rate trend aside: the incremental output has one run more in its history).
if diff -r -q -x _runs "$W/inc/output" "$W/full/output" && diff -r -q -x dashboard.html "$W/inc/reports" "$W/full/reports"; then
  echo "incremental = full: every published file the same bytes (run records and the dashboard's run-history trend aside)"
else
  echo "DIFFERENT: the incremental and the full publications differ (above)"
fi
