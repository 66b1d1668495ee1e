-- The query API's cache key part for this shard, in one round trip instead of two statements.
-- The order of the two reads is what makes a cached answer never stale: the sequence first, then
-- the writers' locks (apps/query-api/src/cache/watermark.sql.ts says why). A PL/pgSQL function
-- runs its statements in order; one SQL statement would leave the order to the planner.
CREATE FUNCTION pa_cache_watermark(OUT watermark text, OUT is_busy boolean)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  SELECT s.last_value::text || CASE WHEN s.is_called THEN '' ELSE '-' END
         || '/' || (SELECT count(*) FROM pg_inherits WHERE inhparent = 'process_samples'::regclass)
    INTO watermark
    FROM rollup_outbox_id_seq s;
  SELECT EXISTS (
           SELECT 1 FROM pg_locks l
           WHERE l.locktype = 'relation' AND l.relation = 'rollup_outbox'::regclass
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()
             AND (SELECT application_name FROM pg_stat_get_activity(l.pid)) IS DISTINCT FROM 'pa-summarizer')
    INTO is_busy;
END
$$;
