-- Indexes for the query API (apps/query-api).
--
-- (machine_id, bucket): when a coarse bucket of one machine is still dirty (its outbox rows not yet
-- summarized), the query reads that machine's finer buckets inside it. The primary key
-- (machine_id, name, bucket) cannot range over bucket without walking every name of the machine's
-- whole history (PostgreSQL 15 has no skip scan). machine_rollup_* already has this key.
CREATE INDEX process_rollup_1m_machine_bucket ON process_rollup_1m (machine_id, bucket);
CREATE INDEX process_rollup_1h_machine_bucket ON process_rollup_1h (machine_id, bucket);

-- (name, bucket): the series of one process name across the fleet ("postgres memory over a week")
-- reads only that name instead of every process of every machine in the window.
CREATE INDEX process_rollup_1m_name_bucket ON process_rollup_1m (name, bucket);
CREATE INDEX process_rollup_1h_name_bucket ON process_rollup_1h (name, bucket);
CREATE INDEX process_rollup_1d_name_bucket ON process_rollup_1d (name, bucket);
