-- Raw reads of a compressed day, cheaper per segment and per sample; the same values (docs/lifecycle.md,
-- "Decoding"). Bench item 10's raw 24 h series of one machine (372 segments, 30,000 samples) was 3.5-3.9x
-- the heap's; profiled on a copy of its sealed node (backend CPU-ms per statement, medians of 5 interleaved
-- rounds of 40, load 4-7): heap 9.75, 019's view 50.25, these decoders alone 37.5, with the view below 24.0.
-- A fleet-wide raw top over the node's day (cpu and rss of 2,602 segments): heap 75, 019 655, here 270.
--
-- The decoders (called for the segments the view does not decode inline):
--   * Differences of at most 4 byte planes (zigzag z < 2^32, so |d| <= 2^31: an int4) are summed
--     as `sum(integer)`, whose running value is a bigint; `sum(bigint)` (019) accumulates in int128
--     and builds a numeric for every sample, cast back ::bigint. Both sums are exact, so the values
--     are the same. Wider segments keep 019's eight slices and numeric sum. The rss decoder over one
--     machine's segments: 15 ms against 29 (pgbench latency, the same rounds).
--   * A regular segment's times (ts_planes NULL, a positive step) are one generate_series over
--     timestamptz: hour + base, then + step each sample, the same microseconds as 019's
--     hour + (base + (o - 1) * step) us (time-only intervals add integer microseconds). 7 ms against 17 (the same).
--   * The arrays are ARRAY(SELECT ... ORDER BY u.o): the ordinality column is known sorted, so
--     neither the window nor the result sorts; 019's array_agg(v ORDER BY o) sorted every column of
--     every segment once more (PostgreSQL 15 sorts an aggregate's ORDER BY input always).
-- The view: a SQL function whose body holds a sub-SELECT is never inlined, and each call starts an
-- executor: ~20 us a call (the same expressions inline, with 4 slices: 23.3 CPU-ms against 37.5).
-- The view therefore decodes the common forms itself, as sub-SELECTs of its LATERAL subquery (still
-- pruned per column: the planner drops the outputs a statement does not read): NULL planes (a
-- constant column), differences of 1 or 2 byte planes (int4 arithmetic throughout, two slices) and
-- regular times; the other forms call the decoders above.
-- Tried and not kept (same measure): a third inline form for 1 plane (21.5 against 21.5); the samples
-- as unnest(ts) WITH ORDINALITY instead of subscripts (24.75 against 23.0); select-list SRFs for the
-- times and the samples (26.3-27.0 against 24.3); ROWS FROM(unnest(...)) of every column (194: no
-- pruning, every decoder runs).
-- The lifecycle's VERIFY reads this view, so every seal checks it against the rows that went in;
-- every row of the node above decoded the same as by 019 (all columns, floats as text).

CREATE OR REPLACE FUNCTION pa_decode_ints(base bigint, unit bigint, planes "char"[], n integer) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN planes IS NULL THEN array_fill(base * unit, ARRAY[n])
  WHEN cardinality(planes) <= 4 * n THEN ARRAY(
    SELECT CASE WHEN u.b0 IS NOT NULL THEN (base + sum((((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)
             | coalesce((u.b3::integer + 128)::bigint << 24, 0)) >> 1)
           # -((u.b0::integer + 128) & 1)::bigint)::integer)) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING)) * unit END
    FROM unnest(planes[1:n], planes[n + 1:2 * n], planes[2 * n + 1:3 * n], planes[3 * n + 1:4 * n])
         WITH ORDINALITY AS u(b0, b1, b2, b3, o)
    ORDER BY u.o)
  ELSE ARRAY(
    SELECT CASE WHEN u.b0 IS NOT NULL THEN (base + sum(((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)
             | coalesce((u.b3::integer + 128)::bigint << 24, 0) | coalesce((u.b4::integer + 128)::bigint << 32, 0)
             | coalesce((u.b5::integer + 128)::bigint << 40, 0) | coalesce((u.b6::integer + 128)::bigint << 48, 0)
             | coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
           # -((u.b0::integer + 128) & 1)::bigint) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING))::bigint * unit END
    FROM unnest(planes[1:n], planes[n + 1:2 * n], planes[2 * n + 1:3 * n], planes[3 * n + 1:4 * n],
                planes[4 * n + 1:5 * n], planes[5 * n + 1:6 * n], planes[6 * n + 1:7 * n], planes[7 * n + 1:8 * n])
         WITH ORDINALITY AS u(b0, b1, b2, b3, b4, b5, b6, b7, o)
    ORDER BY u.o) END
$fn$;

CREATE OR REPLACE FUNCTION pa_decode_scaled(k_base bigint, divisor double precision, planes "char"[], n integer) RETURNS double precision[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN planes IS NULL THEN array_fill(k_base::float8 / divisor, ARRAY[n])
  WHEN cardinality(planes) <= 4 * n THEN ARRAY(
    SELECT (k_base + coalesce(sum((((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)
             | coalesce((u.b3::integer + 128)::bigint << 24, 0)) >> 1)
           # -((u.b0::integer + 128) & 1)::bigint)::integer)) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING), 0))::float8 / divisor
    FROM unnest(planes[1:n], planes[n + 1:2 * n], planes[2 * n + 1:3 * n], planes[3 * n + 1:4 * n])
         WITH ORDINALITY AS u(b0, b1, b2, b3, o)
    ORDER BY u.o)
  ELSE ARRAY(
    SELECT (k_base + coalesce(sum(((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)
             | coalesce((u.b3::integer + 128)::bigint << 24, 0) | coalesce((u.b4::integer + 128)::bigint << 32, 0)
             | coalesce((u.b5::integer + 128)::bigint << 40, 0) | coalesce((u.b6::integer + 128)::bigint << 48, 0)
             | coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
           # -((u.b0::integer + 128) & 1)::bigint) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING), 0))::bigint::float8 / divisor
    FROM unnest(planes[1:n], planes[n + 1:2 * n], planes[2 * n + 1:3 * n], planes[3 * n + 1:4 * n],
                planes[4 * n + 1:5 * n], planes[5 * n + 1:6 * n], planes[6 * n + 1:7 * n], planes[7 * n + 1:8 * n])
         WITH ORDINALITY AS u(b0, b1, b2, b3, b4, b5, b6, b7, o)
    ORDER BY u.o) END
$fn$;

-- A step of 0 (one sample) cannot be a generate_series step: such segments take the per-sample form.
CREATE OR REPLACE FUNCTION pa_decode_times(hour timestamptz, base_us bigint, step_us bigint, planes "char"[], n integer) RETURNS timestamptz[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN planes IS NULL AND step_us > 0 THEN ARRAY(
    SELECT g.ts FROM generate_series(hour + interval '1 microsecond' * base_us::float8,
                                     hour + interval '1 microsecond' * (base_us + (n - 1) * step_us)::float8,
                                     interval '1 microsecond' * step_us::float8) WITH ORDINALITY AS g(ts, o)
    ORDER BY g.o)
  WHEN planes IS NULL THEN ARRAY(
    SELECT hour + interval '1 microsecond' * (base_us + (g.o - 1) * step_us)::float8
    FROM generate_series(1, n) WITH ORDINALITY AS g(i, o)
    ORDER BY g.o)
  WHEN cardinality(planes) <= 4 * n THEN ARRAY(
    SELECT hour + interval '1 microsecond' * (base_us + (u.o - 1) * step_us + coalesce(sum((((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)
             | coalesce((u.b3::integer + 128)::bigint << 24, 0)) >> 1)
           # -((u.b0::integer + 128) & 1)::bigint)::integer)) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING), 0))::float8
    FROM unnest(planes[1:n], planes[n + 1:2 * n], planes[2 * n + 1:3 * n], planes[3 * n + 1:4 * n])
         WITH ORDINALITY AS u(b0, b1, b2, b3, o)
    ORDER BY u.o)
  ELSE ARRAY(
    SELECT hour + interval '1 microsecond' * (base_us + (u.o - 1) * step_us + coalesce(sum(((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)
             | coalesce((u.b3::integer + 128)::bigint << 24, 0) | coalesce((u.b4::integer + 128)::bigint << 32, 0)
             | coalesce((u.b5::integer + 128)::bigint << 40, 0) | coalesce((u.b6::integer + 128)::bigint << 48, 0)
             | coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
           # -((u.b0::integer + 128) & 1)::bigint) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING), 0))::float8
    FROM unnest(planes[1:n], planes[n + 1:2 * n], planes[2 * n + 1:3 * n], planes[3 * n + 1:4 * n],
                planes[4 * n + 1:5 * n], planes[5 * n + 1:6 * n], planes[6 * n + 1:7 * n], planes[7 * n + 1:8 * n])
         WITH ORDINALITY AS u(b0, b1, b2, b3, b4, b5, b6, b7, o)
    ORDER BY u.o) END
$fn$;

-- 019's view with the common forms decoded inline (above); same columns.
CREATE OR REPLACE VIEW process_segment_rows AS
SELECT s.hour, s.ts_first AS segment_first, s.ts_last AS segment_last, a.ts[i.o] AS ts, s.machine_id, s.pid, s.ppid, s.name, s.username,
       c.value AS cmdline, a.cpu_pct[i.o] AS cpu_pct, a.mem_pct[i.o] AS mem_pct, a.rss_bytes[i.o] AS rss_bytes, a.vms_bytes[i.o] AS vms_bytes,
       a.threads[i.o] AS threads, a.state[i.o] AS state, a.io_read_bytes[i.o] AS io_read_bytes, a.io_write_bytes[i.o] AS io_write_bytes,
       s.start_time
FROM process_segments s
LEFT JOIN process_strings c ON c.id = s.cmdline_id
CROSS JOIN LATERAL (
  SELECT s.samples AS n,
    CASE WHEN s.ts_base_us IS NULL THEN pa_decode_running_times(s.hour, s.ts_delta_us)
         WHEN s.ts_planes IS NULL AND s.ts_step_us > 0 THEN ARRAY(
           SELECT g.ts FROM generate_series(s.hour + interval '1 microsecond' * s.ts_base_us::float8,
                                            s.hour + interval '1 microsecond' * (s.ts_base_us + (s.samples - 1) * s.ts_step_us)::float8,
                                            interval '1 microsecond' * s.ts_step_us::float8) WITH ORDINALITY AS g(ts, o)
           ORDER BY g.o)
         ELSE pa_decode_times(s.hour, s.ts_base_us, s.ts_step_us, s.ts_planes, s.samples) END AS ts,
    CASE WHEN s.ts_base_us IS NULL THEN s.cpu_pct
         WHEN s.cpu_raw IS NOT NULL THEN s.cpu_raw
         WHEN s.cpu_k_planes IS NULL THEN array_fill(s.cpu_k_base::float8 / s.cpu_divisor, ARRAY[s.samples])
         WHEN cardinality(s.cpu_k_planes) <= 2 * s.samples THEN ARRAY(
           SELECT (s.cpu_k_base + coalesce(sum((((u.b0::integer + 128) | coalesce((u.b1::integer + 128) << 8, 0)) >> 1)
                    # -((u.b0::integer + 128) & 1)) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING), 0))::float8 / s.cpu_divisor
           FROM unnest(s.cpu_k_planes[1:s.samples], s.cpu_k_planes[s.samples + 1:2 * s.samples]) WITH ORDINALITY AS u(b0, b1, o)
           ORDER BY u.o)
         ELSE pa_decode_scaled(s.cpu_k_base, s.cpu_divisor, s.cpu_k_planes, s.samples) END AS cpu_pct,
    CASE WHEN s.ts_base_us IS NULL THEN s.mem_pct
         WHEN s.mem_raw IS NOT NULL THEN s.mem_raw
         WHEN s.mem_k_planes IS NULL THEN array_fill(s.mem_k_base::float8 / s.mem_divisor, ARRAY[s.samples])
         WHEN cardinality(s.mem_k_planes) <= 2 * s.samples THEN ARRAY(
           SELECT (s.mem_k_base + coalesce(sum((((u.b0::integer + 128) | coalesce((u.b1::integer + 128) << 8, 0)) >> 1)
                    # -((u.b0::integer + 128) & 1)) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING), 0))::float8 / s.mem_divisor
           FROM unnest(s.mem_k_planes[1:s.samples], s.mem_k_planes[s.samples + 1:2 * s.samples]) WITH ORDINALITY AS u(b0, b1, o)
           ORDER BY u.o)
         ELSE pa_decode_scaled(s.mem_k_base, s.mem_divisor, s.mem_k_planes, s.samples) END AS mem_pct,
    CASE WHEN s.ts_base_us IS NULL THEN pa_decode_running(s.rss_delta)
         WHEN s.rss_planes IS NULL THEN array_fill(s.rss_base * s.rss_unit, ARRAY[s.samples])
         WHEN cardinality(s.rss_planes) <= 2 * s.samples THEN ARRAY(
           SELECT CASE WHEN u.b0 IS NOT NULL THEN (s.rss_base + sum((((u.b0::integer + 128) | coalesce((u.b1::integer + 128) << 8, 0)) >> 1)
                    # -((u.b0::integer + 128) & 1)) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING)) * s.rss_unit END
           FROM unnest(s.rss_planes[1:s.samples], s.rss_planes[s.samples + 1:2 * s.samples]) WITH ORDINALITY AS u(b0, b1, o)
           ORDER BY u.o)
         ELSE pa_decode_ints(s.rss_base, s.rss_unit, s.rss_planes, s.samples) END AS rss_bytes,
    CASE WHEN s.ts_base_us IS NULL THEN pa_decode_running(s.vms_delta)
         WHEN s.vms_planes IS NULL THEN array_fill(s.vms_base * s.vms_unit, ARRAY[s.samples])
         WHEN cardinality(s.vms_planes) <= 2 * s.samples THEN ARRAY(
           SELECT CASE WHEN u.b0 IS NOT NULL THEN (s.vms_base + sum((((u.b0::integer + 128) | coalesce((u.b1::integer + 128) << 8, 0)) >> 1)
                    # -((u.b0::integer + 128) & 1)) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING)) * s.vms_unit END
           FROM unnest(s.vms_planes[1:s.samples], s.vms_planes[s.samples + 1:2 * s.samples]) WITH ORDINALITY AS u(b0, b1, o)
           ORDER BY u.o)
         ELSE pa_decode_ints(s.vms_base, s.vms_unit, s.vms_planes, s.samples) END AS vms_bytes,
    CASE WHEN s.ts_base_us IS NULL THEN s.threads
         ELSE (CASE WHEN s.threads_planes IS NULL THEN array_fill(s.threads_base, ARRAY[s.samples])
         WHEN cardinality(s.threads_planes) <= 2 * s.samples THEN ARRAY(
           SELECT CASE WHEN u.b0 IS NOT NULL THEN (s.threads_base + sum((((u.b0::integer + 128) | coalesce((u.b1::integer + 128) << 8, 0)) >> 1)
                    # -((u.b0::integer + 128) & 1)) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING)) END
           FROM unnest(s.threads_planes[1:s.samples], s.threads_planes[s.samples + 1:2 * s.samples]) WITH ORDINALITY AS u(b0, b1, o)
           ORDER BY u.o)
         ELSE pa_decode_ints(s.threads_base, 1, s.threads_planes, s.samples) END)::integer[] END AS threads,
    s.state,
    CASE WHEN s.ts_base_us IS NULL THEN pa_decode_running(s.io_read_delta)
         WHEN s.io_read_planes IS NULL THEN array_fill(s.io_read_base, ARRAY[s.samples])
         WHEN cardinality(s.io_read_planes) <= 2 * s.samples THEN ARRAY(
           SELECT CASE WHEN u.b0 IS NOT NULL THEN (s.io_read_base + sum((((u.b0::integer + 128) | coalesce((u.b1::integer + 128) << 8, 0)) >> 1)
                    # -((u.b0::integer + 128) & 1)) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING)) END
           FROM unnest(s.io_read_planes[1:s.samples], s.io_read_planes[s.samples + 1:2 * s.samples]) WITH ORDINALITY AS u(b0, b1, o)
           ORDER BY u.o)
         ELSE pa_decode_ints(s.io_read_base, 1, s.io_read_planes, s.samples) END AS io_read_bytes,
    CASE WHEN s.ts_base_us IS NULL THEN pa_decode_running(s.io_write_delta)
         WHEN s.io_write_planes IS NULL THEN array_fill(s.io_write_base, ARRAY[s.samples])
         WHEN cardinality(s.io_write_planes) <= 2 * s.samples THEN ARRAY(
           SELECT CASE WHEN u.b0 IS NOT NULL THEN (s.io_write_base + sum((((u.b0::integer + 128) | coalesce((u.b1::integer + 128) << 8, 0)) >> 1)
                    # -((u.b0::integer + 128) & 1)) OVER (ORDER BY u.o ROWS UNBOUNDED PRECEDING)) END
           FROM unnest(s.io_write_planes[1:s.samples], s.io_write_planes[s.samples + 1:2 * s.samples]) WITH ORDINALITY AS u(b0, b1, o)
           ORDER BY u.o)
         ELSE pa_decode_ints(s.io_write_base, 1, s.io_write_planes, s.samples) END AS io_write_bytes
  OFFSET 0
) a
CROSS JOIN LATERAL generate_series(1, a.n) AS i(o);
