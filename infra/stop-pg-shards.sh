#!/usr/bin/env bash
# Stop every PostgreSQL shard found in $PA_STATE_DIR/pg/shard-* (whatever
# SHARDS is now) with pg_ctl stop -m fast. Not running is not an error.
#
# Env (defaults): PG_STOP_TIMEOUT_S (60), PA_STATE_DIR (<repo>/var).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$INFRA_DIR/lib/pg.sh"

PG_STOP_TIMEOUT_S="${PG_STOP_TIMEOUT_S:-60}"

shopt -s nullglob
dirs=("$PG_ROOT"/shard-*/)
[[ ${#dirs[@]} -gt 0 ]] || exit 0
# Numeric order: shard-2 before shard-10.
mapfile -t dirs < <(printf '%s\n' "${dirs[@]%/}" | sort -V)

for dir in "${dirs[@]}"; do
  i=${dir##*/shard-}
  [[ $i =~ ^[0-9]+$ && -f $dir/PG_VERSION ]] || continue # skips shard-N.init leftovers
  name="pg shard $i"
  if shard_running "$dir"; then
    pid=$(shard_pid "$dir")
    as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w -t "$PG_STOP_TIMEOUT_S" stop >/dev/null 2>&1 ||
      die_with_log "$name" "$(shard_log "$i")" "pg_ctl stop -m fast failed"
    say "$name: stopped (pid $pid)"
  else
    say "$name: not running"
  fi
done
