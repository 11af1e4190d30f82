#!/bin/sh
# Installs what the benchmark-dataset recipe reads (bench/debian-packages.txt), for CI.
# Binary packages: apt-get install. Source packages (src:NAME): their tarballs are downloaded
# through a private source list whose deb-src entries are derived from the machine's own apt
# sources (the "Types: deb" stanzas of /etc/apt/sources.list.d/*.sources, the "deb" lines of
# sources.list and sources.list.d/*.list), so apt's own configuration is not changed.
#
#   sh scripts/install-bench-deps.sh [--list <file> --download-only]
#
# --list reads another package list (the evaluation set's, bench/debian-packages-eval.txt);
# --download-only downloads its binary packages' .deb files into $LANGLAB_BENCH_DEBS
# (/var/cache/langlab-bench/debs) instead of installing them, so nothing is added to the system
# (`npm run bench:dataset -- --packages <file>` unpacks them).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
list="$here/bench/debian-packages.txt"
install=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --list)
      if [ $# -lt 2 ] || [ ! -f "$2" ]; then echo "install-bench-deps: --list needs a package list file (bench/debian-packages-eval.txt), got '${2:-}'." >&2; exit 2; fi
      list=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    --download-only) install=no; shift ;;
    *) echo "install-bench-deps: unknown argument $1. Usage: [--list <file>] [--download-only]" >&2; exit 2 ;;
  esac
done
dest="${LANGLAB_BENCH_SRC:-/var/cache/langlab-bench/src}"
debs="${LANGLAB_BENCH_DEBS:-/var/cache/langlab-bench/debs}"
binary=$(grep -v '^#' "$list" | grep -v '^src:' | grep -v '^$' | tr '\n' ' ')
sources=$(grep '^src:' "$list" | sed 's/^src://' | tr '\n' ' ')
started=$(date +%s)

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
if [ "$install" = yes ]; then
  # unsafe-io: dpkg skips its fsync per file (hundreds of small packages on a CI machine).
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-unsafe-io $binary
elif [ -n "$binary" ]; then
  # apt downloads as the _apt user where it can: the folder must be writable by it.
  mkdir -p "$debs" && chmod 0777 "$debs"
  # shellcheck disable=SC2086
  (cd "$debs" && apt-get download -q $binary)
fi

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
[ -z "$sources" ] || apt-get $opts source --download-only --tar-only -q $sources
echo "install-bench-deps: done in $(( $(date +%s) - started )) s; source tarballs are in $dest"
