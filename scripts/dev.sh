#!/usr/bin/env bash
# `npm run dev`: installs dependencies when they are missing or stale, then starts the local stack.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "[lendbridge] installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
exec node_modules/.bin/tsx scripts/dev.ts "$@"
