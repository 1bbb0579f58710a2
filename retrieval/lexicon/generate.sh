#!/usr/bin/env bash
# Regenerates words.txt.gz and irregular.txt.gz from Debian's wamerican
# (SCOWL) and wordnet-base packages. Run from this folder: ./generate.sh
# Needs apt-get (for "apt-get download"; nothing is installed) and dpkg-deb.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download wamerican wordnet-base >/dev/null 2>&1)
for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
go run gen.go -dict "$tmp/root/usr/share/dict/american-english" -wordnet "$tmp/root/usr/share/wordnet"
