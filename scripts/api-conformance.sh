#!/usr/bin/env bash
# The OpenAPI conformance run: Schemathesis (pinned, from PyPI, in a virtual environment under
# ~/.cache/lendbridge) with all its checks against /openapi.json of a dev stack, once per role.
# Fails when anything is found. Arguments go to test/conformance/api-conformance.ts (--no-build,
# --max-examples <n>).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCHEMATHESIS_VERSION=4.32.5
venv="${XDG_CACHE_HOME:-$HOME/.cache}/lendbridge/schemathesis-$SCHEMATHESIS_VERSION"
if [[ ! -x "$venv/bin/schemathesis" ]]; then
  echo "installing schemathesis $SCHEMATHESIS_VERSION into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
exec node_modules/.bin/tsx test/conformance/api-conformance.ts "$venv/bin/schemathesis" "$@"
