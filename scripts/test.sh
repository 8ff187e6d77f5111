#!/bin/sh
# Every test: set up, build, run the suite under ctest; then the same suite,
# the benchmarks aside, built with AddressSanitizer and UBSan, and the
# engine tests (the concurrent ones among them) under ThreadSanitizer; then,
# when clang is there, each fuzz target on its corpus for a few seconds.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure -j "$jobs"

if [ "${CUSTDB_SKIP_SANITIZERS:-0}" != 1 ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCUSTDB_SANITIZE=ON -DCUSTDB_ABI_CHECK=OFF -DCUSTDB_BENCH=OFF >/dev/null
  cmake --build build-asan
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs"
fi

if [ "${CUSTDB_SKIP_SANITIZERS:-0}" != 1 ]; then
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCUSTDB_TSAN=ON -DCUSTDB_ABI_CHECK=OFF >/dev/null
  cmake --build build-tsan --target engine_tests
  TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/tests/tsan.supp" \
    ctest --test-dir build-tsan --output-on-failure -j "$jobs" -R '^engine_tests_'
fi

# The fuzz targets, briefly (docs/reliability.md tells how to run one for
# hours). A whole build directory of clang, apart from the gcc ones.
if [ "${CUSTDB_SKIP_SANITIZERS:-0}" != 1 ] && command -v clang++ >/dev/null &&
  command -v clang >/dev/null; then
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang \
    -DCUSTDB_FUZZ=ON >/dev/null
  cmake --build build-fuzz
  ctest --test-dir build-fuzz --output-on-failure -j "$jobs"
fi
