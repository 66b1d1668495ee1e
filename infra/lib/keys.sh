# shellcheck shell=bash
# API keys for the local stack: source after lib/common.sh, once the catalog is migrated.
#
# ensure_api_keys: the server-side HMAC secret ($PA_API_KEY_SECRET_FILE, default
# $PA_STATE_DIR/secrets/api-key-hmac, 0600) and, when missing, expired or revoked, one key per
# role in $PA_KEYS_DIR (default $PA_STATE_DIR/keys, each file 0600): admin.key (every scope),
# ingest.key (the demo collectors), read.key (the dashboard, curl), metrics.key (Prometheus).
# Exports PA_API_KEY_SECRET_FILE and PA_KEYS_DIR. Quiet when nothing was made.

PA_KEYS_DIR=${PA_KEYS_DIR:-$PA_STATE_DIR/keys}
PA_API_KEY_SECRET_FILE=${PA_API_KEY_SECRET_FILE:-$PA_STATE_DIR/secrets/api-key-hmac}
export PA_KEYS_DIR PA_API_KEY_SECRET_FILE

# live_key_ids: the ids of the catalog's live keys, one a line.
live_key_ids() {
  node dist/apps/keys/src/main.js list --json | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      for (const k of JSON.parse(s)) if (k.state === "live") console.log(k.key_id);
    });'
}

ensure_api_keys() {
  local live role file
  mkdir -p "$(dirname "$PA_API_KEY_SECRET_FILE")" "$PA_KEYS_DIR"
  chmod 700 "$(dirname "$PA_API_KEY_SECRET_FILE")" "$PA_KEYS_DIR"
  if [[ ! -s $PA_API_KEY_SECRET_FILE ]]; then
    (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$PA_API_KEY_SECRET_FILE")
    # Keys hashed under another secret can no longer be checked: make them anew.
    rm -f "$PA_KEYS_DIR"/*.key
    say "keys: made the API key secret $PA_API_KEY_SECRET_FILE"
  fi
  chmod 600 "$PA_API_KEY_SECRET_FILE"
  live=$(live_key_ids)
  for role in admin ingest read metrics; do
    file="$PA_KEYS_DIR/$role.key"
    # The id is the key's second field (pa1_<id>_<secret>_<checksum>); the secret is never printed.
    if [[ -s $file ]] && grep -qx "$(cut -d_ -f2 "$file")" <<<"$live"; then continue; fi
    node dist/apps/keys/src/main.js create --name "local-$role" --scope "$role" --expires "${PA_LOCAL_KEY_DAYS:-90}d" --key-file "$file" 2>/dev/null
    say "keys: $role key written to $file"
  done
}
