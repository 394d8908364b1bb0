# Sourced by the scripts behind `npm run dev` and `npm test`: installs the npm dependencies when
# they are missing or older than the lockfile, so both commands work on a fresh clone.
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "[lendbridge] installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
