#!/usr/bin/env bash
# Start ${SHARDS:-2} PostgreSQL servers (the storage shards) on 127.0.0.1,
# ports PG_BASE_PORT, PG_BASE_PORT+1, …; data in $PA_STATE_DIR/pg/shard-<i>.
# First run: initdb (role postgres, UTF8). Every run: TLS, scram passwords and
# the roles of lib/pg-security.sh, the database "pa" owned by pa_owner (with
# pg_stat_statements). Idempotent: a running shard is left alone (its security
# files are rewritten and reloaded), a stopped one is started. As root, the
# servers run as the OS user "postgres" (PG_OS_USER).
#
# Env (defaults): SHARDS (2), PG_BASE_PORT (5433), PG_DATABASE (pa),
#   PG_LOG_MIN_DURATION_MS (1000), PG_SHARED_BUFFERS (256MB),
#   PG_START_TIMEOUT_S (60), PG_STOP_TIMEOUT_S (60, waiting for a node that is shutting down), PG_BIN (highest /usr/lib/postgresql/*/bin),
#   PA_STATE_DIR (<repo>/var).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$INFRA_DIR/lib/pg.sh"
. "$INFRA_DIR/lib/tls.sh"
. "$INFRA_DIR/lib/pg-security.sh"

SHARDS="${SHARDS:-2}"
PG_BASE_PORT="${PG_BASE_PORT:-5433}"
PG_DATABASE="${PG_DATABASE:-pa}"
PG_LOG_MIN_DURATION_MS="${PG_LOG_MIN_DURATION_MS:-1000}"
PG_SHARED_BUFFERS="${PG_SHARED_BUFFERS:-256MB}"
PG_START_TIMEOUT_S="${PG_START_TIMEOUT_S:-60}"
PG_STOP_TIMEOUT_S="${PG_STOP_TIMEOUT_S:-60}"

[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || die "pg: SHARDS must be a positive integer (got '$SHARDS')"
[[ $PG_BASE_PORT =~ ^[0-9]+$ ]] || die "pg: PG_BASE_PORT must be a number (got '$PG_BASE_PORT')"
[[ $PG_DATABASE =~ ^[a-z_][a-z0-9_]*$ ]] || die "pg: PG_DATABASE must be a plain lower-case identifier"
if ((EUID == 0)); then
  id -u "$PG_OS_USER" >/dev/null 2>&1 || die "pg: OS user '$PG_OS_USER' missing (the server refuses to run as root)"
fi

# Unix sockets go to our own folder, never /var/run/postgresql (the system
# server's). Socket paths are limited to ~107 bytes.
if ((${#PG_SOCKET_DIR} + 20 > 107)); then
  die "pg: socket path under $PG_SOCKET_DIR would exceed 107 bytes; use a shorter PA_STATE_DIR"
fi
mkdir -p "$PG_ROOT" "$PG_SOCKET_DIR"
give_to_pg "$PG_SOCKET_DIR"
# A fresh clone in a private folder (mktemp -d makes it 0700) keeps the postgres user out of the
# state dir inside it: open the project's own folders on the way for traversal only (o+x, no
# reading). Folders above the project are never touched; a state dir outside it gets the error.
if ((EUID == 0)) && ! as_pg test -x "$PG_ROOT"; then
  project=$(cd "$INFRA_DIR/.." && pwd -P)
  dir=$(cd "$PG_ROOT" && pwd -P)
  while [[ $dir == "$project" || $dir == "$project"/* ]]; do
    chmod o+x "$dir"
    [[ $dir == "$project" ]] && break
    dir=$(dirname "$dir")
  done
fi
if ! as_pg test -x "$PG_ROOT" -a -w "$PG_SOCKET_DIR"; then
  die "pg: user $PG_OS_USER cannot reach $PG_ROOT; every parent folder needs o+x (e.g. chmod o+x on the parents of PA_STATE_DIR)"
fi

ensure_tls_material
ensure_pg_secrets

if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; else locale=C; fi

for ((i = 0; i < SHARDS; i++)); do
  t0=$(date +%s%N)
  name="pg shard $i"
  port=$((PG_BASE_PORT + i))
  dir=$(shard_dir "$i")
  log=$(shard_log "$i")

  # A postmaster that is shutting down (postmaster.pid says "stopping") is waited for, then
  # started again, rather than taken for a running node.
  if shard_running "$dir" && [[ $(shard_state "$dir") == stopping ]]; then
    say "$name: pid $(shard_pid "$dir") is stopping; waiting for it to exit before starting it again" >&2
    deadline=$((SECONDS + PG_STOP_TIMEOUT_S))
    while shard_running "$dir"; do
      ((SECONDS < deadline)) || die "$name: still stopping after ${PG_STOP_TIMEOUT_S}s; stop it (npm stop), then start again"
      sleep 0.2
    done
  fi
  if shard_running "$dir"; then
    actual=$(shard_port "$dir")
    "$INFRA_DIR/wait-for-port.sh" "$PA_HOST" "$actual" "$PG_START_TIMEOUT_S" "$name"
    [[ $actual == "$port" ]] ||
      warn "$name: running on :$actual, not :$port (PG_BASE_PORT changed?); stop it to apply"
    pg_psql "$actual" -d postgres -tAc "SELECT 1" >/dev/null ||
      die_with_log "$name" "$log" "running but not answering on $PA_HOST:$actual"
    # A node of a stack made before TLS and passwords (or with a renewed certificate): rewrite
    # its security files and reload (ssl and pg_hba.conf take effect on SIGHUP).
    pg_secure_node_files "$dir"
    as_pg "$PG_BIN/pg_ctl" -D "$dir" reload >/dev/null
    status="already running on $PA_HOST:$actual (pid $(shard_pid "$dir"))"
    port=$actual
  else
    # --- initdb once (into a temp folder, so an interrupted run is redone) ---
    if [[ ! -f $dir/PG_VERSION ]]; then
      tmp="$dir.init"
      rm -rf "$tmp"
      mkdir -m 700 "$tmp"
      give_to_pg "$tmp"
      init_log="$PA_LOG_DIR/pg-shard-$i-initdb.log"
      : >"$init_log"
      give_to_pg "$init_log"
      as_pg "$PG_BIN/initdb" -D "$tmp" --auth-local=peer --auth-host=reject -U postgres -E UTF8 --locale="$locale" \
        >"$init_log" 2>&1 || die_with_log "$name" "$init_log" "initdb failed"
      echo "include = 'pa.conf'   # settings of infra/start-pg-shards.sh" >>"$tmp/postgresql.conf"
      rm -rf "$dir"
      mv "$tmp" "$dir"
    fi

    port_open "$PA_HOST" "$port" &&
      die "$name: port $PA_HOST:$port is already in use by another process; set PG_BASE_PORT"

    # --- settings, rewritten on each start so env changes apply --------------
    cat >"$dir/pa.conf" <<EOF
# Generated by infra/start-pg-shards.sh: edits are overwritten on the next start.
listen_addresses = '$PA_HOST'
port = $port
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 200
shared_buffers = $PG_SHARED_BUFFERS
max_wal_size = 4GB
checkpoint_timeout = 15min
fsync = on
shared_preload_libraries = 'pg_stat_statements'
log_min_duration_statement = $PG_LOG_MIN_DURATION_MS
EOF
    give_to_pg "$dir/pa.conf"
    pg_secure_node_files "$dir"

    [[ -f $log ]] || : >"$log"
    give_to_pg "$log"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$log" -w -t "$PG_START_TIMEOUT_S" start >/dev/null 2>&1; then
      die_with_log "$name" "$log" "pg_ctl start failed or timed out after ${PG_START_TIMEOUT_S}s"
    fi
    "$INFRA_DIR/wait-for-port.sh" "$PA_HOST" "$port" "$PG_START_TIMEOUT_S" "$name" ||
      die_with_log "$name" "$log" "started but $PA_HOST:$port does not accept connections"
    status="started on $PA_HOST:$port (pid $(shard_pid "$dir"), $(elapsed_since "$t0"))"
  fi

  # --- roles, the application database and its owner (idempotent) ----------
  pg_secure_node_roles "$port"
  say "$name: $status"
done
