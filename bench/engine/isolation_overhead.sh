#!/usr/bin/env bash
# What `isolation = "process"` costs per node: the same chain of sluice.square nodes over a
# ROWS-row table, every node forced to run, in-process vs `--isolate` (each node starts a stage process;
# inputs and outputs travel through the cache's object encoding), median of RUNS each.
#
# Usage: bench/engine/isolation_overhead.sh [BUILD_DIR]     (default: build)
# Env:   NODES=20 ROWS=10000 RUNS=9 JOBS=1 WORK=/tmp/sluice-bench-isolation
#        TIMER=hyperfine|loop  (default: hyperfine when installed)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
SLUICE=$BUILD/bin/sluice
NODES=${NODES:-20}
ROWS=${ROWS:-10000}
RUNS=${RUNS:-9}
JOBS=${JOBS:-1}
WORK=${WORK:-/tmp/sluice-bench-isolation}
TIMER=${TIMER:-$(command -v hyperfine >/dev/null && echo hyperfine || echo loop)}
# shellcheck source=bench/timing.sh
source "$ROOT/bench/timing.sh"

cmake --build "$BUILD" --target sluice sluice_plugin_examples >/dev/null
rm -rf "$WORK"
mkdir -p "$WORK"
{
  echo '[pipeline]'
  echo 'name = "bench_isolation"'
  echo '[nodes.numbers]'
  echo 'plugin = "sluice.range"'
  echo "params = { stop = $ROWS }"
  prev=numbers
  for ((i = 1; i <= NODES; i++)); do
    echo "[nodes.sq$i]"
    echo 'plugin = "sluice.square"'
    echo "inputs = [\"$prev\"]"
    echo "params = { output = \"c$i\" }"
    prev=sq$i
  done
} >"$WORK/p.toml"

"$SLUICE" run -q "$WORK/p.toml" -j "$JOBS"
echo "machine: $(nproc) cores; $NODES square nodes over $ROWS rows, all forced, -j $JOBS; timer: $TIMER"
read -r plain plain_cpu <<<"$(median_ms "$RUNS" "" "$SLUICE" run -q -j "$JOBS" --force numbers "$WORK/p.toml")"
read -r iso iso_cpu <<<"$(median_ms "$RUNS" "" "$SLUICE" run -q -j "$JOBS" --isolate --force numbers "$WORK/p.toml")"
awk -v n="$((NODES + 1))" -v p="$plain" -v i="$iso" -v pc="$plain_cpu" -v ic="$iso_cpu" 'BEGIN{
  printf "in-process: %.1f ms (cpu %s)\nisolated:   %.1f ms (cpu %s)\n", p, pc, i, ic
  printf "isolation overhead: %.2f ms per node (%d nodes), %.2fx the in-process run\n", (i - p) / n, n, i / p }'
