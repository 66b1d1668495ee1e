-- Segments back to rows (migration 012). pa_decode_segment is a single-SELECT SQL function, so the
-- planner inlines it into the caller: a LATERAL call costs one unnest and one running sum per
-- segment, with no function call per row.
CREATE FUNCTION pa_decode_segment(hour timestamptz, ts_delta_us bigint[], cpu_pct double precision[],
                                  mem_pct double precision[], rss_delta bigint[], vms_delta bigint[],
                                  threads integer[], state text[], io_read_delta bigint[], io_write_delta bigint[])
RETURNS TABLE (ts timestamptz, cpu_pct double precision, mem_pct double precision, rss_bytes bigint,
               vms_bytes bigint, threads integer, state text, io_read_bytes bigint, io_write_bytes bigint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  -- sum() skips NULLs, so a NULL delta keeps the running value of the samples that had one.
  SELECT hour + interval '1 microsecond' * (sum(u.dts) OVER w)::float8,
         u.cpu, u.mem, (sum(u.drss) OVER w)::bigint,
         CASE WHEN u.dvms IS NOT NULL THEN (sum(u.dvms) OVER w)::bigint END,
         u.thr, u.st,
         CASE WHEN u.dior IS NOT NULL THEN (sum(u.dior) OVER w)::bigint END,
         CASE WHEN u.diow IS NOT NULL THEN (sum(u.diow) OVER w)::bigint END
  FROM unnest(ts_delta_us, cpu_pct, mem_pct, rss_delta, vms_delta, threads, state, io_read_delta, io_write_delta)
       WITH ORDINALITY AS u(dts, cpu, mem, drss, dvms, thr, st, dior, diow, o)
  WINDOW w AS (ORDER BY u.o ROWS UNBOUNDED PRECEDING)
$fn$;

-- Every compressed sample as an ordinary row, with its segment's hour (index conditions) and time
-- span (a segment outside the window is skipped before it is decoded).
CREATE VIEW process_segment_rows AS
SELECT s.hour, s.ts_first AS segment_first, s.ts_last AS segment_last, d.ts, s.machine_id, s.pid, s.ppid, s.name, s.username, c.value AS cmdline, d.cpu_pct, d.mem_pct,
       d.rss_bytes, d.vms_bytes, d.threads, d.state, d.io_read_bytes, d.io_write_bytes, s.start_time
FROM process_segments s
LEFT JOIN process_strings c ON c.id = s.cmdline_id
CROSS JOIN LATERAL pa_decode_segment(s.hour, s.ts_delta_us, s.cpu_pct, s.mem_pct, s.rss_delta, s.vms_delta,
                                     s.threads, s.state, s.io_read_delta, s.io_write_delta) d;

-- Raw rows of every form in [from_ts, to_ts): the heap partitions (pruned by ts) and the segments
-- of the hours that overlap (index on hour), machines of stale buckets left out (migration 011).
-- Inlined by the planner, so a caller's `machine_id = …` reaches both indexes. The query API and
-- the summarizer read raw rows through it; a view could not carry the window down to the
-- segments' hour (a condition on an unnested ts does not imply one on hour).
CREATE FUNCTION pa_read.process_samples_between(from_ts timestamptz, to_ts timestamptz)
RETURNS SETOF public.process_samples
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT p.* FROM public.process_samples p
  WHERE p.ts >= from_ts AND p.ts < to_ts AND p.machine_id NOT IN (SELECT pa_read.stale_machines())
  UNION ALL
  SELECT r.ts, r.machine_id, r.pid, r.ppid, r.name, r.username, r.cmdline, r.cpu_pct, r.mem_pct, r.rss_bytes,
         r.vms_bytes, r.threads, r.state, r.io_read_bytes, r.io_write_bytes, r.start_time
  FROM public.process_segment_rows r
  WHERE r.hour > from_ts - interval '1 hour' AND r.hour < to_ts
    AND r.segment_last >= from_ts AND r.segment_first < to_ts AND r.ts >= from_ts AND r.ts < to_ts
    AND r.machine_id NOT IN (SELECT pa_read.stale_machines())
$fn$;

-- For psql: every sample of every form as rows of process_samples' columns (SQL written against
-- raw rows still works; give it a ts window or it decodes every segment).
DROP VIEW pa_read.process_samples;
CREATE VIEW pa_read.process_samples AS
SELECT * FROM public.process_samples WHERE machine_id NOT IN (SELECT pa_read.stale_machines())
UNION ALL
SELECT r.ts, r.machine_id, r.pid, r.ppid, r.name, r.username, r.cmdline, r.cpu_pct, r.mem_pct, r.rss_bytes,
       r.vms_bytes, r.threads, r.state, r.io_read_bytes, r.io_write_bytes, r.start_time
FROM public.process_segment_rows r WHERE r.machine_id NOT IN (SELECT pa_read.stale_machines());

-- The cache watermark (migration 008) also moves when a day changes form.
CREATE OR REPLACE FUNCTION pa_cache_watermark(OUT watermark text, OUT is_busy boolean)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  SELECT s.last_value::text || CASE WHEN s.is_called THEN '' ELSE '-' END
         || '/' || (SELECT count(*) FROM pg_inherits WHERE inhparent = 'process_samples'::regclass)
         || '/' || (SELECT l.last_value::text || CASE WHEN l.is_called THEN '' ELSE '-' END FROM pa_lifecycle_seq l)
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
