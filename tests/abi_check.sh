#!/bin/sh
# Compares the library's ABI with the baseline. abidiff's exit status is a
# bit field: 1 error, 2 usage error, 4 some change, 8 an incompatible
# change. With --no-added-syms an added function is not a change at all,
# so any non-zero status (a removed function, a changed parameter, return
# type or struct layout) fails.
set -u
abidw="$1" abidiff="$2" lib="$3" baseline="$4" header="$5" current="$6"
# Only the types of the public header count: the shim's own definitions of
# the opaque handles are private.
"$abidw" --no-corpus-path --exported-interfaces-only --drop-private-types \
  --no-show-locs --header-file "$header" --out-file "$current" \
  "$lib" || exit 1
"$abidiff" --no-added-syms --header-file2 "$header" "$baseline" "$current"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "abi_compat: the ABI changed incompatibly (abidiff status $rc)"
  exit 1
fi
echo "abi_compat: compatible with the baseline (abidiff status $rc)"
