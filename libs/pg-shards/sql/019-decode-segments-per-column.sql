-- A decoder per column (docs/lifecycle.md, "Decoding"): a statement decodes only the columns it reads.
-- Migration 015's view decoded a segment in one `unnest(...)` of every column's differences; a
-- function scan's arguments are all evaluated, so a raw series of rss_bytes decoded cpu, mem, vms,
-- threads, state and both I/O counters too (bench item 10: one machine's raw 24 h series 8.4× the
-- heap's, a raw fleet /v1/top 8.2×). Here each column of a segment is decoded on its own, into an
-- array, as one output column of a LATERAL subquery; the planner replaces the outputs a statement
-- does not reference with NULL (remove_unused_subquery_outputs: the functions are IMMUTABLE), so
-- their functions are never called and their TOASTed arrays never read. The samples are then the
-- array elements 1 .. samples. Values are the same expressions as pa_decode_segment_narrow's and
-- pa_decode_segment's (migrations 015, 013), so every float and byte comes back the same; the
-- lifecycle's VERIFY reads this view, so every seal checks it against the rows that went in.

-- The narrow format's planes are decoded inline (pa_decode_planes' expression, migration 015) in
-- the same SELECT as the running sum: calling pa_decode_planes and unnesting its result again cost
-- 45 % more (300 segments' rss: 146 ms against 80 ms, min of 7, EXPLAIN ANALYZE on the test stack).
-- An integer column of the narrow format: base + the running sum of the differences, times unit;
-- NULL where the planes mark a NULL; NULL planes: every sample is the base.
CREATE FUNCTION pa_decode_ints(base bigint, unit bigint, planes "char"[], n integer) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN planes IS NULL THEN array_fill(base * unit, ARRAY[n]) ELSE (
    SELECT array_agg(v ORDER BY o) FROM (
      SELECT u.o, CASE WHEN u.b0 IS NOT NULL THEN (base + sum(((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)
             | coalesce((u.b3::integer + 128)::bigint << 24, 0) | coalesce((u.b4::integer + 128)::bigint << 32, 0)
             | coalesce((u.b5::integer + 128)::bigint << 40, 0) | coalesce((u.b6::integer + 128)::bigint << 48, 0)
             | coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
           # -((u.b0::integer + 128) & 1)::bigint) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING))::bigint * unit END AS v
      FROM unnest(planes[1:n], planes[n + 1:2 * n], planes[2 * n + 1:3 * n], planes[3 * n + 1:4 * n],
                  planes[4 * n + 1:5 * n], planes[5 * n + 1:6 * n], planes[6 * n + 1:7 * n], planes[7 * n + 1:8 * n])
           WITH ORDINALITY AS u(b0, b1, b2, b3, b4, b5, b6, b7, o)) x) END
$fn$;

-- A float column of the narrow format stored scaled: (k_base + running sum) / divisor, in float8.
CREATE FUNCTION pa_decode_scaled(k_base bigint, divisor double precision, planes "char"[], n integer) RETURNS double precision[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN planes IS NULL THEN array_fill(k_base::float8 / divisor, ARRAY[n]) ELSE (
    SELECT array_agg(v ORDER BY o) FROM (
      SELECT u.o, (k_base + coalesce(sum(((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)
             | coalesce((u.b3::integer + 128)::bigint << 24, 0) | coalesce((u.b4::integer + 128)::bigint << 32, 0)
             | coalesce((u.b5::integer + 128)::bigint << 40, 0) | coalesce((u.b6::integer + 128)::bigint << 48, 0)
             | coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
           # -((u.b0::integer + 128) & 1)::bigint) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING), 0))::bigint::float8 / divisor AS v
      FROM unnest(planes[1:n], planes[n + 1:2 * n], planes[2 * n + 1:3 * n], planes[3 * n + 1:4 * n],
                  planes[4 * n + 1:5 * n], planes[5 * n + 1:6 * n], planes[6 * n + 1:7 * n], planes[7 * n + 1:8 * n])
           WITH ORDINALITY AS u(b0, b1, b2, b3, b4, b5, b6, b7, o)) x) END
$fn$;

-- The times of the narrow format: hour + base + (i - 1) steps + the running sum of the step differences.
CREATE FUNCTION pa_decode_times(hour timestamptz, base_us bigint, step_us bigint, planes "char"[], n integer) RETURNS timestamptz[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN planes IS NULL THEN (
    SELECT array_agg(hour + interval '1 microsecond' * (base_us + (o - 1) * step_us)::float8 ORDER BY o)
    FROM generate_series(1::bigint, n) AS o) ELSE (
    SELECT array_agg(v ORDER BY o) FROM (
      SELECT u.o, hour + interval '1 microsecond' * (base_us + (u.o - 1) * step_us
                    + coalesce(sum(((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)
             | coalesce((u.b3::integer + 128)::bigint << 24, 0) | coalesce((u.b4::integer + 128)::bigint << 32, 0)
             | coalesce((u.b5::integer + 128)::bigint << 40, 0) | coalesce((u.b6::integer + 128)::bigint << 48, 0)
             | coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
           # -((u.b0::integer + 128) & 1)::bigint) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING), 0))::float8 AS v
      FROM unnest(planes[1:n], planes[n + 1:2 * n], planes[2 * n + 1:3 * n], planes[3 * n + 1:4 * n],
                  planes[4 * n + 1:5 * n], planes[5 * n + 1:6 * n], planes[6 * n + 1:7 * n], planes[7 * n + 1:8 * n])
           WITH ORDINALITY AS u(b0, b1, b2, b3, b4, b5, b6, b7, o)) x) END
$fn$;

-- The first format (migration 012): running sums of deltas, NULL where the delta is NULL.
CREATE FUNCTION pa_decode_running(deltas bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT array_agg(v ORDER BY o) FROM (
    SELECT u.o, CASE WHEN u.d IS NOT NULL THEN (sum(u.d) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING))::bigint END AS v
    FROM unnest(deltas) WITH ORDINALITY AS u(d, o)) x
$fn$;

CREATE FUNCTION pa_decode_running_times(hour timestamptz, deltas bigint[]) RETURNS timestamptz[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT array_agg(v ORDER BY o) FROM (
    SELECT u.o, hour + interval '1 microsecond' * (sum(u.d) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING))::float8 AS v
    FROM unnest(deltas) WITH ORDINALITY AS u(d, o)) x
$fn$;

-- The same columns as migrations 013 and 015 (so the views on it, pa_read's, stay as they are).
-- `a.n` is the samples count through the subquery: generate_series depends on `a`, so the planner
-- scans `a` once per segment and then its samples, never `a` once per sample.
CREATE OR REPLACE VIEW process_segment_rows AS
SELECT s.hour, s.ts_first AS segment_first, s.ts_last AS segment_last, a.ts[i.o] AS ts, s.machine_id, s.pid, s.ppid, s.name, s.username,
       c.value AS cmdline, a.cpu_pct[i.o] AS cpu_pct, a.mem_pct[i.o] AS mem_pct, a.rss_bytes[i.o] AS rss_bytes, a.vms_bytes[i.o] AS vms_bytes,
       a.threads[i.o] AS threads, a.state[i.o] AS state, a.io_read_bytes[i.o] AS io_read_bytes, a.io_write_bytes[i.o] AS io_write_bytes,
       s.start_time
FROM process_segments s
LEFT JOIN process_strings c ON c.id = s.cmdline_id
CROSS JOIN LATERAL (
  SELECT s.samples AS n,
    CASE WHEN s.ts_base_us IS NOT NULL THEN pa_decode_times(s.hour, s.ts_base_us, s.ts_step_us, s.ts_planes, s.samples)
         ELSE pa_decode_running_times(s.hour, s.ts_delta_us) END AS ts,
    CASE WHEN s.ts_base_us IS NULL THEN s.cpu_pct
         ELSE coalesce(s.cpu_raw, pa_decode_scaled(s.cpu_k_base, s.cpu_divisor, s.cpu_k_planes, s.samples)) END AS cpu_pct,
    CASE WHEN s.ts_base_us IS NULL THEN s.mem_pct
         ELSE coalesce(s.mem_raw, pa_decode_scaled(s.mem_k_base, s.mem_divisor, s.mem_k_planes, s.samples)) END AS mem_pct,
    CASE WHEN s.ts_base_us IS NOT NULL THEN pa_decode_ints(s.rss_base, s.rss_unit, s.rss_planes, s.samples)
         ELSE pa_decode_running(s.rss_delta) END AS rss_bytes,
    CASE WHEN s.ts_base_us IS NOT NULL THEN pa_decode_ints(s.vms_base, s.vms_unit, s.vms_planes, s.samples)
         ELSE pa_decode_running(s.vms_delta) END AS vms_bytes,
    CASE WHEN s.ts_base_us IS NOT NULL THEN pa_decode_ints(s.threads_base, 1, s.threads_planes, s.samples)::integer[]
         ELSE s.threads END AS threads,
    s.state,
    CASE WHEN s.ts_base_us IS NOT NULL THEN pa_decode_ints(s.io_read_base, 1, s.io_read_planes, s.samples)
         ELSE pa_decode_running(s.io_read_delta) END AS io_read_bytes,
    CASE WHEN s.ts_base_us IS NOT NULL THEN pa_decode_ints(s.io_write_base, 1, s.io_write_planes, s.samples)
         ELSE pa_decode_running(s.io_write_delta) END AS io_write_bytes
  OFFSET 0
) a
CROSS JOIN LATERAL generate_series(1, a.n) AS i(o);
