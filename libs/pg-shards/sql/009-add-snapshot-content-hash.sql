-- The fingerprint of what a snapshot stored (libs/pg-shards/src/process-sample-rows.ts,
-- encodeSnapshots): a second snapshot with the same (machine_id, ts) is an exact replay when it
-- matches, and a conflict (dead-lettered, counted) when it does not. NULL on rows stored before
-- this migration: those compare as replays, as everything did before.
ALTER TABLE snapshots ADD COLUMN content_hash bytea;
