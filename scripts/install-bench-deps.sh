#!/bin/sh
# Installs what the benchmark-dataset recipe reads (bench/debian-packages.txt), for CI.
# Binary packages: apt-get install. Source packages (src:NAME): their upstream tarballs are
# downloaded with a private deb-src list, so the machine's apt configuration is not changed.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
list="$here/bench/debian-packages.txt"
dest="${LANGLAB_BENCH_SRC:-/var/cache/langlab-bench/src}"
binary=$(grep -v '^#' "$list" | grep -v '^src:' | grep -v '^$' | tr '\n' ' ')
sources=$(grep '^src:' "$list" | sed 's/^src://' | tr '\n' ' ')

export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $binary

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$dest"
echo "deb-src http://deb.debian.org/debian bookworm main" > "$work/sources.list"
opts="-o Dir::Etc::SourceList=$work/sources.list -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists=$work/lists"
# shellcheck disable=SC2086
apt-get $opts update
cd "$dest"
# shellcheck disable=SC2086
apt-get $opts source --download-only $sources
echo "Source tarballs are in $dest"
