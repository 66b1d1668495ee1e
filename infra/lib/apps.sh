# shellcheck shell=bash
# Starting our node apps in the background, once: source after lib/common.sh.

# The PostgreSQL role each service connects as (infra/lib/pg-security.sh makes the roles and
# their password files); apps not listed here do not talk to PostgreSQL.
declare -A PG_ROLE_OF=([ingest-gateway]=pa_gateway [writer]=pa_writer [summarizer]=pa_summarizer [query-api]=pa_query [lifecycle]=pa_lifecycle)

# start_app NAME READY_URL -- COMMAND...: starts COMMAND detached with its log in
# $PA_LOG_DIR/NAME.log and pid in $PA_RUN_DIR/NAME.pid unless that pid runs; waits until
# READY_URL answers 200 (or, with READY_URL "-", until the process has run for a second).
# A process that is stopping (SIGTERM sent, not yet exited) is not "running": it is waited for
# (up to APP_STOP_TIMEOUT_S + 10 s, stop_pidfile's grace plus its SIGKILL), then replaced.
# READY_URL is kept in $PA_RUN_DIR/NAME.ready for infra/status.sh.
# not_stopping LOG: the process writing LOG has not begun its shutdown. For an app without a
# readiness URL (the collector, the demo fleet) this is the only sign: it logs "SIGTERM: stopping"
# (or SIGINT) when a signal starts its flush (apps/collector/src/run/shutdown-signals.ts).
not_stopping() { ! grep -qE '(SIGTERM|SIGINT): stopping' "$1" 2>/dev/null; }

start_app() {
  local name=$1 url=$2 pidfile="$PA_RUN_DIR/$1.pid" log="$PA_LOG_DIR/$1.log" pid started
  local stop_timeout=$((${APP_STOP_TIMEOUT_S:-20} + 10)) ready_timeout=${APP_READY_TIMEOUT_S:-90}
  local probe=()
  shift 3
  if [[ $url == - ]]; then probe=(not_stopping "$log"); else probe=(curl -fs --max-time 2 --cacert "$PA_STATE_DIR/tls/ca.crt" -o /dev/null "$url"); fi
  echo "$url" >"$PA_RUN_DIR/$name.ready"
  if pid=$(running_pid "$name" "$pidfile" "$stop_timeout" "$ready_timeout" "${probe[@]}"); then
    say "$name: already running (pid $pid)"
    return 0
  elif (($? > 1)); then
    exit 1
  fi
  started=$(date +%s%N)
  # Its own PostgreSQL role when this state dir has that role's password (our own nodes; external
  # ones, PG_SHARDS set by the operator, take PG_USER / PG_PASSWORD_FILE as given).
  local role=${PG_ROLE_OF[$name]:-} secret
  secret=${PG_SECRETS_DIR:-$PA_STATE_DIR/secrets}/pg-$role.password
  [[ -z $role || ! -f $secret ]] || set -- env "PG_USER=$role" "PG_PASSWORD_FILE=$secret" "$@"
  pid=$(start_background "$pidfile" "$log" "$@")
  if [[ $url == - ]]; then
    wait_ready "$name" "$log" 5 "$pid" sleep 1
    pid_alive "$pid" || die_with_log "$name" "$log" "process $pid exited right after it started"
  else
    wait_ready "$name" "$log" "$ready_timeout" "$pid" "${probe[@]}"
  fi
  say "$name: started (pid $pid) in $(elapsed_since "$started")"
}
