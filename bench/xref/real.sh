#!/usr/bin/env bash
# Imports the real lists the labels of bench/xref/labels.csv were made on
# into a fresh embedded store, then recomputes precision and recall.
#
#   bench/xref/real.sh [STORE_DIR]      (from the repository root)
#
# REAL points at the shared data (default ../shared/data/real). The lists
# are imported one upload each, without the cross-referencing run after
# each (the measurement runs it once, over everything).
set -euo pipefail
REAL="${REAL:-../shared/data/real}"
STORE="${1:-/tmp/hopcheck-xref-real}"
rm -rf "$STORE"
go build -o /tmp/hopcheck-xref-bin ./cmd/hopcheck
hop() { /tmp/hopcheck-xref-bin "$1" --data-dir "$STORE" --xref=false "${@:2}" >/dev/null; }
for f in "$REAL/ofac_sdn_2024-05-03.csv" "$REAL/csl/csl_2023-11_watchman-pr523_clean_DERIVED.csv" \
	"$REAL"/opensanctions/eu__journal_sanctions__data__consolidated__*.csv \
	"$REAL/opensanctions/ftm/ftmq_eu_authorities.ftm.json" "$REAL/opensanctions/ftm/yente_t1_entities.ftm.json" \
	"$REAL/opensanctions/ftm/yente_zala_entities.ftm.json"; do
	hop import "$f"
done
hop import --mapping bench/xref/sii.yaml "$REAL/sii/sii_companies_flat.csv"
go run ./bench/xref -store "$STORE" -labels bench/xref/labels.csv
