# shellcheck shell=bash
# Starting our node apps in the background, once: source after lib/common.sh.

# start_app NAME READY_URL -- COMMAND...: starts COMMAND detached with its log in
# $PA_LOG_DIR/NAME.log and pid in $PA_RUN_DIR/NAME.pid unless that pid is alive; waits until
# READY_URL answers 200 (or, with READY_URL "-", until the process has run for a second).
start_app() {
  local name=$1 url=$2 pidfile="$PA_RUN_DIR/$1.pid" log="$PA_LOG_DIR/$1.log" pid started
  shift 3
  if pid=$(pidfile_pid "$pidfile"); then
    say "$name: already running (pid $pid)"
    return 0
  fi
  started=$(date +%s%N)
  pid=$(start_background "$pidfile" "$log" "$@")
  if [[ $url == - ]]; then
    wait_ready "$name" "$log" 5 "$pid" sleep 1
  else
    wait_ready "$name" "$log" "${APP_READY_TIMEOUT_S:-90}" "$pid" curl -fs -o /dev/null "$url"
  fi
  say "$name: started (pid $pid) in $(elapsed_since "$started")"
}
