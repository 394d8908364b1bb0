#!/usr/bin/env bash
# Prints the path of the official Temporal CLI (dev server + Web UI), building it from the Go
# module proxy the first time. Order: $TEMPORAL_CLI_PATH, a `temporal` on PATH, the cache, a build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-cache.sh"

if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
  [[ -x "$TEMPORAL_CLI_PATH" ]] || die "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file"
  echo "$TEMPORAL_CLI_PATH"; exit 0
fi
if on_path="$(command -v temporal 2>/dev/null)"; then
  echo "$on_path"; exit 0
fi

module_dir="$REPO_ROOT/tools/temporal"
# The pinned version is read from go.mod so that it is written down in one place.
version="$(sed -nE 's@^(require)?[[:space:]]*github.com/temporalio/cli (v[^ ]+).*@\2@p' "$module_dir/go.mod" | head -1)"
[[ -n "$version" ]] || die "cannot read the pinned github.com/temporalio/cli version from $module_dir/go.mod"
target="$LENDBRIDGE_CACHE_DIR/temporal-${version#v}/temporal"

build() {
  [[ -x "$target" ]] && return 0
  command -v go >/dev/null || die "Go is needed once to build the Temporal CLI $version (install Go 1.26+), or set TEMPORAL_CLI_PATH"
  say "building Temporal CLI $version from Go modules into $(dirname "$target")"
  say "the first build downloads and compiles the Temporal server and UI: allow 5-10 minutes"
  local tmp="$target.partial.$$"
  (cd "$module_dir" && go build -trimpath -ldflags "-X github.com/temporalio/cli/internal/temporalcli.Version=${version#v}" -o "$tmp" github.com/temporalio/cli/cmd/temporal) >&2 \
    || { rm -f "$tmp"; die "go build of github.com/temporalio/cli/cmd/temporal@$version failed (see above)"; }
  mv -f "$tmp" "$target"
  say "Temporal CLI ready: $("$target" --version 2>/dev/null | head -1)"
}

[[ -x "$target" ]] || with_lock "$target" build
echo "$target"
