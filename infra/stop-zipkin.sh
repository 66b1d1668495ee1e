#!/usr/bin/env bash
# Stop the Zipkin server recorded in $PA_STATE_DIR/run/zipkin.pid (SIGTERM,
# wait up to 30 s, then SIGKILL). Not running is not an error.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

stop_pidfile zipkin "$PA_RUN_DIR/zipkin.pid" "${ZIPKIN_STOP_TIMEOUT_S:-30}"
