#!/usr/bin/env bash
# `npm test`: installs dependencies when needed, then runs every test:
#   1. every jest project (unit, workflows on the time-skipping server, integration on a real dev
#      server, anvil, HTTP server and chromium);
#   2. the API suites again on the production topology (PostgreSQL + Temporal server, 4 shards);
#   3. the OpenAPI conformance run (scripts/api-conformance.sh): Schemathesis, all checks, against
#      /openapi.json of a dev stack, once per role;
#   4. fault injection, `npm run test:chaos`: six scenarios of 200 applications on the dev server,
#      the two-competing-workers one on the production topology too.
# With arguments, only jest runs, with them (e.g. a path to one spec file).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-deps.sh
source scripts/ensure-chromium.sh
# Nest 12 ships only ES modules; Jest loads them only in its native ESM mode, which needs Node's vm
# modules, still behind --experimental-vm-modules on Node 24 (see jest.config.js). Jest reports on
# stderr; it goes to stdout here so a log that keeps only stdout still shows each suite and the
# summary.
jest() {
  NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--experimental-vm-modules --no-warnings=ExperimentalWarning" \
    node_modules/.bin/jest --runInBand "$@" 2>&1
}
if [[ $# -gt 0 ]]; then
  jest "$@"
  exit
fi

# Each jest run also writes its results as JSON, so the last lines of the log say what ran.
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
counted() {
  node -e 'const r = require(process.argv[1]);
    console.log(`${process.argv[2]}: ${r.numPassedTestSuites}/${r.numTotalTestSuites} suites, ` +
      `Tests: ${r.numPassedTests} passed, ${r.numTotalTests} total`)' "$1" "$2"
}

echo "== jest: unit, workflows, integration"
jest --json --outputFile="$results/all.json"
echo "== the API suites on the production topology (PostgreSQL + Temporal server)"
LENDBRIDGE_TEST_TEMPORAL=cluster jest test/integration/api --json --outputFile="$results/cluster.json"
echo "== OpenAPI conformance (Schemathesis)"
bash scripts/api-conformance.sh
echo "== fault injection (npm run test:chaos)"
node_modules/.bin/tsx test/chaos/chaos.ts

echo "== npm test passed"
counted "$results/all.json" "jest (unit, workflows, integration)"
counted "$results/cluster.json" "jest (API suites on the production topology)"
echo "OpenAPI conformance (Schemathesis): passed"
node -e 'const { scenarios } = require(process.argv[1]);
  for (const s of scenarios) console.log(`fault injection (${s.topology}) ${s.name}: ` +
    `${s.terminal}/${s.applications} terminal, ${s.lost} lost, ${s.duplicates} duplicated, ${s.wrongOutcome} wrong`)' \
  "$PWD/bench/results/chaos.json"
