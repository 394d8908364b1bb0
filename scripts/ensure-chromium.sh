# Sourced by `npm test`: the console's browser tests drive Debian's chromium (through
# playwright-core, which downloads nothing). Installs it from apt when it is missing, as root or
# through sudo; otherwise says how. CHROMIUM_PATH points the tests at another build.
lendbridge_chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$lendbridge_chromium" ]]; then
  echo "[lendbridge] installing chromium from Debian for the browser tests"
  if [[ "$(id -u)" == 0 ]]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
  else
    echo "[lendbridge] cannot install chromium (not root, no sudo): run 'apt-get install chromium' or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi
