#!/usr/bin/env bash
# Prints the path of an executable that runs Temporal's Java time-skipping test server
# (io.temporal.testserver.TestServer <port> --enable-time-skipping), resolving its jars from
# Maven Central the first time. $TEMPORAL_TEST_SERVER_PATH wins.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib-cache.sh"

if [[ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]]; then
  [[ -x "$TEMPORAL_TEST_SERVER_PATH" ]] || die "TEMPORAL_TEST_SERVER_PATH=$TEMPORAL_TEST_SERVER_PATH is not an executable file"
  echo "$TEMPORAL_TEST_SERVER_PATH"; exit 0
fi

pom="$REPO_ROOT/tools/temporal-test-server/pom.xml"
version="$(sed -n 's:.*<temporal.test-server.version>\(.*\)</temporal.test-server.version>.*:\1:p' "$pom")"
[[ -n "$version" ]] || die "cannot read temporal.test-server.version from $pom"
home="$LENDBRIDGE_CACHE_DIR/temporal-test-server-$version"
target="$home/temporal-test-server"

build() {
  [[ -x "$target" ]] && return 0
  command -v java >/dev/null || die "Java 17+ is needed for the time-skipping test server"
  command -v mvn >/dev/null || die "Maven is needed once to fetch the time-skipping test server $version"
  say "fetching io.temporal:temporal-test-server:$version and its dependencies from Maven Central"
  rm -rf "$home/lib"
  mvn -B -q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$home/lib" >&2 \
    || die "mvn could not resolve io.temporal:temporal-test-server:$version (see above)"
  cat > "$target.partial" <<WRAPPER
#!/usr/bin/env bash
exec java -cp "$home/lib/*" io.temporal.testserver.TestServer "\$@"
WRAPPER
  chmod +x "$target.partial"
  mv -f "$target.partial" "$target"
  say "time-skipping test server ready: $target"
}

[[ -x "$target" ]] || with_lock "$target" build
echo "$target"
