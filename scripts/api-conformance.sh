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
  rm -rf "$venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    # Debian ships venv apart from Python (python3-venv): installed as the browser tests' chromium is.
    rm -rf "$venv"
    echo "[lendbridge] installing python3-venv from Debian for the conformance run" >&2
    if [[ "$(id -u)" == 0 ]]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
    else
      echo "[lendbridge] cannot create a Python virtual environment: run 'apt-get install python3-venv'" >&2
      exit 1
    fi
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
exec node_modules/.bin/tsx test/conformance/api-conformance.ts "$venv/bin/schemathesis" "$@"
