#!/usr/bin/env bash
# ETL benchmarks, side by side:
#   (a) warehouse load rate of sluice.sqlite_load (in-process) at batch_size 1, 100, 10000, 100000
#   (b) extract + daily revenue per store of ~10M demo sales rows:
#       sluice.sqlite_extract + aggregation  vs  the sqlite3 CLI's GROUP BY  vs  pandas read_sql + groupby
#
# Usage: bench/etl/run.sh [BUILD_DIR]      (default: build)
# Env:   STORES=160 (~10.4M rows)  DATA_DIR=/tmp/sluice-bench-etl  LOAD_ROWS=1000000  REPEATS=3  SKIP_PANDAS=0
# Times are wall-clock seconds (best of REPEATS) with CPU seconds (user+sys) beside them,
# because a shared machine's wall time says as much about the neighbours as about the code.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
STORES=${STORES:-160}
DATA=${DATA_DIR:-/tmp/sluice-bench-etl}
LOAD_ROWS=${LOAD_ROWS:-1000000}
REPEATS=${REPEATS:-3}
BIN=$BUILD/bench/etl
DB=$DATA/sales.db
SQL="SELECT store_id, substr(sold_at, 1, 10) AS day, sum(quantity * unit_price) AS revenue FROM sales GROUP BY store_id, day"

cmake --build "$BUILD" --target bench_etl_demo_data bench_etl_load bench_etl_extract >/dev/null
mkdir -p "$DATA"

# measure CMD...: runs it once, prints "wall cpu" seconds.
measure() {
  local t
  t=$(mktemp)
  /usr/bin/time -f "%e %U %S" -o "$t" "$@" >/dev/null
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$t"
  rm -f "$t"
}
# best CMD...: best wall of REPEATS runs (with that run's CPU time).
best() {
  local i result best_result=""
  for ((i = 0; i < REPEATS; i++)); do
    result=$(measure "$@")
    if [[ -z $best_result ]] || awk -v a="$result" -v b="$best_result" 'BEGIN{split(a,x," ");split(b,y," ");exit !(x[1]<y[1])}'; then
      best_result=$result
    fi
  done
  echo "$best_result"
}
value() { sed -n "s/^$1=//p" <<<"$2" | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a / b}'; }

echo "== demo data: $STORES stores x 1100 days -> $DB"
rm -f "$DB"
gen=$(measure "$BIN/bench_etl_demo_data" demo-data "$DB" --stores "$STORES" -q)
rows=$(sqlite3 "$DB" "SELECT count(*) FROM sales")
read -r gen_wall gen_cpu <<<"$gen"
printf "rows %d  wall %.2fs (%.0f rows/s)  cpu %.2fs (%.0f rows/s)\n" "$rows" "$gen_wall" \
  "$(ratio "$rows" "$gen_wall")" "$gen_cpu" "$(ratio "$rows" "$gen_cpu")"

echo
echo "== (a) warehouse load, sluice.sqlite_load in-process ($LOAD_ROWS rows; batch_size 1 on 100000 rows)"
"$BIN/bench_etl_load" "$LOAD_ROWS" "$DATA"

echo
echo "== (b) extract + daily revenue per store over $rows rows (best of $REPEATS)"
cat "$DB" >/dev/null  # same warm page cache for everyone
inproc=$("$BIN/bench_etl_extract" "$DB" "$REPEATS" simple)
read -r sl_wall sl_cpu <<<"$(best "$BIN/bench_etl_extract" "$DB" 1 simple)"
read -r cli_wall cli_cpu <<<"$(best sqlite3 "$DB" "$SQL")"
daily=""
if grep -q SLUICE_BENCH_HAS_DAILY_SERIES "$BUILD/bench/etl/CMakeFiles/bench_etl_extract.dir/flags.make" 2>/dev/null; then
  daily=$("$BIN/bench_etl_extract" "$DB" 1 daily_series)
fi
printf "%-44s %9s %9s\n" "" "wall s" "cpu s"
printf "%-44s %9.3f %9.3f\n" "sluice extract + aggregation (process)" "$sl_wall" "$sl_cpu"
printf "%-44s %9.3f\n" "  of which extract (in-process)" "$(value extract_s "$inproc")"
printf "%-44s %9.3f\n" "  of which aggregation (in-process)" "$(value aggregate_s "$inproc")"
if [[ -n $daily ]]; then
  printf "%-44s %9.3f\n" "  sluice.daily_series stage instead (in-process)" "$(value daily_series_s "$daily")"
fi
printf "%-44s %9.3f %9.3f\n" "sqlite3 CLI GROUP BY" "$cli_wall" "$cli_cpu"
pd_wall="" pd_cpu=""
if [[ ${SKIP_PANDAS:-0} != 1 ]] && /usr/bin/python3 -c "import pandas" 2>/dev/null; then
  pandas_out=$(mktemp)
  read -r pd_wall pd_cpu <<<"$(measure /usr/bin/python3 "$ROOT/bench/etl/pandas_daily.py" "$DB")"
  /usr/bin/python3 "$ROOT/bench/etl/pandas_daily.py" "$DB" >"$pandas_out" 2>&1 || true
  printf "%-44s %9.3f %9.3f\n" "pandas read_sql + groupby" "$pd_wall" "$pd_cpu"
  printf "%-44s %9.3f / %.3f\n" "  read_sql / groupby" "$(value read_s "$(cat "$pandas_out")")" "$(value groupby_s "$(cat "$pandas_out")")"
  pandas_total=$(value total "$(cat "$pandas_out")")
  rm -f "$pandas_out"
else
  echo "pandas: skipped (apt-get install -y python3-pandas)"
fi

echo
echo "== ratios (speed of sluice relative to the other; >= 0.70 is the target vs sqlite3)"
printf "vs sqlite3 CLI: wall %.2fx  cpu %.2fx\n" "$(ratio "$cli_wall" "$sl_wall")" "$(ratio "$cli_cpu" "$sl_cpu")"
if [[ -n $pd_wall ]]; then
  printf "vs pandas:      wall %.2fx  cpu %.2fx\n" "$(ratio "$pd_wall" "$sl_wall")" "$(ratio "$pd_cpu" "$sl_cpu")"
fi

echo
echo "== same answer everywhere"
sql_total=$(sqlite3 "$DB" "SELECT printf('%.2f', sum(quantity * unit_price)) FROM sales")
echo "total revenue: sluice $(value total "$inproc")  sqlite3 $sql_total${pandas_total:+  pandas $pandas_total}"
echo "groups:        sluice $(value groups "$inproc")  sqlite3 $(sqlite3 "$DB" "SELECT count(*) FROM ($SQL)")"
