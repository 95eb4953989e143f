#!/usr/bin/env bash
# Sanitizer CI: the whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer
# (`asan` preset), then the concurrency unit tests (executor, cache, isolation) and every
# integration test under
# ThreadSanitizer (`tsan` preset, linked against an instrumented libtbb built from Debian's
# source by scripts/build-tsan-tbb.sh). Any report fails the script.
#   scripts/ci-sanitizers.sh                 # both
#   scripts/ci-sanitizers.sh asan            # one of them
#   SLUICE_ASAN_BUILD_DIR=build-x scripts/ci-sanitizers.sh asan
# Benchmarks are off in both presets; tests labelled `slow` are skipped (they
# rebuild the project out of tree, which the sanitizers add nothing to). Warnings are
# not errors here: the main CI build enforces them, and -O0 + sanitizers make GCC
# emit false positives (e.g. -Wformat-truncation in plugins/forecast/model/prophet_fit.cpp).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
which=("$@")
((${#which[@]})) || which=(asan tsan)
jobs="$(nproc)"
root="$PWD"

# UBSan is -fsanitize=undefined minus `vptr`: oneTBB 2021.8 (Debian 12) calls a
# flow-graph task's destructor and then static_casts it to the derived type to
# free it (graph_task::destruct_and_deallocate, oneapi/tbb/detail/_flow_graph_impl.h:368),
# which GCC's vptr check reports on every pipeline run; a 15-line flow_graph
# program reproduces it, and GCC's UBSan runtime does not honour suppressions
# for that check. Every other UBSan check stays on.
asan_checks="address;shift;integer-divide-by-zero;unreachable;vla-bound;null;return;signed-integer-overflow"
asan_checks+=";bounds;alignment;object-size;nonnull-attribute;returns-nonnull-attribute;bool;enum;pointer-overflow;builtin"

run_asan() {
  local dir="${SLUICE_ASAN_BUILD_DIR:-build-asan}"
  # Leaks count as failures; a UB report stops the test at once (-fno-sanitize-recover).
  # intercept_tls_get_addr=0: GCC 12's runtime guesses that a dynamic TLS block (a plugin's
  # thread_local) starts with a pre-2.25 glibc header whenever the block lies 16 bytes into a page,
  # follows that garbage "header" while the leak check scans the thread, and the check dies with
  # "Tracer caught signal 11" after the test itself has passed (one process in a few hundred).
  # Leaks stay detected without the interceptor: glibc allocates dynamic TLS blocks with malloc and
  # reaches them from the thread's static TLS, so the leak check still follows pointers held there.
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:intercept_tls_get_addr=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  export SLUICE_TEST_TIME_SCALE=4  # deadlines in tests: -O0 and the leak check at exit are slow
  cmake --preset asan -B "$dir" -DSLUICE_SANITIZE="$asan_checks"
  time cmake --build "$dir" -j "$jobs"
  time ctest --test-dir "$dir" -j "$jobs" --output-on-failure -LE slow --timeout 600
}

run_tsan() {
  local dir="${SLUICE_TSAN_BUILD_DIR:-build-tsan}"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/tsan.supp"
  export SLUICE_TEST_TIME_SCALE=4
  # An instrumented libtbb (Debian's own source, see the script): without it TSan cannot see
  # oneTBB's task handoffs and reports every parallel_for and flow-graph edge as a race.
  # Outside the project, so an installed TSan binary (the out-of-tree test) keeps it in its RPATH
  # (INSTALL_RPATH_USE_LINK_PATH skips directories inside the source and build trees), and readable
  # by every user, so a test that runs sluice as `nobody` loads it too (not under /root).
  local tbb="${SLUICE_TSAN_TBB_PREFIX:-/var/tmp/sluice-tbb-tsan-2021.8}"
  ./scripts/build-tsan-tbb.sh "$tbb"
  cmake --preset tsan -B "$dir" -DTBB_DIR="$(realpath "$tbb/lib/cmake/TBB")"
  # Only what runs below (with the binary, plugins and fixtures they depend on): the other unit
  # tests are single-threaded and already run under ASan.
  time cmake --build "$dir" -j "$jobs" --target unit_exec unit_cache unit_isolation integration_tests
  (cd "$dir" && time ./tests/unit_exec && time ./tests/unit_cache && time ./tests/unit_isolation)
  # The integration tests drive the TSan-built binary, so a race in any real run (partitions,
  # isolation, cache, scheduler, failing stages) makes that run exit 66 and its test fail.
  (cd "$dir" && time ./tests/integration_tests)
}

for w in "${which[@]}"; do
  case "$w" in
    asan) run_asan ;;
    tsan) run_tsan ;;
    *) echo "ci-sanitizers: unknown sanitizer '$w' (asan or tsan)" >&2; exit 2 ;;
  esac
done
