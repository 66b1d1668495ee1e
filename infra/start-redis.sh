#!/usr/bin/env bash
# Start the stack's own Redis (the query API's answer cache; Debian's redis-server 7, which has TLS)
# on 127.0.0.1:${REDIS_PORT:-6380}: TLS only (`port 0`, `tls-port`, the local CA's server
# certificate), the default user off, one ACL user per client (infra/redis/acl-rules.txt) with a
# generated password in $PA_STATE_DIR/secrets/redis-<user>.password. No persistence: it is a cache.
# Idempotent: when the server in $PA_STATE_DIR/run/redis.pid is alive it only waits for it.
# The machine's Redis on 6379, if any, is neither used nor touched.
#
# Env (defaults): REDIS_PORT (6380), REDIS_MAXMEMORY (256mb), PA_STATE_DIR.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$INFRA_DIR/lib/tls.sh"
. "$INFRA_DIR/lib/redis-acl.sh"

REDIS_PORT="${REDIS_PORT:-6380}"
name=redis
home="$PA_STATE_DIR/redis"
pidfile="$PA_RUN_DIR/$name.pid"
log="$PA_LOG_DIR/$name.log"
t0=$(date +%s%N)

ready() { port_open "$PA_HOST" "$REDIS_PORT"; }

if pid=$(running_pid "$name" "$pidfile" 15 20 ready); then
  say "$name: already running on $PA_HOST:$REDIS_PORT (pid $pid)"
  exit 0
elif (($? > 1)); then
  exit 1
fi
rm -f "$pidfile"
command -v redis-server >/dev/null || die "$name: redis-server not found (apt-get install redis-server)"
port_open "$PA_HOST" "$REDIS_PORT" && die "$name: port $PA_HOST:$REDIS_PORT is already in use; set REDIS_PORT"

mkdir -p "$home"
ensure_tls_material
write_redis_acl "$home/users.acl"
pid=$(start_background "$pidfile" "$log" redis-server --bind "$PA_HOST" --port 0 --tls-port "$REDIS_PORT" \
  --tls-cert-file "$PA_TLS_DIR/server.crt" --tls-key-file "$PA_TLS_DIR/server.key" \
  --tls-ca-cert-file "$PA_TLS_DIR/ca.crt" --tls-auth-clients no --aclfile "$home/users.acl" \
  --save '' --appendonly no --dir "$home" --maxmemory "${REDIS_MAXMEMORY:-256mb}" --maxmemory-policy allkeys-lru)
wait_ready "$name" "$log" 20 "$pid" ready
say "$name: started on rediss://$PA_HOST:$REDIS_PORT (pid $pid, TLS + ACL users, $(elapsed_since "$t0"))"
