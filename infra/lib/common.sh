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

# pid_alive PID: the process exists and is not a zombie (a zombie is dead, only not yet reaped).
pid_alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
  [[ $state != Z ]]
}

# pidfile_pid PIDFILE: print the pid recorded in PIDFILE when that process is
# alive AND was started no later than the pid file was written (so a recycled
# pid is never mistaken for ours). Returns 1 otherwise.
pidfile_pid() {
  local file=$1 pid started written
  [[ -f $file ]] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [[ -n $pid ]] || return 1
  pid_alive "$pid" || return 1
  started=$(pid_start_epoch "$pid") || return 1
  written=$(stat -c %Y "$file")
  ((started <= written + 2)) || return 1
  echo "$pid"
}

# stopping_file PIDFILE: the marker stop_pidfile keeps, holding the pid it is stopping, from its
# SIGTERM until that process is gone. A start that finds it waits for the exit instead of taking a
# process that is shutting down for a running one.
stopping_file() { echo "${1%.pid}.stopping"; }

# file_holds FILE PID: FILE exists and holds exactly PID.
file_holds() { [[ -f $1 && $(tr -dc '0-9' <"$1" 2>/dev/null) == "$2" ]]; }

# remove_pidfile PIDFILE PID: remove PIDFILE and its stopping marker, but only while they still
# name PID: a stop that ends after a new start wrote its own pid file must leave that one alone.
remove_pidfile() {
  local file=$1 pid=$2 marker
  marker=$(stopping_file "$file")
  if file_holds "$file" "$pid"; then rm -f "$file"; fi
  if file_holds "$marker" "$pid"; then rm -f "$marker"; fi
  return 0
}

# wait_exit PID TIMEOUT_S: poll until PID is gone; 1 when it still runs after TIMEOUT_S.
wait_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while pid_alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# running_pid NAME PIDFILE STOP_TIMEOUT_S READY_TIMEOUT_S [READY_CMD...]: does the service of
# PIDFILE run? Prints its pid and returns 0 when it does (with READY_CMD: once READY_CMD succeeds).
# Returns 1 when nothing runs, also after waiting for a stopping process to exit: one whose
# stopping marker names it (stop_pidfile sent it SIGTERM), or one that is alive, not ready, and
# exits while we wait (a service given SIGTERM by someone else closes its listener or fails its
# readiness first). Returns 2, with an ERROR line, when a stopping process outlives STOP_TIMEOUT_S
# or a live one is neither ready nor gone after READY_TIMEOUT_S (it runs in $(...), where die
# could not stop the caller: callers exit on 2). Notes go to stderr (stdout is the pid).
running_pid() {
  local name=$1 file=$2 stop_timeout=$3 ready_timeout=$4 pid deadline waiting=
  shift 4
  pid=$(pidfile_pid "$file") || return 1
  if file_holds "$(stopping_file "$file")" "$pid"; then
    say "$name: pid $pid is stopping; waiting for it to exit before starting a new one" >&2
    if ! wait_exit "$pid" "$stop_timeout"; then
      warn "ERROR: $name: pid $pid is still stopping after ${stop_timeout}s; stop it (npm stop), then start again"
      return 2
    fi
    return 1
  fi
  if (($# == 0)); then
    echo "$pid"
    return 0
  fi
  deadline=$((SECONDS + ready_timeout))
  until "$@"; do
    if ! pid_alive "$pid"; then
      say "$name: pid $pid exited while we waited for it to become ready; starting a new one" >&2
      return 1
    fi
    if [[ -z $waiting ]]; then
      say "$name: pid $pid runs but is not ready; waiting for it to become ready or to exit" >&2
      waiting=1
    fi
    if ((SECONDS >= deadline)); then
      warn "ERROR: $name: pid $pid runs but is not ready after ${ready_timeout}s (see $PA_LOG_DIR/$name.log); stop it (npm stop), then start again"
      return 2
    fi
    sleep 0.5
  done
  echo "$pid"
}

# stop_pidfile NAME PIDFILE [TIMEOUT_S]: SIGTERM (the whole process group when
# the pid leads one), wait, then SIGKILL. Removes the pid file. Not running is
# not an error. Prints one line. While it waits, the stopping marker
# (stopping_file) tells a concurrent start that this process is on its way out.
stop_pidfile() {
  local name=$1 file=$2 timeout=${3:-30} pid target pgid
  if ! pid=$(pidfile_pid "$file"); then
    rm -f "$file" "$(stopping_file "$file")"
    say "$name: not running"
    return 0
  fi
  target=$pid
  pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || true
  [[ $pgid == "$pid" ]] && target="-$pid"
  echo "$pid" >"$(stopping_file "$file")"
  kill -TERM -- "$target" 2>/dev/null || true
  if wait_exit "$pid" "$timeout"; then
    remove_pidfile "$file" "$pid"
    say "$name: stopped (pid $pid)"
  else
    kill -KILL -- "$target" 2>/dev/null || true
    wait_exit "$pid" 5 || true
    remove_pidfile "$file" "$pid"
    say "$name: killed (pid $pid did not stop within ${timeout}s of SIGTERM)"
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
  rm -f "$pidfile" "$(stopping_file "$pidfile")"
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
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
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
