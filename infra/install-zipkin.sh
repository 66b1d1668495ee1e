#!/usr/bin/env bash
# Fetch the runnable Zipkin server jar (io.zipkin:zipkin-server:<ver>:jar:exec)
# from Maven Central into $PA_STATE_DIR/zipkin. A no-op once it is there.
#
# Env: ZIPKIN_VERSION (3.5.1), PA_STATE_DIR.
# Prints the jar path on stdout when called with --print-jar.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ZIPKIN_VERSION="${ZIPKIN_VERSION:-3.5.1}"
dir="$PA_STATE_DIR/zipkin"
jar="$dir/zipkin-server-$ZIPKIN_VERSION-exec.jar"

if [[ ! -s $jar ]]; then
  command -v mvn >/dev/null || die "zipkin: mvn not found (apt-get install maven)"
  echo "zipkin: fetching zipkin-server $ZIPKIN_VERSION from Maven Central (first run only)…" >&2
  mkdir -p "$dir"
  tmp="$dir/tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  mvn_log="$PA_LOG_DIR/install-zipkin.log"
  # dependency:copy needs no project; run it from an empty folder anyway.
  if ! (cd "$tmp" && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" -DoutputDirectory="$tmp/out") \
    >"$mvn_log" 2>&1; then
    die_with_log zipkin "$mvn_log" "mvn could not fetch zipkin-server $ZIPKIN_VERSION"
  fi
  [[ -s $tmp/out/zipkin-server-$ZIPKIN_VERSION-exec.jar ]] ||
    die "zipkin: zipkin-server-$ZIPKIN_VERSION-exec.jar missing after the fetch (see $mvn_log)"
  mv "$tmp/out/zipkin-server-$ZIPKIN_VERSION-exec.jar" "$jar"
fi
[[ ${1:-} == --print-jar ]] && echo "$jar"
exit 0
