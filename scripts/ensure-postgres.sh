#!/usr/bin/env bash
# Prints the directory holding PostgreSQL's server programs (initdb, postgres, pg_isready), which
# the production-topology stack runs as Temporal's database. Installs Debian's `postgresql` from
# apt when they are missing, as root or through sudo; otherwise says how. Debian keeps them off
# PATH, in /usr/lib/postgresql/<major>/bin. POSTGRES_BIN_DIR points the stack at another build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-cache.sh"

has_server() { [[ -x "$1/initdb" && -x "$1/postgres" && -x "$1/pg_isready" ]]; }

if [[ -n "${POSTGRES_BIN_DIR:-}" ]]; then
  has_server "$POSTGRES_BIN_DIR" || die "POSTGRES_BIN_DIR=$POSTGRES_BIN_DIR lacks initdb, postgres or pg_isready"
  echo "$POSTGRES_BIN_DIR"; exit 0
fi

# The newest Debian major version first; then whatever initdb is on PATH (a symlink is resolved,
# because postgres, initdb and pg_isready must come from the same installation).
find_bin_dir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    has_server "$dir" && { echo "$dir"; return 0; }
  done
  if dir="$(command -v initdb 2>/dev/null)"; then
    dir="$(dirname "$(readlink -f "$dir")")"
    has_server "$dir" && { echo "$dir"; return 0; }
  fi
  return 1
}

if ! find_bin_dir >/dev/null; then
  say "installing postgresql from Debian for the production-topology stack"
  if [[ "$(id -u)" == 0 ]]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql; } >&2
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    { sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql; } >&2
  else
    die "cannot install postgresql (not root, no sudo): run 'apt-get install postgresql' or set POSTGRES_BIN_DIR"
  fi
fi
find_bin_dir || die "postgresql is installed but initdb, postgres and pg_isready were not found together"
