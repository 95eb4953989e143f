#!/usr/bin/env bash
# Whole-process times of `sluice run` / `sluice plan` on generated pipelines
# (bench/engine/gen_pipeline.sh): a cold run (empty cache), a no-op rerun (everything
# cached) and a plan, each the median of several runs; also per node.
#
# Usage: bench/engine/noop_rerun.sh [BUILD_DIR]       (default: build)
# Env:   SIZES="10 1000"   pipeline sizes in nodes
#        RUNS=30           timed no-op reruns and plans per size
#        COLD_RUNS=5       timed cold runs per size (the cache is removed before each)
#        JOBS=             -j for sluice run (default: the engine's, one per core)
#        WORK=/tmp/sluice-bench-engine   where pipelines and their caches go
#        TIMER=hyperfine|loop  (default: hyperfine when installed, else a date +%s%N loop)
#        AGE_RUNS=0        after measuring, run this many more no-op reruns and time the
#                          no-op again: shows whether reruns slow down as the cache ages
# Targets (issue): no-op rerun <= 30 ms at 10 nodes and <= 300 ms at 1,000 nodes.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
SLUICE=$BUILD/bin/sluice
SIZES=${SIZES:-10 1000}
RUNS=${RUNS:-30}
COLD_RUNS=${COLD_RUNS:-5}
JOBS=${JOBS:-}
WORK=${WORK:-/tmp/sluice-bench-engine}
AGE_RUNS=${AGE_RUNS:-0}
TIMER=${TIMER:-$(command -v hyperfine >/dev/null && echo hyperfine || echo loop)}

cmake --build "$BUILD" --target sluice sluice_plugin_examples >/dev/null
mkdir -p "$WORK"
JOBS_ARGS=()
[[ -n $JOBS ]] && JOBS_ARGS=(-j "$JOBS")

target_ms() {
  case $1 in
    10) echo 30 ;;
    1000) echo 300 ;;
    *) echo "" ;;
  esac
}

# shellcheck source=bench/timing.sh
source "$ROOT/bench/timing.sh"

# count_status REPORT_JSON STATUS: how many nodes of a run/plan report have STATUS.
count_status() {
  python3 -c 'import json,sys; print(sum(n["status"] == sys.argv[2] for n in json.load(open(sys.argv[1]))["nodes"]))' "$1" "$2"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); timer: $TIMER"
echo "sluice: $SLUICE ${JOBS_ARGS[*]}"
declare -A NOOP COLD PLAN AGED
for n in $SIZES; do
  dir=$WORK/n$n
  rm -rf "$dir"
  mkdir -p "$dir"
  "$ROOT/bench/engine/gen_pipeline.sh" "$n" "$dir/p.toml"
  cache=$dir/.sluice

  COLD[$n]=$(median_ms "$COLD_RUNS" "rm -rf $cache" "$SLUICE" run -q "${JOBS_ARGS[@]}" "$dir/p.toml")

  # Populate the cache once more and check what each kind of run reports.
  rm -rf "$cache"
  "$SLUICE" run -q "${JOBS_ARGS[@]}" --json "$dir/p.toml" >"$dir/cold.json"
  ran=$(count_status "$dir/cold.json" ran)
  "$SLUICE" run -q "${JOBS_ARGS[@]}" --json "$dir/p.toml" >"$dir/noop.json"
  cached=$(count_status "$dir/noop.json" cached)
  "$SLUICE" plan --json "$dir/p.toml" >"$dir/plan.json"
  planned_cached=$(count_status "$dir/plan.json" cached)
  if [[ $ran != "$n" || $cached != "$n" || $planned_cached != "$n" ]]; then
    echo "FAIL n=$n: cold run ran $ran, no-op rerun cached $cached, plan cached $planned_cached of $n nodes" >&2
    exit 1
  fi
  echo "n=$n: cold run ran $ran/$n nodes; no-op rerun reports $cached/$n cached; plan reports $planned_cached/$n cached"

  NOOP[$n]=$(median_ms "$RUNS" "" "$SLUICE" run -q "${JOBS_ARGS[@]}" "$dir/p.toml")
  PLAN[$n]=$(median_ms "$RUNS" "" "$SLUICE" plan "$dir/p.toml")
  if (( AGE_RUNS > 0 )); then
    for ((i = 0; i < AGE_RUNS; i++)); do "$SLUICE" run -q "${JOBS_ARGS[@]}" "$dir/p.toml" >/dev/null; done
    AGED[$n]=$(median_ms "$RUNS" "" "$SLUICE" run -q "${JOBS_ARGS[@]}" "$dir/p.toml")
    echo "n=$n: after $AGE_RUNS more no-op reruns the index WAL is $(stat -c %s "$cache/cache/index.db-wal" 2>/dev/null || echo 0) bytes"
  fi
done

# Columns: median wall ms (and mean CPU ms, user+system) per run, then per node.
echo
printf '%-6s %16s %10s %16s %11s %10s %7s %16s %s\n' nodes "cold ms (cpu)" "cold us/n" "no-op ms (cpu)" "no-op us/n" "target ms" ratio "plan ms (cpu)" \
  "$( (( AGE_RUNS > 0 )) && echo "no-op ms after $AGE_RUNS reruns")"
for n in $SIZES; do
  t=$(target_ms "$n")
  read -r cw cc <<<"${COLD[$n]}"
  read -r rw rc <<<"${NOOP[$n]}"
  read -r pw pc <<<"${PLAN[$n]}"
  aged=""
  [[ -n ${AGED[$n]:-} ]] && aged=${AGED[$n]%% *}
  awk -v n="$n" -v cw="$cw" -v cc="$cc" -v rw="$rw" -v rc="$rc" -v pw="$pw" -v pc="$pc" -v t="${t:--}" -v aged="$aged" \
    'BEGIN{ratio = t == "-" ? "-" : sprintf("%.2fx", rw / t);
      printf "%-6d %8.1f (%5s) %10.1f %8.1f (%5s) %11.1f %10s %7s %8.1f (%5s) %s\n", n, cw, cc, cw*1000/n, rw, rc, rw*1000/n, t, ratio, pw, pc, aged}'
done
# The marginal cost per extra node (largest minus smallest size) removes the fixed
# process start-up: it is the executor's own per-node cost, caching included.
read -r -a sizes <<<"$SIZES"
if (( ${#sizes[@]} >= 2 )); then
  lo=${sizes[0]} hi=${sizes[-1]}
  awk -v lo="$lo" -v hi="$hi" -v c1="${COLD[$lo]%% *}" -v c2="${COLD[$hi]%% *}" -v r1="${NOOP[$lo]%% *}" \
      -v r2="${NOOP[$hi]%% *}" -v p1="${PLAN[$lo]%% *}" -v p2="${PLAN[$hi]%% *}" 'BEGIN{d = hi - lo;
    printf "\nper extra node (%d -> %d nodes): cold %.1f us, no-op %.1f us, plan %.1f us\n", lo, hi,
      (c2-c1)*1000/d, (r2-r1)*1000/d, (p2-p1)*1000/d}'
fi
