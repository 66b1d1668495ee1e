#!/usr/bin/env bash
# Convenience: start the whole local infrastructure of one state dir
# (PostgreSQL shards, then Kafka and Zipkin side by side) and wait for it.
# Idempotent like the scripts it calls; same env vars. ZIPKIN=0 skips Zipkin.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

"$INFRA_DIR/start-pg-shards.sh"
# The jar downloads print progress; run them before the parallel part.
"$INFRA_DIR/install-kafka.sh"
[[ ${ZIPKIN:-1} == 0 ]] || "$INFRA_DIR/install-zipkin.sh"

"$INFRA_DIR/start-kafka.sh" &
kafka=$!
zipkin=
if [[ ${ZIPKIN:-1} != 0 ]]; then
  "$INFRA_DIR/start-zipkin.sh" &
  zipkin=$!
fi
rc=0
wait "$kafka" || rc=1
[[ -z $zipkin ]] || wait "$zipkin" || rc=1
exit "$rc"
