#!/usr/bin/env bash
# Whole-system benchmarks of docs/BENCHMARKS.md: builds hopcheck and bench/hopbench, starts a
# private Neo4j 5.26 with scripts/neo4j.sh, generates each scale and measures import (CSV and
# XLSX, both stores, against Neo4j's LOAD CSV and excelize's raw read), single screening on both
# stores against a naive Cypher query, flagging every transaction, and the embedded store's RSS
# and start-up. Prints markdown tables and keeps them in $BENCH_OUT/results.md.
#
#   bench/run.sh                                   scales 10000 100000
#   BENCH_SCALES="10000 100000 1000000" bench/run.sh
#
# Environment (all optional):
#   BENCH_SCALES      entity counts to generate                         (10000 100000)
#   BENCH_SEED        generator seed                                    (1)
#   BENCH_OUT         working directory: binaries, data, results        (bench/out)
#   BENCH_NEO4J_MAX   largest scale run on Neo4j                        (1000000)
#   BENCH_XLSX_MAX    largest scale written and imported as XLSX        (300000: a sheet's row limit)
#   BENCH_SAMPLES     screenings timed per store                        (1000)
#   BENCH_NAIVE       naive Cypher queries timed                        (200)
#   NEO4J_BOLT_PORT / NEO4J_HTTP_PORT / NEO4J_RUN_DIR / NEO4J_HEAP_MAX / NEO4J_PAGECACHE
#                     passed to scripts/neo4j.sh                        (7707 / 7494 / /tmp/hopcheck-neo4j-bench / 4g / 2g)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SCALES="${BENCH_SCALES:-10000 100000}"
SEED="${BENCH_SEED:-1}"
OUT="${BENCH_OUT:-bench/out}"
NEO4J_MAX="${BENCH_NEO4J_MAX:-1000000}"
XLSX_MAX="${BENCH_XLSX_MAX:-300000}"
SAMPLES="${BENCH_SAMPLES:-1000}"
NAIVE="${BENCH_NAIVE:-200}"
export NEO4J_BOLT_PORT="${NEO4J_BOLT_PORT:-7707}"
export NEO4J_HTTP_PORT="${NEO4J_HTTP_PORT:-7494}"
export NEO4J_RUN_DIR="${NEO4J_RUN_DIR:-/tmp/hopcheck-neo4j-bench}"
export NEO4J_HEAP_MAX="${NEO4J_HEAP_MAX:-4g}"
export NEO4J_PAGECACHE="${NEO4J_PAGECACHE:-2g}"

log() { echo "bench: $*" >&2; }

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
RESULTS="$OUT/results.jsonl"
: >"$RESULTS"

log "building hopcheck and hopbench"
go build -o "$OUT/hopcheck" ./cmd/hopcheck
go build -o "$OUT/hopbench" ./bench/hopbench

STARTED=0
if scripts/neo4j.sh status >/dev/null 2>&1; then
  log "Neo4j already runs on port $NEO4J_BOLT_PORT: using it"
else
  scripts/neo4j.sh start >"$OUT/neo4j.env"
  STARTED=1
fi
stop() { if [ "$STARTED" = 1 ]; then scripts/neo4j.sh stop || true; fi; }
trap stop EXIT
eval "$(scripts/neo4j.sh env)"
IMPORT_DIR="$NEO4J_RUN_DIR/import"

bench() { # bench SUBCOMMAND ARGS…: one JSON line into the results, also shown
  local line
  line="$("$OUT/hopbench" "$@")"
  echo "$line" >>"$RESULTS"
  log "$line"
}

{
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, $(free -h | awk '/^Mem:/ {print $2}') RAM"
  echo "go: $(go version | cut -d' ' -f3), java: $(java -version 2>&1 | head -1)"
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ), commit: $(git rev-parse --short HEAD 2>/dev/null || echo none)"
} >"$OUT/machine.txt"

for scale in $SCALES; do
  data="$OUT/data-$scale"
  xlsx=()
  if [ "$scale" -le "$XLSX_MAX" ]; then xlsx=(--xlsx); fi
  if [ ! -f "$data/transactions.csv" ] || { [ ${#xlsx[@]} -gt 0 ] && [ ! -f "$data/hopcheck.xlsx" ]; }; then
    log "generating $scale entities"
    "$OUT/hopcheck" gen --scale "$scale" --seed "$SEED" "${xlsx[@]}" -o "$data" >&2
  fi

  log "$scale: embedded store, CSV"
  rm -rf "$OUT/store-$scale"
  bench embedded -scale "$scale" -data "$data" -store "$OUT/store-$scale" -samples "$SAMPLES"
  bench open -scale "$scale" -store "$OUT/store-$scale"
  if [ ${#xlsx[@]} -gt 0 ]; then
    log "$scale: embedded store, XLSX; excelize raw read"
    rm -rf "$OUT/store-x"
    bench embedded -scale "$scale" -data "$data" -store "$OUT/store-x" -xlsx -samples 0 -refresh=false
    rm -rf "$OUT/store-x"
    bench xlsxraw -scale "$scale" -data "$data"
  fi

  if [ "$scale" -le "$NEO4J_MAX" ]; then
    log "$scale: Neo4j, CSV: import, flag all, screening, naive Cypher"
    bench neo4j -scale "$scale" -data "$data" -samples "$SAMPLES" -naive "$NAIVE"
    if [ ${#xlsx[@]} -gt 0 ]; then
      log "$scale: Neo4j, XLSX import"
      bench neo4j -scale "$scale" -data "$data" -xlsx -refresh=false
    fi
    log "$scale: Neo4j LOAD CSV of the same files"
    mkdir -p "$IMPORT_DIR"
    cp "$data"/*.csv "$IMPORT_DIR/"
    bench loadcsv -scale "$scale" -data "$data"
    rm -f "$IMPORT_DIR"/*.csv
  fi
done

"$OUT/hopbench" table "$RESULTS" >"$OUT/results.md"
cat "$OUT/machine.txt" "$OUT/results.md"
