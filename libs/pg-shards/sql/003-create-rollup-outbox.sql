-- Transactional outbox: the writer records the time range it touched, per machine, in the same
-- transaction as the rows; the summarizer claims these rows and recomputes those buckets.
CREATE TABLE rollup_outbox (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  machine_id  text        NOT NULL,
  from_ts     timestamptz NOT NULL,
  to_ts       timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (from_ts <= to_ts)
);
CREATE INDEX rollup_outbox_created ON rollup_outbox (created_at);
