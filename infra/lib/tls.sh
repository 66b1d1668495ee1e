# shellcheck shell=bash
# The local certificate authority and the server certificate every hop uses (PostgreSQL, Kafka,
# Redis, the gateway and the query API). Source after common.sh, then call ensure_tls_material.
#
#   $PA_TLS_DIR/ca.crt        the CA clients trust (sslrootcert, NODE_EXTRA_CA_CERTS, Kafka, Redis)
#   $PA_TLS_DIR/ca.key        the CA's key (0600), used only here to sign
#   $PA_TLS_DIR/server.crt    a server certificate for localhost and 127.0.0.1, signed by the CA
#   $PA_TLS_DIR/server.key    its key (0600)
#
# Made once with the openssl CLI (no downloads); a restart reuses them. A server certificate that
# expires within 30 days is renewed with the same CA. Keys are PKCS#8 PEM: Kafka's PEM key store
# reads no other form.

PA_TLS_DIR="${PA_TLS_DIR:-$PA_STATE_DIR/tls}"
export PA_TLS_DIR

ensure_tls_material() {
  local dir=$PA_TLS_DIR
  command -v openssl >/dev/null || die "tls: the openssl command is missing (apt-get install openssl)"
  mkdir -p "$dir"
  chmod 0755 "$dir"
  if [[ ! -s $dir/ca.crt || ! -s $dir/ca.key ]]; then
    (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key") ||
      die "tls: cannot create the CA key in $dir"
    openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 3650 -subj "/CN=Process Analyzer local CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -out "$dir/ca.crt" 2>/dev/null || die "tls: cannot create the CA certificate in $dir"
    rm -f "$dir/server.crt" "$dir/server.key"
    say "tls: created a local certificate authority in $dir (clients trust $dir/ca.crt)"
  fi
  if [[ -s $dir/server.crt && -s $dir/server.key ]] && openssl x509 -checkend 2592000 -noout -in "$dir/server.crt" >/dev/null; then
    return 0
  fi
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/server.key") ||
    die "tls: cannot create the server key in $dir"
  local ext
  ext=$(mktemp)
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$ext"
  openssl req -new -key "$dir/server.key" -subj "/CN=localhost" 2>/dev/null |
    openssl x509 -req -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -sha256 -days 825 \
      -extfile "$ext" -out "$dir/server.crt" 2>/dev/null || { rm -f "$ext"; die "tls: cannot sign the server certificate in $dir"; }
  rm -f "$ext"
  chmod 0644 "$dir/server.crt" "$dir/ca.crt"
  say "tls: server certificate for localhost/127.0.0.1 in $dir/server.crt"
}
