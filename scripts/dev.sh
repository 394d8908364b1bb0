#!/usr/bin/env bash
# `npm run dev`: installs dependencies when needed, then starts the local stack (scripts/dev.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-deps.sh
exec node_modules/.bin/tsx scripts/dev.ts "$@"
