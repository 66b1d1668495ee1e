#!/usr/bin/env bash
# Start Zipkin (in-memory storage) on 127.0.0.1:${ZIPKIN_PORT:-9411}.
# Idempotent: when the server in $PA_STATE_DIR/run/zipkin.pid is alive it only
# waits for it. Ready when GET /health answers.
#
# Env (defaults): ZIPKIN_PORT (9411), ZIPKIN_VERSION (3.5.1),
#   ZIPKIN_HEAP_OPTS (-Xmx256m), ZIPKIN_MEM_MAX_SPANS (40000, see below),
#   ZIPKIN_START_TIMEOUT_S (90), PA_STATE_DIR.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ZIPKIN_PORT="${ZIPKIN_PORT:-9411}"
ZIPKIN_HEAP_OPTS="${ZIPKIN_HEAP_OPTS:--Xmx256m}"
# The in-memory store keeps every span until MEM_MAX_SPANS (Zipkin's default 500,000), then drops
# the oldest traces. The demo's spans take 2.2-2.3 KiB of heap each (store + indexes; 640 bytes
# of JSON on the wire), measured with `jcmd GC.run` + `GC.heap_info` every minute while the demo
# ran at 100% sampling: 40,000 spans plateaued at 110-113 MiB live (Zipkin alone: ~23 MiB), 44%
# of the 256 MiB heap, leaving G1 room to work (infra/README.md). Raise it with ZIPKIN_HEAP_OPTS.
ZIPKIN_MEM_MAX_SPANS="${ZIPKIN_MEM_MAX_SPANS:-40000}"
ZIPKIN_START_TIMEOUT_S="${ZIPKIN_START_TIMEOUT_S:-90}"

name=zipkin
pidfile="$PA_RUN_DIR/$name.pid"
log="$PA_LOG_DIR/$name.log"
t0=$(date +%s%N)

ready() {
  curl -fsS --max-time 2 -o /dev/null "http://$PA_HOST:$ZIPKIN_PORT/health" 2>/dev/null
}

portfile="$PA_STATE_DIR/zipkin/port"
# Probe the port it was started with, not today's env.
running=$(cat "$portfile" 2>/dev/null || true)
if [[ -n $running && $running != "$ZIPKIN_PORT" ]] && pidfile_pid "$pidfile" >/dev/null; then
  warn "$name: running on :$running, not :$ZIPKIN_PORT (ZIPKIN_PORT changed?); stop it to apply"
  ZIPKIN_PORT=$running
fi
# A server that is shutting down (SIGTERM) is waited for, then replaced.
if pid=$(running_pid "$name" "$pidfile" "$((${ZIPKIN_STOP_TIMEOUT_S:-30} + 10))" "$ZIPKIN_START_TIMEOUT_S" ready); then
  say "$name: already running on http://$PA_HOST:$ZIPKIN_PORT (pid $pid)"
  exit 0
elif (($? > 1)); then
  exit 1
fi
rm -f "$pidfile"

port_open "$PA_HOST" "$ZIPKIN_PORT" &&
  die "$name: port $PA_HOST:$ZIPKIN_PORT is already in use by another process (not $pidfile); set ZIPKIN_PORT"
command -v curl >/dev/null || die "$name: curl not found"

jar=$("$INFRA_DIR/install-zipkin.sh" --print-jar)
command -v java >/dev/null || die "$name: java not found (Java 17+ needed)"

# STORAGE_TYPE=mem: traces live in the JVM only (lost on restart), fine for dev
# and tests. The armeria.ports[0] arguments replace the default listener
# (*:QUERY_PORT) with one bound to 127.0.0.1 only. ExitOnOutOfMemoryError: a
# JVM that ran out of heap exits (status "down", alert ServiceDown) instead of
# answering /health while it can no longer store spans.
# shellcheck disable=SC2206 # ZIPKIN_HEAP_OPTS is a list of JVM flags
cmd=(env STORAGE_TYPE=mem MEM_MAX_SPANS="$ZIPKIN_MEM_MAX_SPANS" QUERY_PORT="$ZIPKIN_PORT" SELF_TRACING_ENABLED=false
  java $ZIPKIN_HEAP_OPTS -XX:+ExitOnOutOfMemoryError -Dpa.service=zipkin -Dpa.state.dir="$PA_STATE_DIR" -jar "$jar"
  --armeria.ports[0].ip="$PA_HOST" --armeria.ports[0].port="$ZIPKIN_PORT"
  --armeria.ports[0].protocols[0]=http)
echo "$ZIPKIN_PORT" >"$portfile"
echo "$ZIPKIN_MEM_MAX_SPANS" >"$PA_STATE_DIR/zipkin/max-spans"
pid=$(start_background "$pidfile" "$log" "${cmd[@]}")
wait_ready "$name" "$log" "$ZIPKIN_START_TIMEOUT_S" "$pid" ready
say "$name: started on http://$PA_HOST:$ZIPKIN_PORT (pid $pid, $(elapsed_since "$t0"))"
