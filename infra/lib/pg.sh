# shellcheck shell=bash
# PostgreSQL shard helpers for start-pg-shards.sh / stop-pg-shards.sh.
# Source after lib/common.sh.

PG_ROOT="$PA_STATE_DIR/pg"
PG_SOCKET_DIR="$PG_ROOT/sockets"
PG_OS_USER="${PG_OS_USER:-postgres}"

# Highest installed server version unless PG_BIN is set.
if [[ -z ${PG_BIN:-} ]]; then
  PG_BIN=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1 || true)
  [[ -n $PG_BIN ]] || die "pg: no /usr/lib/postgresql/*/bin found (apt-get install postgresql); or set PG_BIN"
fi
[[ -x $PG_BIN/pg_ctl ]] || die "pg: $PG_BIN/pg_ctl not found; set PG_BIN"

# The server refuses to run as root: when we are root, run the server-side
# tools as $PG_OS_USER (from /, which that user can always enter).
as_pg() {
  if ((EUID == 0)); then
    (cd / && runuser -u "$PG_OS_USER" -- "$@")
  else
    (cd / && "$@")
  fi
}

# give_to_pg PATH...: hand files/folders to $PG_OS_USER when we are root.
give_to_pg() {
  ((EUID == 0)) && chown "$PG_OS_USER:" "$@"
  return 0
}

shard_dir() { echo "$PG_ROOT/shard-$1"; }
shard_log() { echo "$PA_LOG_DIR/pg-shard-$1.log"; }

# shard_running DIR: pg_ctl status says a postmaster runs on DIR.
shard_running() {
  [[ -f $1/PG_VERSION ]] && as_pg "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# shard_pid / shard_port DIR: from postmaster.pid (lines 1 and 4).
shard_pid() { sed -n 1p "$1/postmaster.pid" 2>/dev/null; }
shard_port() { sed -n 4p "$1/postmaster.pid" 2>/dev/null; }
# shard_state DIR: the postmaster's status line in postmaster.pid (line 8): starting, ready,
# stopping or standby.
shard_state() { sed -n 8p "$1/postmaster.pid" 2>/dev/null | tr -d ' '; }

# psql as the superuser over the node's Unix socket (peer authentication, the admin path of
# lib/pg-security.sh; TCP refuses the superuser), no ~/.psqlrc.
pg_psql() {
  local port=$1
  shift
  PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$port" -U postgres "$@"
}
