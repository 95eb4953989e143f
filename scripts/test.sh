#!/usr/bin/env bash
# Builds Sluice and runs the whole test suite (unit + integration) through CTest.
# On a fresh Debian 12 machine it first installs the dependencies.
#   scripts/test.sh                 # default preset (build/)
#   SLUICE_PRESET=ci scripts/test.sh  # warnings as errors
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
preset="${SLUICE_PRESET:-default}"
SLUICE_SETUP_EXTRAS="${SLUICE_SETUP_EXTRAS:-1}" ./scripts/setup-deps.sh
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset" -j "$(nproc)" ${SLUICE_CTEST_ARGS:-}
