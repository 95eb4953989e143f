#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang + ASan + UBSan and runs
# each for FUZZ_SECONDS seconds, starting from its committed seed corpus.
#   scripts/ci-fuzz.sh                     # 60 s per target, build dir build-fuzz/
#   FUZZ_SECONDS=600 SLUICE_FUZZ_BUILD_DIR=build-x scripts/ci-fuzz.sh fuzz_csv
# A crash leaves its input as <build>/fuzz/artifacts/crash-*; add it to
# tests/fuzz/corpus/<target>/ once fixed, so the normal test suite replays it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build="${SLUICE_FUZZ_BUILD_DIR:-build-fuzz}"
seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
((${#targets[@]})) || targets=(fuzz_pipeline fuzz_cache_object fuzz_csv fuzz_cron)

cmake -S . -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DSLUICE_BUILD_FUZZERS=ON -DSLUICE_BUILD_TESTS=OFF -DSLUICE_BUILD_BENCH=OFF \
  -DSLUICE_SANITIZE="address;undefined" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link"
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"

# Leak checking stays on; the run stops at the first finding.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
artifacts="$build/fuzz/artifacts"
mkdir -p "$artifacts"
status=0
for t in "${targets[@]}"; do
  work="$build/fuzz/work/$t"  # grows during the run; the committed seeds stay untouched
  mkdir -p "$work"
  dict=()
  [[ -f "tests/fuzz/dict/$t.dict" ]] && dict=(-dict="tests/fuzz/dict/$t.dict")
  echo "== $t: ${seconds}s"
  if ! "$build/fuzz/$t" "$work" "tests/fuzz/corpus/$t" "${dict[@]}" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$artifacts/$t-" -print_final_stats=1 2>"$build/fuzz/$t.log"; then
    echo "FAIL: $t found a bug; log: $build/fuzz/$t.log, input: $(ls "$artifacts"/"$t"-* 2>/dev/null | head -1)"
    tail -40 "$build/fuzz/$t.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$build/fuzz/$t.log" | tail -2
  fi
done
exit $status
