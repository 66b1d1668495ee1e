-- Least-privilege roles of a shard node (issue 11). Not a numbered migration: `npm run migrate`
-- (and `shards add`) run this file after the migrations, every time, so the tables that later
-- migrations add are covered at once. Idempotent. Run by the owner (pa_owner, CREATEROLE) or a
-- superuser. Passwords are set by infra/lib/pg-security.sh; a role missing here (a node the
-- operator made by hand) is created without login, so the grants below never fail.
--
--   pa_owner       owns the schema: migrations, the mover and the shards CLI, tests
--   pa_writer      the ledger (snapshots), process_samples and its day partitions (INSERT only,
--                  COPY goes straight into a day partition), rollup_outbox, machines
--   pa_summarizer  reads the raw tables and the outbox, writes the rollups, deletes outbox rows
--   pa_query       SELECT on the pa_read views, plus the outbox (dirty buckets) and machines
--   pa_lifecycle   SELECT/INSERT/DELETE on every pa table, UPDATE on its step rows, its sequences,
--                  the pa_read views; member of pa_partitions (below): detaches and drops archived day partitions
--   pa_gateway     nothing on a shard (it reads API keys in the catalog)
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['pa_owner', 'pa_writer', 'pa_summarizer', 'pa_query', 'pa_lifecycle', 'pa_gateway'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
  END LOOP;
END
$$;

-- Services use what is granted, nothing by default: no CREATE anywhere, no temp tables.
DO $$
BEGIN
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO pa_writer, pa_summarizer, pa_query, pa_lifecycle', current_database());
  -- The lifecycle verifies a rewrite against a temporary table of expected counts and checksums.
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO pa_lifecycle', current_database());
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO pa_writer, pa_summarizer, pa_query, pa_lifecycle;
GRANT USAGE ON SCHEMA pa_read TO pa_query;

-- Start from nothing on every table, then grant each role its list: a table a later migration
-- adds gets exactly what the lists and the default privileges below say.
REVOKE ALL ON ALL TABLES IN SCHEMA public, pa_read FROM pa_writer, pa_summarizer, pa_query, pa_gateway;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM pa_writer, pa_summarizer, pa_query, pa_gateway;

-- Writer. SELECT on snapshots: the ledger's conflict check reads the rows it did not insert.
GRANT SELECT, INSERT ON snapshots TO pa_writer;
GRANT INSERT ON process_samples, rollup_outbox, machines TO pa_writer;
GRANT USAGE ON SEQUENCE rollup_outbox_id_seq TO pa_writer;
-- The writer creates day partitions and checks the fence through these functions, with the
-- owner's rights: it holds no DDL right and no UPDATE on shard_fence (FOR SHARE needs one).
ALTER FUNCTION pa_ensure_day_partition(date) SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION pa_check_map_version(integer) SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE EXECUTE ON FUNCTION pa_ensure_day_partition(date), pa_check_map_version(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pa_ensure_day_partition(date), pa_check_map_version(integer) TO pa_writer, pa_lifecycle;

-- Summarizer. UPDATE on the outbox: its claim is SELECT … FOR UPDATE SKIP LOCKED, then DELETE.
GRANT SELECT ON snapshots, process_samples, machines TO pa_summarizer;
GRANT SELECT, UPDATE, DELETE ON rollup_outbox TO pa_summarizer;
GRANT SELECT, INSERT, UPDATE ON machine_rollup_1m, machine_rollup_1h, machine_rollup_1d,
  process_rollup_1m, process_rollup_1h, process_rollup_1d TO pa_summarizer;
-- Fleet rollups (migration 017): rebuilt (DELETE + INSERT) per bucket; its outbox is written in the
-- per-machine transaction and claimed (FOR UPDATE SKIP LOCKED, then DELETE) by the rebuild.
GRANT SELECT, INSERT, DELETE ON process_fleet_rollup_1m, process_fleet_rollup_1h, process_fleet_rollup_1d TO pa_summarizer;
GRANT SELECT, INSERT, UPDATE, DELETE ON fleet_rollup_outbox TO pa_summarizer;
GRANT USAGE ON SEQUENCE fleet_rollup_outbox_id_seq TO pa_summarizer;
-- Its minute recompute reads raw rows of both forms through pa_read.process_samples_between
-- (heap ∪ the lifecycle's decoded segments; migrations 013-014), i.e. through pa_read's views.
GRANT USAGE ON SCHEMA pa_read TO pa_summarizer;
GRANT SELECT ON ALL TABLES IN SCHEMA pa_read TO pa_summarizer;

-- Query API: the views (they read the tables with their owner's rights), the outbox for dirty
-- buckets and its sequence for the cache watermark (pa_cache_watermark), and machines, which
-- pa_read.stale_machines() reads with the caller's rights (a SECURITY DEFINER function would not
-- be inlined into the views' statements).
GRANT SELECT ON ALL TABLES IN SCHEMA pa_read TO pa_query;
GRANT SELECT ON rollup_outbox, rollup_outbox_id_seq, machines TO pa_query;
-- Fleet buckets not rebuilt yet are read from per-machine rows (migration 017).
GRANT SELECT ON fleet_rollup_outbox TO pa_query;
-- The cache watermark also reads the lifecycle's sequence (a day changing form moves it).
GRANT SELECT ON pa_lifecycle_seq TO pa_query, pa_summarizer;

-- Lifecycle: data rights on every pa table, no DDL (see the header).
GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA public TO pa_lifecycle;
REVOKE ALL ON schema_migrations FROM pa_lifecycle;
GRANT SELECT ON schema_migrations TO pa_lifecycle;
-- Its step rows are upserted; its sequences: the watermark bump and process_strings' ids.
GRANT UPDATE ON lifecycle_steps TO pa_lifecycle;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO pa_lifecycle;
GRANT USAGE ON SCHEMA pa_read TO pa_lifecycle;
GRANT SELECT ON ALL TABLES IN SCHEMA pa_read TO pa_lifecycle;

-- Day partitions are made at runtime (pa_ensure_day_partition, as pa_owner): the writer COPYs
-- straight into them, so it gets INSERT on every table pa_owner creates from now on, and on
-- those that exist. It never gets SELECT on them (process_samples stays unreadable to it).
ALTER DEFAULT PRIVILEGES FOR ROLE pa_owner IN SCHEMA public GRANT INSERT ON TABLES TO pa_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE pa_owner IN SCHEMA public GRANT SELECT, INSERT, DELETE ON TABLES TO pa_lifecycle;
ALTER DEFAULT PRIVILEGES FOR ROLE pa_owner IN SCHEMA pa_read GRANT SELECT ON TABLES TO pa_query, pa_summarizer, pa_lifecycle;
DO $$
DECLARE
  part regclass;
BEGIN
  FOR part IN SELECT i.inhrelid::regclass FROM pg_inherits i
              WHERE i.inhparent IN ('snapshots'::regclass, 'process_samples'::regclass) LOOP
    EXECUTE format('GRANT INSERT ON %s TO pa_writer', part);
  END LOOP;
END
$$;

-- Retention (docs/lifecycle.md, "Retention"): the lifecycle drops archived days with
-- `DETACH PARTITION … CONCURRENTLY` and `DROP TABLE`, which only an owner of the parent and the
-- partition may run, and which cannot run inside a function (so no SECURITY DEFINER wrapper). The
-- two raw tables and their day partitions belong to pa_partitions (NOLOGIN), whose members are
-- pa_owner (migrations, pa_ensure_day_partition) and pa_lifecycle: partition DDL on those two
-- tables and nothing else. pa_ensure_day_partition hands new partitions to it (migration 016).
DO $$
DECLARE
  t regclass;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pa_partitions') THEN
    CREATE ROLE pa_partitions NOLOGIN;
  END IF;
  GRANT pa_partitions TO pa_owner, pa_lifecycle;
  -- A new owner needs CREATE on the schema; held only inside this transaction, never visible to a member.
  GRANT CREATE ON SCHEMA public TO pa_partitions;
  FOR t IN SELECT x::regclass FROM unnest(ARRAY['snapshots', 'process_samples']) x
           UNION ALL
           SELECT i.inhrelid::regclass FROM pg_inherits i WHERE i.inhparent IN ('snapshots'::regclass, 'process_samples'::regclass) LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO pa_partitions', t);
  END LOOP;
  REVOKE CREATE ON SCHEMA public FROM pa_partitions;
END
$$;
