#!/usr/bin/env bash
# Stop everything this state dir runs, and nothing else:
#   1. every process recorded in $PA_STATE_DIR/run/*.pid other than kafka and
#      zipkin (the node apps write theirs there): SIGTERM, wait up to
#      APP_STOP_TIMEOUT_S (20) s, then SIGKILL; apps go first so they can
#      flush to Kafka / PostgreSQL while those are still up;
#   2. Kafka, 3. Zipkin, 4. the PostgreSQL shards (pg_ctl stop -m fast).
# A pid file is only trusted when its process started before the file was
# written, so a recycled pid is never killed. Not running is not an error.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

shopt -s nullglob
for f in "$PA_RUN_DIR"/*.pid; do
  n=$(basename "$f" .pid)
  case "$n" in kafka | zipkin) continue ;; esac
  stop_pidfile "$n" "$f" "${APP_STOP_TIMEOUT_S:-20}"
done

rc=0
"$INFRA_DIR/stop-kafka.sh" || rc=1
"$INFRA_DIR/stop-zipkin.sh" || rc=1
"$INFRA_DIR/stop-pg-shards.sh" || rc=1
exit "$rc"
