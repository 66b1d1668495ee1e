#!/usr/bin/env bash
# npm run status: every service of this state dir's stack (what `npm start` runs), one line each:
#   ready   the process runs and its readiness check passes
#   up      the process runs; it has no readiness check (collector, demo fleet)
#   unready the process runs but its readiness check fails (starting, stopping, or stuck); for
#           the collector and fleet: it logged that a SIGTERM/SIGINT is stopping it
#   down    no process (never started, crashed, or stopped)
# then one summary line, and the alerts Prometheus has firing. Exit 0 when every service is
# ready or up, 1 otherwise. `--tsv` prints name, state, pid, detail (tab-separated, no header,
# no summary) for scripts such as bench/soak.sh.
#
# Env (defaults, as infra/start.sh): SHARDS (2; or the pg/shard-* folders present), PG_BASE_PORT
#   (5433), KAFKA_PORT (9092), ZIPKIN_PORT (9411), PROMETHEUS_PORT (9090), GATEWAY_PORT (8080),
#   WRITER_PORT (8082), SUMMARIZER_PORT (8083), QUERY_PORT (8081), ZIPKIN (1; 0 = not expected),
#   PA_STATE_DIR. Services started elsewhere (PG_SHARDS / KAFKA_BROKERS naming external ones)
#   are not this stack's and are not listed.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

tsv=0
[[ ${1:-} == --tsv ]] && tsv=1

PG_BASE_PORT=${PG_BASE_PORT:-5433}
KAFKA_PORT=${KAFKA_PORT:-9092}
ZIPKIN_PORT=${ZIPKIN_PORT:-9411}
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
PG_ROOT="$PA_STATE_DIR/pg"
PG_BIN=${PG_BIN:-$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1 || true)}
# The node apps as start.sh starts them, with their default readiness URLs ("-": none). The URL
# start_app recorded ($PA_RUN_DIR/NAME.ready) wins, so other ports are probed right.
APPS=(ingest-gateway writer summarizer query-api lifecycle collector fleet)
declare -A APP_URL=(
  [ingest-gateway]="https://$PA_HOST:${GATEWAY_PORT:-8080}/readyz"
  [writer]="http://$PA_HOST:${WRITER_PORT:-8082}/readyz"
  [summarizer]="http://$PA_HOST:${SUMMARIZER_PORT:-8083}/readyz"
  [query-api]="https://$PA_HOST:${QUERY_PORT:-8081}/readyz"
  [lifecycle]="http://$PA_HOST:${LIFECYCLE_PORT:-8084}/readyz"
  [collector]=- [fleet]=-
)

rows=()
# row NAME STATE PID DETAIL
row() { rows+=("$1"$'\t'"$2"$'\t'"${3:--}"$'\t'"$4"); }

# The gateway and the query API answer HTTPS with the local CA's certificate.
http_code() { curl -s --max-time 3 --cacert "$PA_STATE_DIR/tls/ca.crt" -o /dev/null -w '%{http_code}' "$1" 2>/dev/null || true; }

# check_pidfile NAME PIDFILE DESCRIPTION PROBE...: ready / unready / down from a pid file and a probe.
check_pidfile() {
  local name=$1 file=$2 what=$3 pid
  shift 3
  if ! pid=$(pidfile_pid "$file"); then
    row "$name" down "" "not running (log: $PA_LOG_DIR/$name.log)"
  elif (($# == 0)); then
    row "$name" up "$pid" "$what"
  elif "$@"; then
    row "$name" ready "$pid" "$what"
  else
    row "$name" unready "$pid" "$what: not ready"
  fi
}

# --- PostgreSQL shard nodes: postmaster.pid, then pg_isready ---------------------------------
shards=${SHARDS:-}
if [[ -z $shards ]]; then
  shards=$(compgen -G "$PG_ROOT/shard-[0-9]*" | grep -c . || true)
  ((shards > 0)) || shards=2
fi
for ((i = 0; i < shards; i++)); do
  dir="$PG_ROOT/shard-$i" port=$((PG_BASE_PORT + i)) pid=
  [[ -f $dir/postmaster.pid ]] && pid=$(sed -n 1p "$dir/postmaster.pid")
  if [[ -n $pid ]] && pid_alive "$pid"; then
    port=$(sed -n 4p "$dir/postmaster.pid")
    state=$(sed -n 8p "$dir/postmaster.pid" | tr -d ' ')
    if "$PG_BIN/pg_isready" -q -h "$PA_HOST" -p "$port" -t 3 2>/dev/null; then
      row "pg-shard-$i" ready "$pid" "$PA_HOST:$port accepting connections"
    else
      row "pg-shard-$i" unready "$pid" "$PA_HOST:$port not accepting connections (postmaster: ${state:-?})"
    fi
  else
    row "pg-shard-$i" down "" "not running (log: $PA_LOG_DIR/pg-shard-$i.log)"
  fi
done

# --- Kafka: started and not shutting down, and the port answers ------------------------------
kafka_ready() {
  local last
  last=$(grep -E 'Kafka Server started|Terminating process due to signal' "$PA_LOG_DIR/kafka.log" 2>/dev/null | tail -n 1)
  [[ $last == *'Kafka Server started'* ]] && port_open "$PA_HOST" "$KAFKA_PORT"
}
check_pidfile kafka "$PA_RUN_DIR/kafka.pid" "$PA_HOST:$KAFKA_PORT" kafka_ready

# --- Zipkin: /health, plus how full its heap is (live data after the last collection) --------
zipkin_detail="http://$PA_HOST:$ZIPKIN_PORT/health"
if metrics=$(curl -fs --max-time 3 "http://$PA_HOST:$ZIPKIN_PORT/prometheus" 2>/dev/null); then
  zipkin_detail+=$(awk '
    /^jvm_gc_live_data_size_bytes/ {live = $2} /^jvm_gc_max_data_size_bytes/ {max = $2}
    /^zipkin_collector_spans_total\{transport="http"/ {spans = $2}
    END {
      if (live > 0) printf " (heap live %.0f of %.0f MiB after the last collection, %d spans received)", live / 1048576, max / 1048576, spans
      else printf " (%d spans received)", spans
    }' <<<"$metrics")
fi
zipkin_ready() { [[ $(http_code "http://$PA_HOST:$ZIPKIN_PORT/health") == 200 ]]; }
[[ ${ZIPKIN:-1} == 0 ]] || check_pidfile zipkin "$PA_RUN_DIR/zipkin.pid" "$zipkin_detail" zipkin_ready

# --- Prometheus (optional: listed when installed) ---------------------------------------------
prom_ready() { [[ $(http_code "http://$PA_HOST:$PROMETHEUS_PORT/-/ready") == 200 ]]; }
if command -v prometheus >/dev/null || [[ -f $PA_RUN_DIR/prometheus.pid ]]; then
  check_pidfile prometheus "$PA_RUN_DIR/prometheus.pid" "http://$PA_HOST:$PROMETHEUS_PORT/alerts" prom_ready
fi

# --- the node apps ----------------------------------------------------------------------------
for app in "${APPS[@]}"; do
  url=$(cat "$PA_RUN_DIR/$app.ready" 2>/dev/null || echo "${APP_URL[$app]}")
  if [[ $url == - ]]; then
    # No readiness endpoint: up while it runs, unready once it logged that a signal stops it.
    if pid=$(pidfile_pid "$PA_RUN_DIR/$app.pid") && grep -qE '(SIGTERM|SIGINT): stopping' "$PA_LOG_DIR/$app.log" 2>/dev/null; then
      row "$app" unready "$pid" "stopping (logged a SIGTERM/SIGINT; flushing), log $PA_LOG_DIR/$app.log"
    else
      check_pidfile "$app" "$PA_RUN_DIR/$app.pid" "no readiness check; log $PA_LOG_DIR/$app.log"
    fi
  else
    app_ready() { [[ $(http_code "$url") == 200 ]]; }
    check_pidfile "$app" "$PA_RUN_DIR/$app.pid" "$url" app_ready
  fi
done

if ((tsv)); then
  printf '%s\n' "${rows[@]}"
  exit 0
fi

# --- the table, the verdict, Prometheus' firing alerts ----------------------------------------
bad=() total=${#rows[@]} down=0
printf '%-15s %-8s %-8s %s\n' SERVICE STATE PID CHECK
for r in "${rows[@]}"; do
  IFS=$'\t' read -r name state pid detail <<<"$r"
  printf '%-15s %-8s %-8s %s\n' "$name" "$state" "$pid" "$detail"
  [[ $state == ready || $state == up ]] || bad+=("$name ($state)")
  [[ $state != down ]] || down=$((down + 1))
done
alerts=
if prom_ready 2>/dev/null; then
  alerts=$(curl -fs --max-time 3 "http://$PA_HOST:$PROMETHEUS_PORT/api/v1/alerts" 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const firing = JSON.parse(s).data.alerts.filter((a) => a.state === "firing");
      console.log(firing.map((a) => `${a.labels.alertname}${a.labels.job ? `{job=${a.labels.job}}` : ""}`).join(", "));
    });' 2>/dev/null || true)
fi
if ((${#bad[@]} == 0)); then
  say "status: all $total services ready or up${alerts:+; Prometheus alerts firing: $alerts}"
  exit 0
fi
if ((down == total)); then
  say "status: NOT RUNNING: none of the $total services runs; npm start starts the stack"
  exit 1
fi
say "status: NOT ALL UP: ${#bad[@]} of $total: $(IFS=,; echo "${bad[*]}" | sed 's/,/, /g'); logs in $PA_LOG_DIR/; npm start starts what is not running${alerts:+; Prometheus alerts firing: $alerts}"
exit 1
