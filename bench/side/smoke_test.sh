#!/bin/sh
# Runs custdb-bench-side on about a thousand customers with few queries
# and checks only that it completed and printed its tables.
#
# usage: smoke_test.sh HARNESS SOURCE_DIR SCRATCH_DIR
set -eu
harness=$1
source_dir=$2
scratch=$3

rm -rf "$scratch"
mkdir -p "$scratch"
python3 "$source_dir/bench/gen/generate.py" --customers 1000 --seed 5 \
  --out "$scratch/data"

status=0
"$harness" "$scratch/data" --work="$scratch/work" --queries=100 \
  --dupe-queries=20 --merges=10 --timeline-customers=5 \
  --tsv="$scratch/report.tsv" >"$scratch/report.md" || status=$?
cat "$scratch/report.md"
[ "$status" -eq 0 ]
grep -q '^| get by id | [0-9]' "$scratch/report.md"
grep -q '^| find duplicates (top 10) | [0-9]' "$scratch/report.md"
grep -q '^| custdb peak RSS' "$scratch/report.md"
rm -rf "$scratch"
