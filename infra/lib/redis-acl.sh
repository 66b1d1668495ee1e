# shellcheck shell=bash
# write_redis_acl FILE: an ACL file (0600) with the default user off and every user of
# infra/redis/acl-rules.txt on, each with its generated password ($PA_SECRETS_DIR/redis-<user>.password,
# 0600, made once) stored only as its SHA-256. Source after common.sh.
PA_SECRETS_DIR="${PA_SECRETS_DIR:-$PA_STATE_DIR/secrets}"

redis_password_file() { printf '%s/redis-%s.password' "$PA_SECRETS_DIR" "$1"; }

write_redis_acl() {
  local file=$1 user rules pw
  (umask 077 && mkdir -p "$PA_SECRETS_DIR" && : >"$file.tmp")
  echo "user default off resetkeys -@all" >>"$file.tmp"
  while read -r user rules; do
    [[ -z $user || $user == \#* ]] && continue
    pw=$(redis_password_file "$user")
    [[ -s $pw ]] || (umask 077 && openssl rand -hex 24 >"$pw") || die "redis: cannot write $pw"
    echo "user $user on #$(tr -d '\n' <"$pw" | sha256sum | cut -d' ' -f1) $rules" >>"$file.tmp"
  done <"$INFRA_DIR/redis/acl-rules.txt"
  mv "$file.tmp" "$file"
}
