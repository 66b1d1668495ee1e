#!/usr/bin/env bash
# Fetch the Apache Kafka broker jars from Maven Central (no tarball, no Docker)
# into $PA_STATE_DIR/kafka/lib-<version>. A no-op once that folder is complete.
#
# Env: KAFKA_VERSION (default in lib/common.sh, see infra/README.md), PA_STATE_DIR.
# Prints the lib folder path on stdout when called with --print-lib-dir.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

pom="$INFRA_DIR/kafka/pom.xml"
lib="$PA_STATE_DIR/kafka/lib-$KAFKA_VERSION"
marker="$lib/.complete"

case "$KAFKA_VERSION" in
  3.*) profile=kafka3 ;;
  [4-9].*) profile=kafka4 ;;
  *) die "kafka: unsupported KAFKA_VERSION=$KAFKA_VERSION (3.x or 4.x)" ;;
esac

# The marker records the pom it was built from, so editing the pom refetches.
want="version=$KAFKA_VERSION profile=$profile pom=$(sha256sum "$pom" | cut -c1-16)"

if [[ -f $marker && "$(cat "$marker")" == "$want" ]]; then
  [[ ${1:-} == --print-lib-dir ]] && echo "$lib"
  exit 0
fi

command -v mvn >/dev/null || die "kafka: mvn not found (apt-get install maven)"
echo "kafka: fetching Kafka $KAFKA_VERSION jars from Maven Central (first run only)…" >&2

tmp="$lib.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
mvn_log="$PA_LOG_DIR/install-kafka.log"
if ! mvn -q -B -f "$pom" -P "$profile" -Dkafka.version="$KAFKA_VERSION" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" \
  >"$mvn_log" 2>&1; then
  die_with_log kafka "$mvn_log" "mvn could not fetch the Kafka $KAFKA_VERSION jars"
fi
ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 ||
  die "kafka: kafka_2.13-$KAFKA_VERSION.jar missing after the fetch (see $mvn_log)"

echo "$want" >"$tmp/.complete"
rm -rf "$lib"
mv "$tmp" "$lib"
trap - EXIT
[[ ${1:-} == --print-lib-dir ]] && echo "$lib"
exit 0
