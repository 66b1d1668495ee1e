#!/usr/bin/env bash
# Stop the Kafka broker recorded in $PA_STATE_DIR/run/kafka.pid: SIGTERM (a
# controlled shutdown), wait up to KAFKA_STOP_TIMEOUT_S (30) s, then SIGKILL.
# Not running is not an error.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

stop_pidfile kafka "$PA_RUN_DIR/kafka.pid" "${KAFKA_STOP_TIMEOUT_S:-30}"
