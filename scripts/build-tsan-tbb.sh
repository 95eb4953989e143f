#!/usr/bin/env bash
# Builds Debian 12's own oneTBB source package (onetbb 2021.8, Debian patches applied) with
# -fsanitize=thread and installs libtbb into PREFIX, for the ThreadSanitizer build.
#   scripts/build-tsan-tbb.sh /var/tmp/sluice-tbb-tsan-2021.8
# Why: Debian's libtbb12 is not instrumented, so TSan cannot see the synchronisation with which
# oneTBB hands a task (and the data it captures) from one thread to another, and reports every
# parallel_for / flow-graph handoff as a race, even in a 15-line correct program. Against an
# instrumented libtbb those reports disappear, so no suppression is needed for them.
# Same version and headers as libtbb-dev, so the rest of the build is unchanged. Idempotent.
set -euo pipefail
prefix="$(realpath -m "${1:?usage: build-tsan-tbb.sh PREFIX}")"
if [[ -f "$prefix/lib/libtbb.so.12" && -f "$prefix/lib/cmake/TBB/TBBConfig.cmake" ]]; then
  echo "build-tsan-tbb: $prefix already built"
  exit 0
fi
SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
# The source package needs deb-src entries; Debian's default images list only binaries.
if ! apt-get source --download-only onetbb >/dev/null 2>&1; then
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
      $SUDO tee /etc/apt/sources.list.d/sluice-deb-src.sources >/dev/null
  else
    grep -h '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' |
      $SUDO tee /etc/apt/sources.list.d/sluice-deb-src.list >/dev/null
  fi
  $SUDO apt-get update -q
  apt-get source --download-only onetbb
fi
dpkg-source -x onetbb_*.dsc src >/dev/null
# TBB_STRICT=OFF: GCC warns that TSan does not model atomic_thread_fence (-Wtsan); TBB's
# default -Werror would stop the build on that warning.
cmake -S src -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTBB_SANITIZE=thread -DTBB_STRICT=OFF \
  -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBBMALLOC_BUILD=OFF -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build build -j "$(nproc)"
cmake --install build >/dev/null
echo "build-tsan-tbb: installed ThreadSanitizer-instrumented libtbb in $prefix"
