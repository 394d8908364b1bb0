#!/usr/bin/env bash
# Prints the directory holding the production-topology Temporal binaries, building them from the
# Go module proxy the first time: temporal-server, temporal-sql-tool, ui-server, plus the
# PostgreSQL schemas that ship with that server version (schema/postgresql/v12/...), so the schema
# tool never needs the Go module cache at run time. Order: $TEMPORAL_SERVER_DIR, the cache, a build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-cache.sh"

executables=(temporal-server temporal-sql-tool ui-server)

if [[ -n "${TEMPORAL_SERVER_DIR:-}" ]]; then
  for exe in "${executables[@]}"; do
    [[ -x "$TEMPORAL_SERVER_DIR/$exe" ]] || die "TEMPORAL_SERVER_DIR=$TEMPORAL_SERVER_DIR has no executable $exe"
  done
  [[ -d "$TEMPORAL_SERVER_DIR/schema/postgresql/v12" ]] || die "TEMPORAL_SERVER_DIR=$TEMPORAL_SERVER_DIR has no schema/postgresql/v12"
  echo "$TEMPORAL_SERVER_DIR"; exit 0
fi

module_dir="$REPO_ROOT/tools/temporal-server"
# Both versions are read from go.mod so that they are written down in one place.
pinned() { sed -nE "s@^(require)?[[:space:]]*$1 (v[^ ]+).*@\\2@p" "$module_dir/go.mod" | head -1; }
server_version="$(pinned go.temporal.io/server)"
ui_version="$(pinned github.com/temporalio/ui-server/v2)"
[[ -n "$server_version" && -n "$ui_version" ]] || die "cannot read the pinned server and ui-server versions from $module_dir/go.mod"
target="$LENDBRIDGE_CACHE_DIR/temporal-server-${server_version#v}-ui-${ui_version#v}"

complete() {
  local exe
  for exe in "${executables[@]}"; do [[ -x "$target/$exe" ]] || return 1; done
  [[ -d "$target/schema/postgresql/v12" ]]
}

# Builds into a scratch directory and renames it into place, so a killed build never leaves a
# directory that looks complete.
build() {
  complete && return 0
  command -v go >/dev/null || die "Go is needed once to build Temporal server $server_version (install Go 1.26+), or set TEMPORAL_SERVER_DIR"
  say "building Temporal server $server_version, its SQL tool and UI server $ui_version into $target"
  say "the first build compiles the whole Temporal server: allow 5-10 minutes"
  local tmp="$target.partial.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  local pkg out
  for pair in \
    "temporal-server=go.temporal.io/server/cmd/server" \
    "temporal-sql-tool=go.temporal.io/server/cmd/tools/sql" \
    "ui-server=github.com/temporalio/ui-server/v2/cmd/server"; do
    out="${pair%%=*}"; pkg="${pair#*=}"
    say "go build $pkg"
    (cd "$module_dir" && go build -trimpath -o "$tmp/$out" "$pkg") >&2 \
      || { rm -rf "$tmp"; die "go build of $pkg failed (see above)"; }
  done
  # The schemas are versioned with the server: take them from the very module that was built.
  local module_src
  module_src="$(cd "$module_dir" && go list -m -f '{{.Dir}}' go.temporal.io/server)" \
    || { rm -rf "$tmp"; die "cannot locate go.temporal.io/server in the Go module cache"; }
  mkdir -p "$tmp/schema/postgresql"
  cp -R "$module_src/schema/postgresql/v12" "$tmp/schema/postgresql/"
  chmod -R u+w "$tmp/schema" # the module cache is read-only; keep the copy deletable
  rm -rf "$target"
  mv "$tmp" "$target"
  say "Temporal server ready: $("$target/temporal-server" --version 2>/dev/null | head -1)"
}

complete || with_lock "$target" build
echo "$target"
