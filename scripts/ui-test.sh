#!/usr/bin/env bash
# The web UI's tests, run by `make test`: its unit tests (vitest), a check
# that the committed build in frontend/dist is the build of frontend/src,
# and the browser tests in Debian's Chromium against a real `hopcheck serve`.
# Without npm or Chromium they skip with a line saying so; under CI=true a
# missing tool is a failure (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/../frontend"

missing() {
	if [ "${CI:-}" = "true" ]; then
		echo "ui-test: $1 is required under CI=true" >&2
		exit 1
	fi
	echo "ui-test: $2 skipped: $1 not found (apt install nodejs npm chromium to run them)"
	exit 0
}

command -v npm >/dev/null || missing npm "the UI tests are"
# Vite 8 needs Node.js 20.19 or later (Debian 12's own nodejs is 18).
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
	missing "Node.js 20.19 or later (found $(node --version))" "the UI tests are"
# node_modules/.package-lock.json is npm's record of what it installed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
npx vitest run
./check-dist.sh

chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || missing "$chromium" "the browser tests are"
# Screenshots under docs/ are refreshed by hand: SCREENSHOTS=1 make ui-test.
[ "${SCREENSHOTS:-0}" = 1 ] || export SCREENSHOTS=0
CHROMIUM="$chromium" npm run e2e --silent
