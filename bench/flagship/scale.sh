#!/usr/bin/env bash
# The flagship pipeline at scale: STORES stores x DAYS days of demo sales through
# pipelines/sales_forecast.toml, timed as a user would see it (whole process):
#   1. cold run (empty cache, new warehouse)
#   2. no-op rerun
#   3. "1 % of stores changed": the last week's quantities of STORES/100 stores corrected in place,
#      ONE_PCT_RUNS times (each run corrects them again), with the median and range at the end
#   4. the normal weekly update: 7 more days of sales for every store (`demo-data --append-days 7`)
# Prints wall and CPU time per run and the slowest nodes of each, with partition counts.
#
# Usage: bench/flagship/scale.sh [BUILD_DIR]        (default: build-release)
# Env:   STORES=1000 DAYS=1100 JOBS= WORK=/tmp/sluice-scale ONE_PCT_RUNS=5
# Needs sqlite3 and python3. The database is kept between invocations (regenerated when
# STORES/DAYS change); it is about 5.5 GB at 1,000 stores x 1,100 days (64 M sales rows, with the
# covering index by store).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build-release}" && pwd)
SLUICE=$BUILD/bin/sluice
STORES=${STORES:-1000}
DAYS=${DAYS:-1100}
WORK=${WORK:-/tmp/sluice-scale}
ONE_PCT_RUNS=${ONE_PCT_RUNS:-5}
JOBS_ARGS=()
[[ -n ${JOBS:-} ]] && JOBS_ARGS=(-j "$JOBS")

mkdir -p "$WORK"
db=$WORK/sales-$STORES-$DAYS-format2.db  # demo-data format 2: the per-store index and sales_versions
if [[ ! -f $db ]]; then
  echo "generating $STORES stores x $DAYS days into $db"
  "$SLUICE" demo-data --stores "$STORES" --days "$DAYS" -q "$db"
fi
cp --reflink=auto "$db" "$WORK/sales.db"  # the runs modify it; keep the generated one
sync  # the copy's writeback would otherwise run during the cold run
rm -rf "$WORK/cache" "$WORK/warehouse.db"* "$WORK/out"

run() {  # run NAME: one timed `sluice run`, report kept as NAME.json
  local name=$1 t0 t1 TIMEFORMAT="%U %S"
  t0=$(date +%s%N)
  { time "$SLUICE" run "$ROOT/pipelines/sales_forecast.toml" -q --json "${JOBS_ARGS[@]}" --cache-dir "$WORK/cache" \
      --set vars.source_db="$WORK/sales.db" --set vars.warehouse_db="$WORK/warehouse.db" \
      --set vars.out_dir="$WORK/out" >"$WORK/$name.json" 2>"$WORK/$name.err"; } 2>"$WORK/$name.cpu"
  t1=$(date +%s%N)
  last_wall_ms=$(( (t1 - t0) / 1000000 ))
  python3 - "$WORK/$name.json" "$name" "$last_wall_ms" "$(cat "$WORK/$name.cpu")" <<'PY'
import json, sys
report, name, wall_ms, cpu = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3]), sys.argv[4].split()
ran = [n for n in report["nodes"] if n["status"] == "ran"]
print(f"{name:<24} wall {wall_ms / 1000:7.2f} s   cpu {float(cpu[0]) + float(cpu[1]):7.2f} s   "
      f"{len(ran)} of {len(report['nodes'])} nodes ran")
for n in sorted(report["nodes"], key=lambda n: -n.get("wall_ms", 0))[:6]:
    p = n.get("partitions")
    parts = f"  partitions ran {p['ran']}/{p['total']}" if p else ""
    print(f"    {n['id']:<22} {n['status']:<7} {n.get('wall_ms', 0) / 1000:7.2f} s{parts}")
PY
}

echo "machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $STORES stores x $DAYS days"
run cold
run noop
changed=$(( STORES / 100 > 0 ? STORES / 100 : 1 ))
one_pct_ms=()
for (( i = 1; i <= ONE_PCT_RUNS; i++ )); do
  sqlite3 "$WORK/sales.db" "UPDATE sales SET quantity = quantity + 1
    WHERE store_id IN (SELECT store_id FROM stores ORDER BY store_id LIMIT $changed)
      AND sold_at >= (SELECT date(max(sold_at), '-6 days') FROM sales)"
  run "changed_${changed}_stores_$i"
  one_pct_ms+=("$last_wall_ms")
done
printf '%s\n' "${one_pct_ms[@]}" | sort -n | awk -v n="$changed" '{ v[NR] = $1 } END {
  printf "%d stores changed, %d runs: median %.2f s, range %.2f-%.2f s\n", n, NR, v[int((NR + 1) / 2)] / 1000, v[1] / 1000, v[NR] / 1000 }'
"$SLUICE" demo-data --append-days 7 -q "$WORK/sales.db"
run weekly_all_stores
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
