#!/usr/bin/env bash
# Installs every build and test dependency of Sluice from Debian 12 packages.
# Idempotent: when everything is present it only checks and exits (no apt-get update).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git sqlite3
  libboost-dev libboost-graph-dev libboost-filesystem-dev
  libsqlitecpp-dev libsqlite3-dev libeigen3-dev libtomlplusplus-dev libtbb-dev
  doctest-dev libxxhash-dev libcli11-dev libspdlog-dev libfmt-dev
  nlohmann-json3-dev libzstd-dev liblbfgspp-dev libhowardhinnant-date-dev
  libbenchmark-dev tzdata
)
# Optional extras: a headless browser for the dashboard test, clang for fuzzers/sanitizers.
if [[ "${SLUICE_SETUP_EXTRAS:-0}" == "1" ]]; then
  packages+=(chromium clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup-deps: all ${#packages[@]} packages present"
  exit 0
fi
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
