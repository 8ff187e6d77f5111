#!/bin/sh
# Runs custdb-bench-dupes on about a thousand customers and checks that it
# printed its table, on data from the benchmark's generator.
#
# usage: smoke_test.sh HARNESS SOURCE_DIR SCRATCH_DIR
set -eu
harness=$1
source_dir=$2
scratch=$3

rm -rf "$scratch"
mkdir -p "$scratch"
python3 "$source_dir/bench/gen/generate.py" --customers 1000 --seed 1 \
  --out "$scratch/data"

status=0
"$harness" "$scratch/data" --warmup=10 >"$scratch/report.md" || status=$?
cat "$scratch/report.md"
[ "$status" -eq 0 ]
grep -q '^| PostgreSQL 15 pg_trgm | [1-9]' "$scratch/report.md"
grep -q '^| SQLite FTS5 trigram | [1-9]' "$scratch/report.md"
grep -q '^| custdb | ' "$scratch/report.md"
rm -rf "$scratch"
