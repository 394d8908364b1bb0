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
jest=(env "NODE_OPTIONS=${NODE_OPTIONS:+$NODE_OPTIONS }--experimental-vm-modules --no-warnings=ExperimentalWarning"
  node_modules/.bin/jest --runInBand)
if [[ $# -gt 0 ]]; then
  exec "${jest[@]}" "$@" 2>&1
fi

# Each part has a time limit well above what it takes on two cores, so a part that hangs fails
# the run with a line saying which, instead of holding CI until its own limit.
part() {
  local limit=$1 name=$2 rc=0
  shift 2
  echo "== $name"
  # --foreground keeps the part in the terminal's process group, so Ctrl-C still reaches it.
  timeout --foreground --kill-after=60s "$limit" "$@" 2>&1 || rc=$?
  if [[ $rc -eq 124 || $rc -eq 137 ]]; then
    echo "[lendbridge] $name: still running after $limit, stopped; its last lines above say where it hung"
  fi
  return "$rc"
}

# Each jest run also writes its results as JSON, so the last lines of the log say what ran.
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

part 55m "jest: unit, workflows, integration" "${jest[@]}" --json --outputFile="$results/all.json"
part 20m "the API suites on the production topology (PostgreSQL + Temporal server)" \
  env LENDBRIDGE_TEST_TEMPORAL=cluster "${jest[@]}" test/integration/api --json --outputFile="$results/cluster.json"
part 20m "OpenAPI conformance (Schemathesis)" bash scripts/api-conformance.sh --results "$results/conformance.json"
part 30m "fault injection (npm run test:chaos)" node_modules/.bin/tsx test/chaos/chaos.ts

echo "== npm test passed"
# What ran, and one closing line in the plain form CI reads ("N passed, N failed"): jest's tests,
# Schemathesis's generated cases and the fault-injection scenarios, added up.
node -e 'const [all, cluster, conformance, chaos] = process.argv.slice(1).map((f) => require(f));
  const jest = [[all, "jest (unit, workflows, integration)"], [cluster, "jest (API suites on the production topology)"]];
  for (const [r, name] of jest) console.log(`${name}: ${r.numPassedTestSuites}/${r.numTotalTestSuites} suites, ` +
    `${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  console.log(`OpenAPI conformance (Schemathesis): ${conformance.passed} of ${conformance.generated} generated cases passed`);
  let chaosPassed = 0;
  for (const s of chaos.scenarios) {
    const ok = s.terminal === s.applications && s.lost === 0 && s.duplicates === 0 && s.wrongOutcome === 0;
    if (ok) chaosPassed += 1;
    console.log(`fault injection (${s.topology}) ${s.name}: ` +
      `${s.terminal}/${s.applications} terminal, ${s.lost} lost, ${s.duplicates} duplicated, ${s.wrongOutcome} wrong`);
  }
  const passed = all.numPassedTests + cluster.numPassedTests + conformance.passed + chaosPassed;
  const failed = all.numFailedTests + cluster.numFailedTests + (conformance.generated - conformance.passed) +
    (chaos.scenarios.length - chaosPassed);
  console.log(`total: ${passed} passed, ${failed} failed`);' \
  "$results/all.json" "$results/cluster.json" "$results/conformance.json" "$PWD/bench/results/chaos.json"
