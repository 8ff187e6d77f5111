#!/bin/sh
# The main job: set up, build, and run the example host over the C ABI on
# the bundled sample customers, in a fresh store.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target custdb-example
store="${CUSTDB_STORE:-build/demo-store}"
rm -rf "$store"
build/custdb-example "$store" cli/sample/customers.jsonl
