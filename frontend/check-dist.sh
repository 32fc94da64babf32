#!/usr/bin/env bash
# Rebuilds the UI from a clean install into a temporary directory and fails
# when it differs from the committed dist/, which the Go binary embeds.
# Run from anywhere; needs Node.js 20+ and npm (CI installs them).
set -euo pipefail
cd "$(dirname "$0")"

[ -d node_modules ] && [ "${CHECK_DIST_CLEAN:-}" != 1 ] || npm ci --no-audit --no-fund
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
npx tsc -p .
npx vite build --outDir "$out" --emptyOutDir --logLevel warn
if ! diff -r "$out" dist >/dev/null; then
	echo "frontend/dist is not the build of frontend/src: run 'npm run build' in frontend/ and commit dist/" >&2
	diff -r "$out" dist | head -20 >&2 || true
	exit 1
fi
echo "frontend/dist is current"
