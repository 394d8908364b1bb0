# Sourced by the scripts behind `npm run dev` and `npm test`: installs the npm dependencies when
# they are missing or older than package.json or the lockfile, so both commands work on a fresh
# clone. Two first runs at once (two terminals) install once: the second waits on the lock.
#
# `npm install` (which honours package-lock.json's versions) rather than `npm ci`: the registry
# this project is built against serves only this platform's builds of packages with per-platform
# binaries (anvil, swc), so the lockfile cannot list the others and `npm ci` refuses it as out of sync.
lendbridge_deps_stale() {
  [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json || package.json -nt node_modules/.package-lock.json ]]
}
if lendbridge_deps_stale; then
  exec 8>.npm-install.lock
  flock 8
  if lendbridge_deps_stale; then
    echo "[lendbridge] installing dependencies"
    npm install --no-audit --no-fund
  fi
  flock -u 8
fi
