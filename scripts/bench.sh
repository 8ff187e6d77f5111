#!/bin/sh
# The side-by-side benchmark in one command: builds custdb-bench-side,
# generates the data set when it is missing, runs custdb, SQLite,
# PostgreSQL 15 and the raw RocksDB floor on it, and writes
# bench/results/side-by-side-<size>.md (the machine, the date, the commit
# and the tables) and a chart of it, side-by-side-<size>.png.
#
# usage: scripts/bench.sh [--customers N] [--seed S] [--build DIR]
#                         [--data DIR] [--no-build] [HARNESS FLAGS...]
#
# HARNESS FLAGS go to custdb-bench-side as they are (--queries=N,
# --dupe-queries=N, --custdb-store=DIR, ...; see bench/README.md).
# CUSTDB_BENCH_STORE keeps custdb's loaded store between runs.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
customers=100000
seed=1
build="$root/build"
data=""
do_build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --customers) customers=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    *) break ;;
  esac
done

case "$customers" in
  1000000) size=1m ;;
  100000) size=100k ;;
  *) size=$customers ;;
esac
tmp=${TMPDIR:-/tmp}
[ -n "$data" ] || data="$tmp/custdb-bench-data-$customers-seed$seed"
results="$root/bench/results"
report="$results/side-by-side-$size.md"
table="$results/side-by-side-$size.tsv"
chart="$results/side-by-side-$size.png"

if [ "$do_build" -eq 1 ]; then
  [ -f "$build/build.ninja" ] || [ -f "$build/Makefile" ] ||
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build "$build" --target custdb-bench-side
fi
harness="$build/bench/side/custdb-bench-side"

if [ ! -f "$data/customers.tsv" ]; then
  python3 "$root/bench/gen/generate.py" --customers "$customers" \
    --seed "$seed" --out "$data"
fi

# The commit measured, and whether the tree differs from it (the results
# this script writes do not count).
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$root" diff --quiet HEAD -- . ':!bench/results' 2>/dev/null; then
  commit="$commit (with uncommitted changes)"
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
body=$(mktemp)
trap 'rm -f "$body"' EXIT
"$harness" "$data" --tsv="$table" "$@" >"$body"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

model=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
cores=$(nproc)
memory=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os=$(. /etc/os-release && echo "$PRETTY_NAME")
postgres=$(/usr/lib/postgresql/15/bin/postgres --version 2>/dev/null || true)
sqlite=$(pkg-config --modversion sqlite3 2>/dev/null || true)
rocksdb=$(dpkg-query -W -f='${Version}' librocksdb-dev 2>/dev/null || true)

{
  echo "# Side by side: custdb, SQLite, PostgreSQL and raw RocksDB"
  echo
  echo "- Machine: $model, $cores cores, $memory of memory; $os."
  echo "- Load average (1, 5, 15 min) before the run: $load_before; after:" \
    "$load_after. The machine is shared: other work may have run meanwhile."
  echo "- Date: $started. Commit: $commit."
  echo "- Versions: $postgres; SQLite $sqlite; RocksDB $rocksdb."
  echo "- Data: bench/gen/generate.py --customers $customers --seed $seed."
  echo "- Command: scripts/bench.sh --customers $customers --seed $seed $*"
  echo
  cat "$body"
} >"$report"

# The chart needs matplotlib (Debian's python3-matplotlib).
charted=0
for python in /usr/bin/python3 python3; do
  if "$python" -c 'import matplotlib' 2>/dev/null; then
    "$python" "$root/bench/side/chart.py" "$table" "$chart"
    charted=1
    break
  fi
done
if [ "$charted" -eq 0 ]; then
  echo "bench.sh: no chart written, $chart is left as it was: matplotlib" \
    "is missing (scripts/setup.sh installs python3-matplotlib)" >&2
fi
cat "$report"
