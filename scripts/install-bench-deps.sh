#!/bin/sh
# Installs what the benchmark-dataset recipe reads (bench/debian-packages.txt), for CI.
# Binary packages: apt-get install. Source packages (src:NAME): their tarballs are downloaded
# through a private source list whose deb-src entries are derived from the machine's own apt
# sources (the "Types: deb" stanzas of /etc/apt/sources.list.d/*.sources, the "deb" lines of
# sources.list and sources.list.d/*.list), so apt's own configuration is not changed.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
list="$here/bench/debian-packages.txt"
dest="${LANGLAB_BENCH_SRC:-/var/cache/langlab-bench/src}"
binary=$(grep -v '^#' "$list" | grep -v '^src:' | grep -v '^$' | tr '\n' ' ')
sources=$(grep '^src:' "$list" | sed 's/^src://' | tr '\n' ' ')
started=$(date +%s)

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# unsafe-io: dpkg skips its fsync per file (hundreds of small packages on a CI machine).
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-unsafe-io $binary

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/parts" "$dest"
etc=$(apt-config shell E Dir::Etc/d | sed "s/^E='\(.*\)'$/\1/")
etc=${etc:-/etc/apt/}

# deb822 files: every stanza whose Types include "deb" becomes a deb-src stanza with the same
# URIs, suites, components and options; disabled stanzas and comments are dropped.
for f in "$etc"sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  awk 'BEGIN { RS = ""; ORS = "" }
  {
    keep = 0; out = ""
    n = split($0, line, "\n")
    for (i = 1; i <= n; i++) {
      l = line[i]
      if (l ~ /^[ \t]*#/) continue
      if (l ~ /^Types:/) { if (l ~ /[ \t]deb([ \t]|$)/) keep = 1; l = "Types: deb-src" }
      if (l ~ /^Enabled:[ \t]*[Nn]o/) keep = 0
      out = out l "\n"
    }
    if (keep) print out "\n"
  }' "$f" > "$work/parts/$(basename "$f")"
done
# One-line style: "deb [options] URI suite components" becomes the same line with deb-src.
for f in "$etc"sources.list "$etc"sources.list.d/*.list; do
  [ -f "$f" ] || continue
  sed -n 's/^[ \t]*deb\([ \t]\)/deb-src\1/p' "$f"
done > "$work/sources.list"
if ! grep -qs . "$work/sources.list" "$work"/parts/*; then
  echo "install-bench-deps: the machine's apt sources (${etc}sources.list, ${etc}sources.list.d/) name no \"deb\" entry to derive deb-src entries from." >&2
  exit 1
fi

opts="-o Dir::Etc::SourceList=$work/sources.list -o Dir::Etc::SourceParts=$work/parts -o Dir::State::Lists=$work/lists"
# shellcheck disable=SC2086
apt-get $opts update -q
cd "$dest"
# --tar-only: the recipe reads the upstream tarballs only (not the .dsc or the Debian changes).
# shellcheck disable=SC2086
apt-get $opts source --download-only --tar-only -q $sources
echo "install-bench-deps: done in $(( $(date +%s) - started )) s; source tarballs are in $dest"
