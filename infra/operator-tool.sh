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
if [[ -z ${PG_SHARDS:-} ]]; then
  pg_export_owner_env
  [[ -r $PG_PASSWORD_FILE ]] || die "no password file $PG_PASSWORD_FILE: start the local stack first (npm start), or set PG_SHARDS, PG_USER and PG_PASSWORD_FILE"
fi
exec node "$@"
