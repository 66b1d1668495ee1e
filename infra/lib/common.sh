# shellcheck shell=bash
# Shared helpers for the infra/*.sh scripts. Source it, do not run it:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#
# Sets INFRA_DIR, REPO_DIR, PA_STATE_DIR (exported), PA_RUN_DIR, PA_LOG_DIR and
# creates the state, run and log folders.

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
REPO_DIR="$(dirname "$INFRA_DIR")"
PA_STATE_DIR="${PA_STATE_DIR:-$REPO_DIR/var}"
mkdir -p "$PA_STATE_DIR"
PA_STATE_DIR="$(cd "$PA_STATE_DIR" && pwd -P)"
export PA_STATE_DIR
PA_RUN_DIR="$PA_STATE_DIR/run"
PA_LOG_DIR="$PA_STATE_DIR/log"
mkdir -p "$PA_RUN_DIR" "$PA_LOG_DIR"

PA_HOST=127.0.0.1

# Kafka release used by install-kafka.sh / start-kafka.sh (see infra/README.md
# for why 4.x). 3.x also works: KAFKA_VERSION=3.9.1.
KAFKA_VERSION="${KAFKA_VERSION:-4.3.1}"

# Progress / errors. Everything on success is one line per service.
say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
die() {
  printf 'ERROR: %s\n' "$*" >&2
  exit 1
}

# die_with_log NAME LOGFILE MESSAGE: fail, showing the last lines of the log.
die_with_log() {
  local name=$1 log=$2 msg=$3 lines=${PA_LOG_TAIL_LINES:-40}
  {
    printf 'ERROR: %s: %s\n' "$name" "$msg"
    if [[ -s $log ]]; then
      printf -- '--- last %s lines of %s ---\n' "$lines" "$log"
      tail -n "$lines" "$log"
      printf -- '--- end of %s ---\n' "$log"
    else
      printf '(log %s is empty or missing)\n' "$log"
    fi
  } >&2
  exit 1
}

# port_open HOST PORT: true when something accepts TCP connections there
# (a single probe with infra/wait-for-port.sh).
port_open() {
  "$INFRA_DIR/wait-for-port.sh" "$1" "$2" 0 2>/dev/null
}

# Process start time in seconds since the epoch (empty when the pid is gone).
pid_start_epoch() {
  local pid=$1 stat rest ticks btime hz
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  rest=${stat##*) }                        # drop "pid (comm) ", comm may hold spaces
  ticks=$(awk '{print $20}' <<<"$rest")    # field 22 overall = 20th after comm
  btime=$(awk '/^btime/{print $2}' /proc/stat)
  hz=$(getconf CLK_TCK)
  echo $((btime + ticks / hz))
}

# pidfile_pid PIDFILE: print the pid recorded in PIDFILE when that process is
# alive AND was started no later than the pid file was written (so a recycled
# pid is never mistaken for ours). Returns 1 otherwise.
pidfile_pid() {
  local file=$1 pid started written
  [[ -f $file ]] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [[ -n $pid ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  started=$(pid_start_epoch "$pid") || return 1
  written=$(stat -c %Y "$file")
  ((started <= written + 2)) || return 1
  echo "$pid"
}

# stop_pidfile NAME PIDFILE [TIMEOUT_S]: SIGTERM (the whole process group when
# the pid leads one), wait, then SIGKILL. Removes the pid file. Not running is
# not an error. Prints one line.
stop_pidfile() {
  local name=$1 file=$2 timeout=${3:-30} pid target pgid i
  if ! pid=$(pidfile_pid "$file"); then
    rm -f "$file"
    say "$name: not running"
    return 0
  fi
  target=$pid
  pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || true
  [[ $pgid == "$pid" ]] && target="-$pid"
  kill -TERM -- "$target" 2>/dev/null || true
  for ((i = 0; i < timeout * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL -- "$target" 2>/dev/null || true
    sleep 0.2
    rm -f "$file"
    say "$name: killed (pid $pid did not stop within ${timeout}s of SIGTERM)"
  else
    rm -f "$file"
    say "$name: stopped (pid $pid)"
  fi
}

# start_background PIDFILE LOGFILE CMD...: run CMD detached from this shell
# (own session, stdin closed, stdout+stderr appended to LOGFILE) and record its
# pid. The previous log is kept as LOGFILE.1. Prints the pid.
# The pid is written by the process itself just before it execs CMD, so it is
# right even when setsid has to fork.
start_background() {
  local pidfile=$1 log=$2 pid= i
  shift 2
  [[ -f $log ]] && mv -f "$log" "$log.1"
  : >"$log"
  rm -f "$pidfile"
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner bash
  setsid nohup bash -c 'echo $$ >"$0.tmp" && mv -f "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" \
    </dev/null >>"$log" 2>&1 &
  for ((i = 0; i < 50; i++)); do
    pid=$(cat "$pidfile" 2>/dev/null || true)
    [[ -n $pid ]] && break
    sleep 0.1
  done
  [[ -n $pid ]] || die_with_log "$(basename "$pidfile" .pid)" "$log" "could not start: $*"
  echo "$pid"
}

# wait_ready NAME LOGFILE TIMEOUT_S PID CHECK_CMD...: poll CHECK_CMD until it
# succeeds; fail early when PID dies, or after TIMEOUT_S, with the log tail.
wait_ready() {
  local name=$1 log=$2 timeout=$3 pid=$4 deadline
  shift 4
  deadline=$((SECONDS + timeout))
  until "$@"; do
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      die_with_log "$name" "$log" "process $pid exited before becoming ready"
    fi
    if ((SECONDS >= deadline)); then
      die_with_log "$name" "$log" "not ready after ${timeout}s (pid $pid still running; see $log)"
    fi
    sleep 0.5
  done
}

# elapsed_since START_NS: "1.2s"
elapsed_since() {
  local now
  now=$(date +%s%N)
  awk -v d=$((now - $1)) 'BEGIN{printf "%.1fs", d/1e9}'
}
