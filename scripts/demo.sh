#!/bin/sh
# The main job: set up, build everything, and meet custdb through its
# command-line tool on the bundled sample of 10,000 customers, in a fresh
# store: import, the summary counts, searches and filtered lists, the
# duplicates of one customer and the preview of merging them.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
custdb=build/custdb
store="${CUSTDB_STORE:-build/demo-store}"
export CUSTDB_STORE="$store"
rm -rf "$store" build/demo-sample.jsonl
gzip -dc cli/sample/customers-10k.jsonl.gz >build/demo-sample.jsonl

step() { printf '\n$ custdb %s\n' "$*"; }

step init
$custdb init
step import build/demo-sample.jsonl --id-column ref
$custdb import build/demo-sample.jsonl --id-column ref \
  --report build/demo-import-report.csv
step stats
$custdb stats
step 'list --search "mar smi" --limit 5'
$custdb list --search "mar smi" --limit 5
step list --search 415 --kind company --limit 5
$custdb list --search 415 --kind company --limit 5
step list --vip --kind individual --limit 10
$custdb list --vip --kind individual --limit 10
step list --tag warranty --kind company --limit 5
$custdb list --tag warranty --kind company --limit 5

# The first likely pair of high confidence in the account-wide report.
pair=$($custdb dupes --all --format csv | awk -F, '$3 == "high" {print $1 " " $2; exit}')
survivor=${pair% *}
duplicate=${pair#* }
step dupes "$survivor"
$custdb dupes "$survivor"
step show "$duplicate"
$custdb show "$duplicate"
step merge "$survivor" "$duplicate" --preview
$custdb merge "$survivor" "$duplicate" --preview
step check
$custdb check
printf '\nThe store is in %s; try: CUSTDB_STORE=%s %s help\n' "$store" \
  "$store" "$custdb"
