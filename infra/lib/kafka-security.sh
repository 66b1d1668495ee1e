# shellcheck shell=bash
# Kafka's transport security and authorization: source after common.sh and tls.sh.
#
# Client listener SASL_SSL with SCRAM-SHA-512 only (no plaintext client listener); the controller
# listener is SSL with client certificates on 127.0.0.1 (SCRAM is not supported between
# controllers, KIP-631/KIP-900), so the broker's own certificate is the only way in there.
# StandardAuthorizer, allow.everyone.if.no.acl.found=false, super user admin. One SCRAM principal
# per role, each with a generated password in $PA_SECRETS_DIR/kafka-<principal>.password (0600):
#
#   admin      super user: topic creation by operators and tests, tools, the bench
#   gateway    CREATE/WRITE/DESCRIBE/DESCRIBE_CONFIGS on topics prefixed proc.snapshots.;
#              CREATE/DESCRIBE on proc.dlq.* (it creates its topic and DLQ at start, writes no DLQ)
#   writer     READ/DESCRIBE/DESCRIBE_CONFIGS on proc.snapshots.* and proc.tenant.* (tenant
#              topics), WRITE on proc.dlq.* (its DLQs), READ on groups prefixed proc-writer;
#              no CREATE, no WRITE on snapshot topics
#   collector  WRITE/DESCRIBE/DESCRIBE_CONFIGS on proc.snapshots.*; no CREATE, no READ
#   collector-<tenant>  (infra/kafka-tenant.sh, not made here) WRITE/DESCRIBE/DESCRIBE_CONFIGS on
#              proc.tenant.<tenant>.* only
# Both old DENY lines on proc.snapshots.v1.dlq (the DLQ before ACL version 2) are kept for stacks
# that still hold that topic.
#
# KAFKA_SECURITY=plaintext turns all of this off (a PLAINTEXT client listener, no authorizer).
# KAFKA_PLAINTEXT_PORT (unset by default) adds a second, plaintext client listener whose anonymous
# clients are super users: only the bench stack sets it, to measure TLS + SASL on vs off in one run.

PA_SECRETS_DIR="${PA_SECRETS_DIR:-$PA_STATE_DIR/secrets}"
export PA_SECRETS_DIR
KAFKA_SECURITY="${KAFKA_SECURITY:-sasl_ssl}"
KAFKA_PRINCIPALS=(admin gateway writer collector)
# Bumped when the ACL set changes, so a running stack is re-granted at its next start.
KAFKA_SECURITY_VERSION=2

# kafka_password_file PRINCIPAL: where that principal's password lives.
kafka_password_file() { printf '%s/kafka-%s.password' "$PA_SECRETS_DIR" "$1"; }

# ensure_kafka_secrets: a random password per principal, made once (0600, in a 0700 folder).
ensure_kafka_secrets() {
  local p file
  (umask 077 && mkdir -p "$PA_SECRETS_DIR")
  chmod 0700 "$PA_SECRETS_DIR"
  for p in "${KAFKA_PRINCIPALS[@]}"; do
    file=$(kafka_password_file "$p")
    [[ -s $file ]] && continue
    (umask 077 && openssl rand -hex 24 >"$file.tmp" && mv "$file.tmp" "$file") ||
      die "kafka: cannot write $file"
  done
}

# kafka_keystore HOME: the broker's PEM key store (PKCS#8 key, then the certificate), 0600.
kafka_keystore() {
  local store="$1/keystore.pem"
  (umask 077 && cat "$PA_TLS_DIR/server.key" "$PA_TLS_DIR/server.crt" >"$store.tmp" && mv "$store.tmp" "$store") ||
    die "kafka: cannot write $store"
  printf '%s' "$store"
}

# kafka_listener_config HOME: listeners, TLS, SASL and authorizer lines for server.properties.
kafka_listener_config() {
  local home=$1 store
  if [[ $KAFKA_SECURITY == plaintext ]]; then
    cat <<EOF
listeners=PLAINTEXT://$PA_HOST:$KAFKA_PORT,CONTROLLER://$PA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$PA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
EOF
    return
  fi
  [[ $KAFKA_SECURITY == sasl_ssl ]] || die "kafka: KAFKA_SECURITY must be sasl_ssl or plaintext, not '$KAFKA_SECURITY'"
  store=$(kafka_keystore "$home")
  local plain='' plain_map='' anonymous=''
  if [[ -n ${KAFKA_PLAINTEXT_PORT:-} ]]; then
    plain=",PLAIN://$PA_HOST:$KAFKA_PLAINTEXT_PORT" plain_map=",PLAIN:PLAINTEXT" anonymous=";User:ANONYMOUS"
  fi
  cat <<EOF
listeners=SASL_SSL://$PA_HOST:$KAFKA_PORT,CONTROLLER://$PA_HOST:$KAFKA_CONTROLLER_PORT$plain
advertised.listeners=SASL_SSL://$PA_HOST:$KAFKA_PORT$plain
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL$plain_map
ssl.keystore.type=PEM
ssl.keystore.location=$store
ssl.truststore.type=PEM
ssl.truststore.location=$PA_TLS_DIR/ca.crt
ssl.endpoint.identification.algorithm=https
ssl.client.auth=none
# The controller listener takes only the broker's own certificate (mutual TLS).
listener.name.controller.ssl.client.auth=required
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(cat "$(kafka_password_file admin)")";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
# admin over SCRAM; the broker itself over the controller listener (its certificate's subject).
super.users=User:admin;User:CN=localhost$anonymous
EOF
}

# kafka_scram_format_args: the StorageTool format arguments that create every SCRAM user.
kafka_scram_format_args() {
  local p
  [[ $KAFKA_SECURITY == plaintext ]] && return
  for p in "${KAFKA_PRINCIPALS[@]}"; do
    printf '%s\n' --add-scram "SCRAM-SHA-512=[name=$p,password=$(cat "$(kafka_password_file "$p")")]"
  done
}

# ensure_kafka_acls: grants every role its ACLs as admin (idempotent: Kafka keeps one copy of an
# ACL created twice). Skipped when this cluster (its id: a reformat makes a new one) already has
# this version's ACLs.
ensure_kafka_acls() {
  local home=$1 marker="$1/acls-version" want
  [[ $KAFKA_SECURITY == plaintext ]] && return
  want="$KAFKA_SECURITY_VERSION $(cat "$home/cluster-id")"
  [[ $(cat "$marker" 2>/dev/null) == "$want" ]] && return
  KAFKA_BROKERS="$PA_HOST:$KAFKA_PORT" node "$INFRA_DIR/kafka/ensure-acls.cjs" ||
    die "kafka: granting the ACLs failed"
  echo "$want" >"$marker"
}
