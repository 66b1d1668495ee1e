-- The fleet rollups' primary keys carry the partials /v1/top reads (issue 15), so a fleet-wide top
-- reads them by index-only scan. With the key on (bucket, name) alone, every fleet row of a window
-- was one heap fetch (the rebuild's DELETE + INSERT scatters a bucket's rows: 230 rows of one hour
-- on ~50 heap pages): bench item 6's data (50 machines × 100 processes every 2 min, 2 shards), 24 h
-- window, 11,900 fleet rows on shard 0, PostgreSQL CPU of the statement on both shards 13.2 ms
-- against 6.5 ms covered; /v1/top p50 over 24 h 25.9 against 13.7 ms, over 7 d 17.8 against
-- 11.3 ms (blocks of requests alternating the keys, load 3–4, 2026-12-03; docs/query-plans.md).
-- No other index: the key's own index gets wider, the rebuild maintains as many indexes as before.
-- The minima are not in it: no fleet-wide read uses them.
ALTER TABLE process_fleet_rollup_1m
  DROP CONSTRAINT process_fleet_rollup_1m_pkey,
  ADD CONSTRAINT process_fleet_rollup_1m_pkey PRIMARY KEY (bucket, name)
    INCLUDE (samples, cpu_sum, cpu_max, mem_sum, mem_max, rss_sum, rss_max);
ALTER TABLE process_fleet_rollup_1h
  DROP CONSTRAINT process_fleet_rollup_1h_pkey,
  ADD CONSTRAINT process_fleet_rollup_1h_pkey PRIMARY KEY (bucket, name)
    INCLUDE (samples, cpu_sum, cpu_max, mem_sum, mem_max, rss_sum, rss_max);
ALTER TABLE process_fleet_rollup_1d
  DROP CONSTRAINT process_fleet_rollup_1d_pkey,
  ADD CONSTRAINT process_fleet_rollup_1d_pkey PRIMARY KEY (bucket, name)
    INCLUDE (samples, cpu_sum, cpu_max, mem_sum, mem_max, rss_sum, rss_max);

-- An index-only scan skips the heap only on pages the visibility map marks all-visible, which
-- VACUUM sets. By default autovacuum waits until 20% of a table's rows were rewritten (six days of
-- a node's 1-minute fleet rows at the default 30 days' retention), so the rows of the last days
-- would be heap fetches again; here after every 2,000 rewritten or inserted rows (a few minutes of
-- a node's fleet buckets at demo density). A vacuum of these tables then visits only the pages
-- changed since the last one.
ALTER TABLE process_fleet_rollup_1m SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
  autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 2000);
ALTER TABLE process_fleet_rollup_1h SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
  autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 2000);
ALTER TABLE process_fleet_rollup_1d SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000,
  autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 2000);
