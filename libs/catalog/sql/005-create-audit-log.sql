-- Audit log: keys created, rotated, revoked, and every refused request. No key material: key_id
-- is the public part of a key (or null when the request carried none that parsed).
CREATE TABLE audit_log (
  id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  event   text        NOT NULL,
  key_id  text,
  address text,
  route   text,
  reason  text
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_key_id ON audit_log (key_id, at);
