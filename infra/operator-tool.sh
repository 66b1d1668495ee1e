#!/usr/bin/env bash
# npm run migrate|shards|lifecycle|keys|profile: an operator's tool (node SCRIPT ARGS…). Against the
# local stack by default: without PG_SHARDS it connects as the stack's owner role over TLS (the
# password file and CA under var/, as `npm start` made them), so the commands the README prints
# work from a plain shell. With PG_SHARDS set (someone else's nodes) PG_USER, PG_PASSWORD_FILE and
# PG_SSLROOTCERT are the operator's to give, as for every service.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. infra/lib/common.sh
. infra/lib/tls.sh
. infra/lib/pg-security.sh
PG_SHARDS_FROM_USER=${PG_SHARDS:-}
if [[ -z ${PG_SHARDS:-} ]]; then
  pg_export_owner_env
  [[ -r $PG_PASSWORD_FILE ]] || die "no password file $PG_PASSWORD_FILE: start the local stack first (npm start), or set PG_SHARDS, PG_USER and PG_PASSWORD_FILE"
fi
# The lifecycle CLI against the local stack uses the policy its service runs with (written by
# infra/start.sh); a variable set in the shell wins, and other nodes (PG_SHARDS) bring their own.
policy_file=$PA_STATE_DIR/lifecycle-policy.env
if [[ -z ${PG_SHARDS_FROM_USER:-} && $1 == */lifecycle/* && -r $policy_file ]]; then
  while IFS='=' read -r name value; do
    if [[ $name =~ ^(RETENTION_DAYS|LIFECYCLE_LATENESS)$ && -z ${!name:-} ]]; then export "$name=$value"; fi
  done <"$policy_file"
fi
exec node "$@"
