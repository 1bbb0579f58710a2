#!/usr/bin/env bash
# fetch.sh builds lectern's big benchmark corpus: about one million sentences
# of real English text taken from the plain-text documentation in Debian
# packages (see README.md beside this file for what is in it and the figures).
#
# Usage: bench/corpus/fetch.sh [--rebuild]
#
# Everything lives under a cache folder, by default
# ${LECTERN_BENCH_CACHE:-$HOME/.cache/lectern-bench}:
#
#   debs/              the .deb files, fetched with `apt-get download`
#   unpacked/PKG/      each package unpacked with `dpkg-deb -x` (never installed)
#   bigcorpus/         the corpus: UTF-8 .txt files, one folder per package
#
# A second run that finds a finished corpus prints where it is and exits at
# once. Downloads and unpacked packages are reused when present; the corpus is
# assembled in a temporary folder and moved into place, and its marker file
# (bigcorpus/.complete) is written last, so an interrupted run is redone.
# --rebuild assembles bigcorpus again from the cached packages.
#
# Needs apt-get, dpkg-deb, gzip, iconv and awk (all in a Debian base system).
# When the package lists are missing it runs `apt-get update` if it is root,
# and otherwise says so and stops.
#
# Exit codes: 0 ok, 1 failure, 2 bad usage.

set -euo pipefail

# RECIPE names what bigcorpus is built from. Change it whenever the package
# list or the conversion below changes, so old caches are rebuilt.
readonly RECIPE="lectern-bench-corpus 1"

# PACKAGES are the Debian packages, each pinned to the version the figures in
# README.md were measured with. When a pinned version has left the archive
# the current one is used instead, with a warning.
readonly PACKAGES=(
	"linux-doc-6.1=6.1.192-2"
	"python3.11-doc=3.11.2-6+deb12u9"
	"perl-doc=5.36.0-7+deb12u4"
	"git-doc=1:2.39.5-0+deb12u3"
	"dict-gcide=0.48.5+nmu2"
)

usage() {
	sed -n '2,/^# Exit codes/s/^# \{0,1\}//p' "$0"
}

rebuild=false
case "${1:-}" in
"") ;;
--rebuild) rebuild=true ;;
-h | --help)
	usage
	exit 0
	;;
*)
	echo "fetch.sh: unknown argument ${1}" >&2
	usage >&2
	exit 2
	;;
esac
if [[ $# -gt 1 ]]; then
	echo "fetch.sh: too many arguments" >&2
	exit 2
fi

CACHE="${LECTERN_BENCH_CACHE:-$HOME/.cache/lectern-bench}"
OUT="$CACHE/bigcorpus"
MARKER="$OUT/.complete"

log() { printf 'fetch.sh: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

# summary prints the corpus's location, file count and size.
summary() {
	local files bytes
	files=$(find "$OUT" -type f -name '*.txt' | wc -l)
	bytes=$(find "$OUT" -type f -name '*.txt' -printf '%s\n' | awk '{n += $1} END {print n + 0}')
	echo "corpus: $OUT"
	echo "files: $files"
	echo "bytes: $bytes"
}

if ! $rebuild && [[ -f "$MARKER" ]] && [[ "$(head -n 1 "$MARKER")" == "$RECIPE" ]]; then
	summary
	exit 0
fi

for tool in apt-get apt-cache dpkg-deb gzip iconv awk; do
	command -v "$tool" >/dev/null || die "$tool not found; this script needs a Debian or Ubuntu system"
done

mkdir -p "$CACHE/debs" "$CACHE/unpacked"
WORK=$(mktemp -d "$CACHE/tmp.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM HUP

# ---------------------------------------------------------------------------
# Download and unpack.

updated=false

# candidate prints the version apt would download for package $1, or nothing.
candidate() {
	apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {if ($2 != "(none)") print $2}'
}

# ensure_lists makes sure apt knows package $1, running apt-get update once
# when it is root.
ensure_lists() {
	[[ -n "$(candidate "$1")" ]] && return 0
	if ! $updated && [[ $(id -u) -eq 0 ]]; then
		log "apt does not know $1; running apt-get update"
		apt-get update -qq >&2 || die "apt-get update failed"
		updated=true
		[[ -n "$(candidate "$1")" ]] && return 0
	fi
	die "apt does not know package $1; run 'apt-get update' as root (Debian 12 'bookworm' has it)"
}

# fetch downloads the .deb of spec $1 ("name=version") unless one is cached,
# and sets deb to its path. (It is not run in $(...), so that die stops the
# script and apt-get update runs at most once.)
fetch() {
	local spec=$1 name=${1%%=*} dl
	deb=$(find "$CACHE/debs" -maxdepth 1 -name "${name}_*.deb" | sort | tail -n 1)
	if [[ -n "$deb" ]]; then
		return
	fi
	ensure_lists "$name"
	dl="$WORK/dl.$name"
	mkdir -p "$dl"
	# As root, apt downloads as user _apt, who cannot write under a private
	# home; say that root downloads rather than have apt warn about it.
	local opts=(-q)
	if [[ $(id -u) -eq 0 ]]; then
		opts+=(-o APT::Sandbox::User=root)
	fi
	log "downloading $spec"
	get() { (cd "$dl" && apt-get download "${opts[@]}" "$1" >&2); }
	if get "$spec"; then
		:
	elif ! $updated && [[ $(id -u) -eq 0 ]] && {
		# Package lists older than the archive name versions it no longer
		# holds: update them once and try again.
		log "apt-get download $spec failed; running apt-get update and trying again"
		apt-get update -qq >&2 || die "apt-get update failed"
		updated=true
		get "$spec"
	}; then
		:
	else
		log "warning: $spec is not in the archive any more; taking version $(candidate "$name"), so figures may differ from README.md"
		get "$name" || die "apt-get download $name failed; if the package lists are old, run 'apt-get update' as root"
	fi
	deb=$(find "$dl" -maxdepth 1 -name "${name}_*.deb" | head -n 1)
	[[ -n "$deb" ]] || die "apt-get download $name left no .deb"
	mv "$deb" "$CACHE/debs/"
	deb="$CACHE/debs/${deb##*/}"
}

# unpack extracts .deb $2 of package $1 into unpacked/$1 unless done before.
unpack() {
	local name=$1 deb=$2 dest="$CACHE/unpacked/$1"
	[[ -f "$dest/.unpacked" ]] && return
	log "unpacking $(basename "$deb")"
	rm -rf "$dest" "$WORK/unpack"
	dpkg-deb -x "$deb" "$WORK/unpack"
	basename "$deb" >"$WORK/unpack/.unpacked"
	mv "$WORK/unpack" "$dest"
}

manifest=()
for spec in "${PACKAGES[@]}"; do
	name=${spec%%=*}
	fetch "$spec"
	unpack "$name" "$deb"
	manifest+=("$(basename "$deb")")
done

# ---------------------------------------------------------------------------
# Assemble the corpus in $NEW, then move it into place.

NEW="$WORK/bigcorpus"
mkdir -p "$NEW"

# put writes stdin to corpus file $1 (relative to $NEW) as UTF-8. A file that
# is UTF-8 but for a few stray bytes loses those bytes; one with many invalid
# bytes is taken to be Latin-1 and converted; each repair is logged and
# counted in $WORK/repaired (put may run in a pipeline's subshell). Empty
# results are dropped.
put() {
	local dest="$NEW/$1" tmp="$WORK/put.tmp" kept
	mkdir -p "${dest%/*}"
	cat >"$tmp"
	if [[ ! -s "$tmp" ]]; then
		rm -f "$tmp"
		return
	fi
	if ! iconv -f UTF-8 -t UTF-8 "$tmp" >/dev/null 2>&1; then
		# iconv -c exits 1 when it dropped bytes; that is what we asked for.
		iconv -c -f UTF-8 -t UTF-8 "$tmp" >"$tmp.c" || true
		kept=$(stat -c %s "$tmp.c")
		if (($(stat -c %s "$tmp") - kept <= 16)); then
			mv "$tmp.c" "$tmp"
			log "dropped stray non-UTF-8 bytes from $1"
		else
			iconv -f LATIN1 -t UTF-8 "$tmp" >"$tmp.c"
			mv "$tmp.c" "$tmp"
			log "converted $1 from Latin-1"
		fi
		echo "$1" >>"$WORK/repaired"
	fi
	mv "$tmp" "$dest"
}

# add_tree copies the text sources under folder $1 into corpus folder $2.
# It takes *.rst and *.txt, gzipped or not, and names them *.txt; when a
# folder holds both x.rst and x.txt the first becomes x.rst.txt. Files for
# which $3 (an extended regexp on the relative path) matches are left out.
add_tree() {
	local src=$1 dest=$2 exclude=${3:-'^$'} f rel base
	while IFS= read -r -d '' f; do
		rel=${f#"$src"/}
		[[ "$rel" =~ $exclude ]] && continue
		base=${rel%.gz}
		case "$base" in
		*.rst.txt) base=${base%.rst.txt} ;; # Sphinx _sources
		*.rst)
			base=${base%.rst}
			if [[ -e "$src/$base.txt" || -e "$src/$base.txt.gz" ]]; then
				base=$base.rst
			fi
			;;
		*.txt) base=${base%.txt} ;;
		esac
		case "$f" in
		*.gz) gzip -dc "$f" | put "$dest/$base.txt" ;;
		*) put "$dest/$base.txt" <"$f" ;;
		esac
	done < <(find "$src" -type f \( -name '*.rst' -o -name '*.rst.gz' -o -name '*.txt' -o -name '*.txt.gz' \) -print0 | sort -z)
}

U="$CACHE/unpacked"

# The kernel's Documentation tree (reStructuredText, older plain .txt). Left
# out: the Sphinx HTML and its _sources (the same text again), YAML
# device-tree schemas, the extensionless ABI/ entries, scripts, images, and
# Documentation/translations (not English).
log "adding linux-doc-6.1"
add_tree "$U/linux-doc-6.1/usr/share/doc/linux-doc-6.1/Documentation" linux-doc-6.1 '^translations/'

# Python's documentation as reStructuredText: Sphinx's _sources, *.rst.txt.
log "adding python3.11-doc"
add_tree "$U/python3.11-doc/usr/share/doc/python3.11/html/_sources" python3.11-doc

# Perl's manual pages in POD (perlfunc, perlre, perlfaq1-9, ...), named *.txt.
log "adding perl-doc"
for f in "$U"/perl-doc/usr/share/perl/*/pod/*.pod; do
	[[ -f "$f" ]] || continue
	b=${f##*/}
	put "perl-doc/${b%.pod}.txt" <"$f"
done

# Git's manual pages, user manual, howtos and technical notes in AsciiDoc.
log "adding git-doc"
add_tree "$U/git-doc/usr/share/doc/git-doc" git-doc

# GCIDE, the Collaborative International Dictionary of English, is one 40 MB
# dictd stream (.dict.dz is gzip-compatible). Split it by the first letter of
# each headword (a headword line follows a blank line and carries its
# pronunciation in backslashes: "Abjure \Ab*jure"\, v. t."), into a.txt to
# z.txt, other.txt for digits and symbols, and 00-about.txt for the notice at
# the top. Lines that hold nothing but a provenance tag ("[1913 Webster]",
# "[WordNet 1.5]", "[PJC]") are dropped: a fifth of all lines, they would
# each become a "sentence" of their own.
log "adding dict-gcide"
gcide="$WORK/gcide"
mkdir -p "$gcide"
gzip -dc "$U"/dict-gcide/usr/share/dictd/gcide.dict.dz | awk -v out="$gcide" '
	BEGIN { f = out "/00-about.txt"; blank = 1 }
	/^[ \t]*\[(1913 Webster|Webster 1913 Suppl\.|WordNet 1\.5|PJC)[^]]*\][ \t]*$/ { next }
	blank && /^[^ \t][^\\]* \\/ {
		c = tolower(substr($0, 1, 1))
		f = out "/" (c ~ /^[a-z]$/ ? c : "other") ".txt"
	}
	{ print > f; blank = ($0 ~ /^[ \t]*$/) }
'
for f in "$gcide"/*.txt; do
	put "dict-gcide/${f##*/}" <"$f"
done

# ---------------------------------------------------------------------------
# Move into place; the marker, which also names the .deb files used, goes
# last. Load skips hidden files, so it is not part of the corpus.

rm -rf "$OUT"
mv "$NEW" "$OUT"
printf '%s\n' "$RECIPE" "${manifest[@]}" >"$WORK/complete"
mv "$WORK/complete" "$MARKER"
if [[ -f "$WORK/repaired" ]]; then
	log "$(wc -l <"$WORK/repaired") file(s) needed encoding repair"
fi
summary
