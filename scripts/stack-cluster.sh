#!/usr/bin/env bash
# `npm run stack:cluster`: installs dependencies when needed, then starts the production-topology
# stack on this machine (scripts/stack-cluster.ts): PostgreSQL, Temporal server and UI, anvil, two
# workers and two APIs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/ensure-deps.sh
exec node_modules/.bin/tsx scripts/stack-cluster.ts "$@"
