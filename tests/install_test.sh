#!/bin/sh
# Installs the build into a scratch prefix and builds a small host three
# ways: pkg-config on the installed tree, find_package on it, and
# pkg-config on the build tree through custdb-uninstalled.pc.
set -eu
cmake="$1" build="$2" work="$3" sources="$4"
prefix="$work/prefix"
rm -rf "$work"
mkdir -p "$work"
"$cmake" --install "$build" --prefix "$prefix" >/dev/null

libdir=$(dirname "$(find "$prefix" -name custdb.pc | head -n 1)")/..
test -f "$prefix/include/custdb.h"
test -f "$prefix/share/custdb/custdb.fbs"

# 1. pkg-config, installed.
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
cc -std=c99 -pedantic -Werror -o "$work/host_pc" "$sources/host.c" \
  $(pkg-config --cflags --libs custdb)
LD_LIBRARY_PATH="$libdir" "$work/host_pc" "$work/store_pc"

# 2. find_package, installed.
"$cmake" -S "$sources" -B "$work/cmake_build" -DCMAKE_PREFIX_PATH="$prefix" \
  >/dev/null
"$cmake" --build "$work/cmake_build" >/dev/null
LD_LIBRARY_PATH="$libdir" "$work/cmake_build/host" "$work/store_cmake"

# 3. pkg-config, uninstalled build tree.
export PKG_CONFIG_PATH="$build"
# shellcheck disable=SC2046
cc -std=c99 -pedantic -Werror -o "$work/host_uninstalled" "$sources/host.c" \
  $(pkg-config --cflags --libs custdb-uninstalled)
LD_LIBRARY_PATH="$build" "$work/host_uninstalled" "$work/store_uninstalled"
rm -rf "$work"
echo "install_and_build_host: three hosts built and ran"
