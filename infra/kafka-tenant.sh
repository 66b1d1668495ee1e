#!/usr/bin/env bash
# Tenants of collectors that produce to Kafka directly (docs/security.md, "Collectors producing
# directly"). Build first (npm run build): the topic names come from libs/contracts.
#
#   infra/kafka-tenant.sh add TENANT     SCRAM principal collector-TENANT with a generated password
#                                        in $PA_SECRETS_DIR/kafka-collector-TENANT.password (0600),
#                                        its topic proc.tenant.TENANT.snapshots.v1, and its ACLs
#                                        (write only topics prefixed proc.tenant.TENANT.).
#                                        Idempotent: run again, it keeps the password.
#   infra/kafka-tenant.sh remove TENANT  revokes the ACLs and the SCRAM user, deletes the password
#                                        file; the topic and its records stay (the writer may still
#                                        be draining it; delete it as admin once it has).
#
# TENANT is the machine-id prefix the tenant owns (whole segments: team-a owns team-a-1, not
# team-ab-1): letters, digits, '-' and '_', no dot. The writer consumes a tenant topic made after
# it started only once restarted (npm stop && npm start, or restart the writer alone).
# Env: PA_STATE_DIR, KAFKA_PORT / KAFKA_BROKERS, KAFKA_TOPIC (proc.snapshots.v1), KAFKA_TOPIC_PARTITIONS.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$INFRA_DIR/lib/kafka-security.sh"

action=${1:-} tenant=${2:-}
[[ $action == add || $action == remove ]] && [[ -n $tenant ]] || die "usage: $0 add|remove TENANT"
[[ $tenant =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$ ]] || die "kafka tenant: '$tenant' is not a tenant name (letters, digits, - and _, at most 63, no dot)"
[[ $KAFKA_SECURITY != plaintext ]] || die "kafka tenant: KAFKA_SECURITY=plaintext has no principals or ACLs"
[[ -f $REPO_DIR/dist/libs/contracts/src/index.js ]] || die "kafka tenant: build first (npm run build)"
export KAFKA_BROKERS="${KAFKA_BROKERS:-$PA_HOST:${KAFKA_PORT:-9092}}"
principal="collector-$tenant"
password_file=$(kafka_password_file "$principal")
lib=$("$INFRA_DIR/install-kafka.sh" --print-lib-dir)
work=$(umask 077 && mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$PA_LOG_DIR/kafka-tenant.log"
mkdir -p "$PA_LOG_DIR"

# ConfigCommand reads both secrets from files (0600, removed on exit): nothing on a command line,
# where ps would show it. SCRAM credentials are not reachable through kafkajs (no
# AlterUserScramCredentials), hence Kafka's own tool.
(umask 077 && cat >"$work/admin.properties" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(cat "$(kafka_password_file admin)")";
ssl.truststore.type=PEM
ssl.truststore.location=$PA_STATE_DIR/tls/ca.crt
PROPS
)
config_command() {
  java -cp "$lib/*" kafka.admin.ConfigCommand --bootstrap-server "$KAFKA_BROKERS" --command-config "$work/admin.properties" \
    --alter --entity-type users --entity-name "$principal" "$@" >>"$log" 2>&1 ||
    die_with_log "kafka tenant" "$log" "ConfigCommand for $principal failed"
}

if [[ $action == add ]]; then
  topic=$(node "$INFRA_DIR/kafka/tenant.cjs" add "$tenant")
  (umask 077 && mkdir -p "$PA_SECRETS_DIR")
  if [[ ! -s $password_file ]]; then
    (umask 077 && openssl rand -hex 24 >"$password_file.tmp" && mv "$password_file.tmp" "$password_file") ||
      die "kafka tenant: cannot write $password_file"
  fi
  # ConfigCommand's file form takes the mechanism's value without the brackets of --add-config.
  (umask 077 && printf 'SCRAM-SHA-512=iterations=8192,password=%s\n' "$(cat "$password_file")" >"$work/scram.properties")
  config_command --add-config-file "$work/scram.properties"
  say "kafka tenant $tenant: principal $principal (password in $password_file), topic $topic"
  say "  collector: COLLECTOR_TENANT=$tenant collector --kafka   (restart the writer if it runs: it subscribes at start)"
else
  topic=$(node "$INFRA_DIR/kafka/tenant.cjs" remove "$tenant")
  config_command --delete-config SCRAM-SHA-512
  rm -f "$password_file"
  say "kafka tenant $tenant: principal $principal and its ACLs removed; topic $topic kept"
fi
