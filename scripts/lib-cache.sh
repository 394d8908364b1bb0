# Shared by the provisioning scripts: where built tools are cached, and how to log progress.
# Tools live outside the repo so a fresh clone reuses them, but nothing may assume they exist.
LENDBRIDGE_CACHE_DIR="${LENDBRIDGE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lendbridge}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Progress goes to stderr: stdout carries only the resulting executable path.
say() { printf '[lendbridge] %s\n' "$*" >&2; }
die() { printf '[lendbridge] error: %s\n' "$*" >&2; exit 1; }

# Runs "$@" while holding an exclusive lock on $1.lock, so parallel callers (jest workers, two
# terminals) build once and the others wait for the result.
with_lock() {
  local target="$1"; shift
  mkdir -p "$(dirname "$target")"
  exec 9>"$target.lock"
  flock 9
  "$@"
  local rc=$?
  flock -u 9
  return $rc
}
