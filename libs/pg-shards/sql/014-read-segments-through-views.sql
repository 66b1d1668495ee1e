-- pa_read.process_samples_between (migration 013) runs as its caller (a SECURITY DEFINER function
-- would not be inlined, and the window would no longer reach the indexes). Reading through views
-- instead of the tables keeps readers at what migration 011 gives them: SELECT on pa_read's
-- views (a view reads its tables as its owner), not on public's tables.
CREATE VIEW pa_read.process_samples_heap AS SELECT * FROM public.process_samples;
CREATE VIEW pa_read.process_segment_rows AS SELECT * FROM public.process_segment_rows;

CREATE OR REPLACE FUNCTION pa_read.process_samples_between(from_ts timestamptz, to_ts timestamptz)
RETURNS SETOF public.process_samples
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT p.* FROM pa_read.process_samples_heap p
  WHERE p.ts >= from_ts AND p.ts < to_ts AND p.machine_id NOT IN (SELECT pa_read.stale_machines())
  UNION ALL
  SELECT r.ts, r.machine_id, r.pid, r.ppid, r.name, r.username, r.cmdline, r.cpu_pct, r.mem_pct, r.rss_bytes,
         r.vms_bytes, r.threads, r.state, r.io_read_bytes, r.io_write_bytes, r.start_time
  FROM pa_read.process_segment_rows r
  WHERE r.hour > from_ts - interval '1 hour' AND r.hour < to_ts
    AND r.segment_last >= from_ts AND r.segment_first < to_ts AND r.ts >= from_ts AND r.ts < to_ts
    AND r.machine_id NOT IN (SELECT pa_read.stale_machines())
$fn$;
