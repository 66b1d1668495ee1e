-- API keys: only a keyed hash of each secret (HMAC-SHA-256 under the server secret, libs/auth),
-- never the secret. During a rotation's overlap the previous hash verifies too, until
-- previous_valid_until. Empty prefix lists mean no tenant restriction.
CREATE TABLE api_keys (
  id                   text        PRIMARY KEY CHECK (id ~ '^[0-9A-Za-z]{10}$'),
  name                 text        NOT NULL,
  hmac                 bytea       NOT NULL CHECK (length(hmac) = 32),
  previous_hmac        bytea       CHECK (length(previous_hmac) = 32),
  previous_valid_until timestamptz,
  scopes               text[]      NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['ingest', 'read', 'admin', 'metrics']),
  write_prefixes       text[]      NOT NULL DEFAULT '{}',
  read_prefixes        text[]      NOT NULL DEFAULT '{}',
  expires_at           timestamptz NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  last_used_at         timestamptz,
  revoked_at           timestamptz,
  CHECK ((previous_hmac IS NULL) = (previous_valid_until IS NULL))
);

-- Services follow the keys by LISTEN pa_api_keys (and a poll): a revoke reaches every replica in
-- milliseconds. last_used_at is not a column that fires: usage writes would wake every service.
CREATE FUNCTION pa_notify_api_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('pa_api_keys', '');
  RETURN NULL;
END $$;

CREATE TRIGGER api_keys_changed
  AFTER INSERT OR DELETE OR UPDATE OF name, hmac, previous_hmac, previous_valid_until, scopes, write_prefixes, read_prefixes, expires_at, revoked_at
  ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION pa_notify_api_keys();
