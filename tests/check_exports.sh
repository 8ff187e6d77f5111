#!/bin/sh
# Fails when the shared library exports a symbol outside the C ABI.
set -eu
lib="$1"
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^custdb_' \
  | grep -v '^CUSTDB_' || true)
if [ -n "$bad" ]; then
  echo "symbols exported outside the custdb_ prefix:"
  echo "$bad"
  exit 1
fi
count=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -c '^custdb_')
echo "exported custdb_ symbols: $count"
[ "$count" -gt 0 ]
