#!/usr/bin/env bash
# Start Prometheus (Debian's package) on 127.0.0.1:${PROMETHEUS_PORT:-9090}, scraping every service
# (infra/prometheus.yml). Installs the package when missing and we are root; when it is neither
# installed nor installable, says so and exits 0: the stack runs without it.
#
# Alert rules: infra/prometheus-alerts.yml (no Alertmanager: see /alerts or `npm run status`).
# The config is rendered on every run; a running server whose config changed is reloaded (SIGHUP).
#
# Env (defaults): PROMETHEUS_PORT (9090), GATEWAY_PORT (8080), WRITER_PORT (8082),
#   SUMMARIZER_PORT (8083), QUERY_PORT (8081), ZIPKIN_PORT (9411), PA_STATE_DIR,
#   PROMETHEUS_KEY_FILE (an API key with the metrics scope; infra/start.sh makes var/keys/metrics.key).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PROMETHEUS_PORT="${PROMETHEUS_PORT:-9090}"
name=prometheus
pidfile="$PA_RUN_DIR/$name.pid"
log="$PA_LOG_DIR/$name.log"
dir="$PA_STATE_DIR/prometheus"
t0=$(date +%s%N)

ready() { curl -fsS --max-time 2 -o /dev/null "http://$PA_HOST:$PROMETHEUS_PORT/-/ready" 2>/dev/null; }

# render: writes prometheus.yml and alerts.yml into $dir; true when either changed.
render() {
  local changed=1 f
  mkdir -p "$dir/data"
  sed -e "s/@GATEWAY_PORT@/${GATEWAY_PORT:-8080}/" -e "s/@WRITER_PORT@/${WRITER_PORT:-8082}/" \
    -e "s/@SUMMARIZER_PORT@/${SUMMARIZER_PORT:-8083}/" -e "s/@QUERY_PORT@/${QUERY_PORT:-8081}/" \
    -e "s/@LIFECYCLE_PORT@/${LIFECYCLE_PORT:-8084}/" \
    -e "s/@ZIPKIN_PORT@/${ZIPKIN_PORT:-9411}/" -e "s/@PROMETHEUS_PORT@/$PROMETHEUS_PORT/" \
    -e "s|@PROMETHEUS_KEY_FILE@|${PROMETHEUS_KEY_FILE:-$PA_STATE_DIR/keys/metrics.key}|" \
    -e "s|@CA_FILE@|$PA_STATE_DIR/tls/ca.crt|" \
    "$INFRA_DIR/prometheus.yml" >"$dir/prometheus.yml.new"
  cp "$INFRA_DIR/prometheus-alerts.yml" "$dir/alerts.yml.new"
  for f in prometheus.yml alerts.yml; do
    cmp -s "$dir/$f.new" "$dir/$f" || changed=0
    mv -f "$dir/$f.new" "$dir/$f"
  done
  return "$changed"
}

if pid=$(running_pid "$name" "$pidfile" 40 60 ready); then
  if render; then
    kill -HUP "$pid"
    say "$name: already running on http://$PA_HOST:$PROMETHEUS_PORT (pid $pid); configuration reloaded"
  else
    say "$name: already running on http://$PA_HOST:$PROMETHEUS_PORT (pid $pid)"
  fi
  exit 0
elif (($? > 1)); then
  exit 1
fi
if ! command -v prometheus >/dev/null; then
  if ((EUID == 0)) && command -v apt-get >/dev/null; then
    say "$name: installing Debian's prometheus package (first run only)…"
    if ! { apt-get install -y -qq --no-install-recommends prometheus >>"$log" 2>&1 ||
      { apt-get update -qq >>"$log" 2>&1 && apt-get install -y -qq --no-install-recommends prometheus >>"$log" 2>&1; }; }; then
      say "$name: not installable here (see $log); the stack runs without it"
      exit 0
    fi
  else
    say "$name: not installed (apt-get install prometheus); the stack runs without it"
    exit 0
  fi
fi
port_open "$PA_HOST" "$PROMETHEUS_PORT" && die "$name: port $PROMETHEUS_PORT is in use by another process; set PROMETHEUS_PORT"

render || true
pid=$(start_background "$pidfile" "$log" prometheus --config.file="$dir/prometheus.yml" \
  --storage.tsdb.path="$dir/data" --web.listen-address="$PA_HOST:$PROMETHEUS_PORT")
wait_ready "$name" "$log" 60 "$pid" ready
say "$name: started on http://$PA_HOST:$PROMETHEUS_PORT (pid $pid, $(elapsed_since "$t0"))"
