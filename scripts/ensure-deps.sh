# Sourced by the scripts behind `npm run dev` and `npm test`: installs the npm dependencies when
# they are missing or older than the lockfile, so both commands work on a fresh clone.
#
# `npm install` (which honours package-lock.json's versions) rather than `npm ci`: the registry
# this project is built against serves only this platform's builds of packages with per-platform
# binaries (anvil, swc), so the lockfile cannot list the others and `npm ci` refuses it as out of sync.
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "[lendbridge] installing dependencies"
  npm install --no-audit --no-fund
fi
