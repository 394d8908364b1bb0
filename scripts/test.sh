#!/usr/bin/env bash
# `npm test`: installs dependencies when needed, then runs every jest project (unit, workflows on
# the time-skipping server, integration on a real dev server and anvil). Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-deps.sh
source scripts/ensure-chromium.sh
# Nest 12 ships only ES modules; Jest loads them on Node 20 only in its native ESM mode.
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--experimental-vm-modules --no-warnings=ExperimentalWarning"
exec node_modules/.bin/jest --runInBand "$@"
