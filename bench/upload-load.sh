#!/usr/bin/env bash
# Screening while an upload runs (issue 14, item 4): serves a copy of an embedded store, screens
# names through the HTTP API at a fixed rate (go run ./loadtest) first idle, then while an
# upload and the re-evaluation of every flag run, and prints both runs' latencies. Give several
# binaries to compare them in one run, alternating (each on a fresh copy of the store).
#
#   bench/upload-load.sh STORE UPLOAD_DIR NAMES BIN [BIN...]
#
#   STORE       embedded data directory (copied for every run; never changed)
#   UPLOAD_DIR  CSV files uploaded during the load (e.g. hopcheck gen --scale 20000 --seed 2)
#   NAMES       file of names to screen, one a line
#   BIN         hopcheck binaries to compare
# Environment: RPS (100), IDLE (20s), DURING (60s), ROUNDS (1), PORT (18080), WORK (a temp dir).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -ge 4 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
store=$1 upload=$2 names=$3; shift 3
RPS=${RPS:-100} IDLE=${IDLE:-20s} DURING=${DURING:-60s} ROUNDS=${ROUNDS:-1} PORT=${PORT:-18080}
WORK=${WORK:-$(mktemp -d)}
go build -o "$WORK/loadtest" ./loadtest
url=http://127.0.0.1:$PORT
for round in $(seq 1 "$ROUNDS"); do
	for bin in "$@"; do
		rm -rf "$WORK/store" && cp -r "$store" "$WORK/store"
		"$bin" serve --data-dir "$WORK/store" --addr "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
		pid=$!
		for _ in $(seq 1 240); do curl -sf "$url/readyz" >/dev/null && break; sleep 0.5; done
		# An embedded server re-evaluates every flag at start: "idle" begins after it.
		for _ in $(seq 1 240); do grep -q "flags re-evaluated at start" "$WORK/serve.log" && break; sleep 0.5; done
		echo "== round $round, $bin (load average $(cut -d' ' -f1-3 /proc/loadavg))"
		echo "-- idle"
		"$WORK/loadtest" -url "$url" -rps "$RPS" -duration "$IDLE" -names "$names" || echo "(loadtest exited $?)"
		echo "-- during the upload of $upload"
		"$WORK/loadtest" -url "$url" -rps "$RPS" -duration "$DURING" -names "$names" -upload "$upload" || echo "(loadtest exited $?)"
		kill "$pid"; wait "$pid" || true
	done
done
