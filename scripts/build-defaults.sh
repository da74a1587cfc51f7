# Sourced, not run: the cmake configuration every scripted build shares (scripts/demo.sh,
# scripts/build.sh and through it scripts/test.sh, CI and the Dockerfile; scripts/asan.sh and
# scripts/bench.sh with their own build type), so a build directory configured by one is reused by
# the next without compiling anything twice.
#
# Optimized (-O2: GCC 12 at -O3 reports false positives that -Werror makes errors) without debug
# information, each library and test program compiled as one unity source, with the standard and
# third-party headers most sources include precompiled: about a fifth of the CPU time of compiling
# each file on its own with debug information. A developer rebuilding after each small edit may
# prefer each file on its own (the CMakeLists.txt defaults), which is also how a source that does
# not include what it uses shows up:
#   scripts/build.sh -DPINSYNC_UNITY_BUILD=OFF -DPINSYNC_PCH=OFF
# BUILD_TYPE (CMAKE_BUILD_TYPE) defaults to Release.
# shellcheck shell=bash disable=SC2034
BUILD_DEFAULTS=(
  -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}"
  "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG"
  "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG"
  -DPINSYNC_UNITY_BUILD=ON
  -DPINSYNC_PCH=ON
)
