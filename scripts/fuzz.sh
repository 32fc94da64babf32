#!/usr/bin/env bash
# Runs every fuzz target of the importer for N seconds each (default 10),
# one after the other. A failing input is written by Go under
# importer/testdata/fuzz/<Target>/ and stays there as a regression input:
# plain "go test" runs it from then on.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET_REGEXP]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
only="${2:-.}"
pkg=./importer/
targets="$(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' | grep -E -- "$only" || true)"
if [ -z "$targets" ]; then
	echo "fuzz.sh: no fuzz targets match $only" >&2
	exit 1
fi
failed=0
for t in $targets; do
	echo "--- fuzz $t for ${secs}s"
	if ! go test -run '^$' -fuzz "^${t}\$" -fuzztime "${secs}s" -parallel 2 "$pkg"; then
		echo "fuzz.sh: $t failed; the input is under importer/testdata/fuzz/$t/" >&2
		failed=1
	fi
done
exit "$failed"
