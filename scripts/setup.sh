#!/bin/sh
# Installs what custdb needs to build and test on Debian 12, when missing.
# Safe to run again: it only calls apt-get when a package is absent.
# postgresql-15 (whose server package ships pg_trgm), libpq-dev,
# libsqlite3-dev and sqlite3 serve only bench/peers and bench/side, the
# side-by-side harnesses; their smoke tests start a cluster of their own.
# python3-matplotlib draws the chart of scripts/bench.sh.
# clang serves only the fuzz build (libFuzzer ships with it). python3
# runs the data generators and the end-to-end test of the custdb tool.
set -eu

packages="build-essential cmake ninja-build pkg-config clang clang-format
  librocksdb-dev libflatbuffers-dev flatbuffers-compiler libxxhash-dev
  libutf8proc-dev libsodium-dev libbenchmark-dev doctest-dev abigail-tools
  postgresql-15 libpq-dev libsqlite3-dev sqlite3 python3 python3-matplotlib"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"
  then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
fi
