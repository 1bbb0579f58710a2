#!/bin/sh
# Regenerate docs/answer.png, docs/not-found.png and docs/topics.png from the
# bot's golden message payloads. Needs python3 and chromium; run from anywhere.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
width=760

chrome() {
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--hide-scrollbars --force-device-scale-factor=1 \
		--user-data-dir="$tmp/profile" "$@" 2>/dev/null
}

# shot GOLDEN PNG [render.py options]: render, measure the page, screenshot it.
shot() {
	golden=$1 png=$2
	shift 2
	python3 "$root/docs/render/render.py" "$root/bot/testdata/$golden" -o "$tmp/page.html" "$@"
	height=$(chrome --window-size=$width,2000 --dump-dom "file://$tmp/page.html" |
		sed -n 's/.*data-height="\([0-9]*\)".*/\1/p' | head -n 1)
	[ -n "$height" ] || { echo "could not measure $golden" >&2; exit 1; }
	chrome --window-size=$width,$height --screenshot="$root/docs/$png" "file://$tmp/page.html"
	echo "docs/$png: ${width}x$height"
}

shot answer.golden.json answer.png
shot not_found.golden.json not-found.png
shot topics_page1.golden.json topics.png --command topics --ephemeral
