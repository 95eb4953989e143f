#!/usr/bin/env bash
# Runs the partition benchmarks and prints the ratios against their targets:
#   1. bench_partitions_tbb: raw tbb::parallel_for vs the engine's foreach machinery on
#      1,000 items of the seed's pi function (target: engine overhead <= 5 %)
#   2. joblib_vs_sluice.py: the seed's pi workload under joblib.Parallel vs `sluice run`
#      (targets: 1,000 x order 5 parallel efficiency >= 95 %; 20,000 x order 3 >= 1.8x)
#
# Usage: bench/partitions/run.sh [BUILD_DIR]     (default: build)
# Env:   JOBS=2  REPS=5  PYTHON_REPS=1  QUICK=1 (smaller workload A, a smoke run)
# Needs /usr/bin/python3 with joblib (Debian: apt-get install python3-joblib).
# On a shared machine the wall times are only as good as the idle cores: the load
# average is printed before and after.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
JOBS=${JOBS:-2}
REPS=${REPS:-5}
PYTHON_REPS=${PYTHON_REPS:-1}

cmake --build "$BUILD" --target sluice sluice_plugin_examples sluice_plugin_sql sluice_plugin_csv bench_partitions_tbb >/dev/null

if ! /usr/bin/python3 -c 'import joblib' 2>/dev/null; then
  echo "$0: /usr/bin/python3 has no joblib; install it with: apt-get install -y python3-joblib" >&2
  exit 2
fi

echo "machine: $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== 1. raw oneTBB vs the engine's partitions (in-process, fresh cache each repetition)"
"$BUILD/bench/partitions/bench_partitions_tbb" --items 1000 --order 5 --jobs "$JOBS" --reps "$REPS"
echo
echo "== 2. joblib vs sluice (whole processes, fresh cache each run)"
QUICK_ARGS=()
[[ -n ${QUICK:-} ]] && QUICK_ARGS=(--quick)
/usr/bin/python3 "$ROOT/bench/partitions/joblib_vs_sluice.py" "$BUILD/bin/sluice" --jobs "$JOBS" --reps "$REPS" \
  --python-reps "$PYTHON_REPS" "${QUICK_ARGS[@]}"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
