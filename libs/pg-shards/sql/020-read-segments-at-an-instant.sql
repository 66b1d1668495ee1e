-- A point read (docs/lifecycle.md, "Decoding"): the rows of one instant, decoding each column of a
-- segment only up to the one sample the instant needs. /v1/machines/{id}/snapshot?at= reads every
-- column of the ~100 segments (one per process of the machine for that hour) that hold the instant;
-- through process_samples_between it decoded each whole (bench item 10: 113 / 186 ms against 16 /
-- 27 ms on heap, 7.0×; in SQL 195 ms against 0.7 ms). Here the sample's index comes from the time
-- columns (arithmetic for a steady interval), then each other column's value is base + the sum of
-- its first i differences: a plain aggregate over the slices planes[1:i], no window, no array.
-- The expressions are those of migration 019's decoders (same types, same casts), so every float
-- and byte is the same as the full decoder's; apps/lifecycle/src/compress/point-read.integration-spec.ts
-- compares them instant by instant. Numbers at the end of this file.

-- The index (1-based) of the sample at `at` in a narrow segment; NULL when none is at exactly `at`.
-- A steady interval (ts_planes NULL) has sample k at hour + base + (k - 1) steps: k is arithmetic
-- and checked with pa_decode_times' own expression; otherwise the time column is decoded and searched.
CREATE FUNCTION pa_point_index(hour timestamptz, base_us bigint, step_us bigint, planes "char"[], n integer, at timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN planes IS NULL THEN (
    SELECT k::integer FROM (
      SELECT CASE WHEN step_us = 0 THEN 1::bigint ELSE (off - base_us) / step_us + 1 END AS k
      FROM (SELECT (extract(epoch FROM at - hour) * 1000000)::bigint AS off) o) c
    WHERE c.k BETWEEN 1 AND n AND hour + interval '1 microsecond' * (base_us + (c.k - 1) * step_us)::float8 = at)
  ELSE array_position(pa_decode_times(hour, base_us, step_us, planes, n), at) END
$fn$;

-- The sum of the first i differences of n samples' byte planes (NULL when all of them are NULL):
-- pa_decode_ints' window sum at i, as a plain aggregate over the slices planes[p n + 1 : p n + i].
-- A segment's planes are k = cardinality / n (pa_encode_planes writes k n bytes); unnesting only
-- those k slices halves the cost (100 segments' rss at sample 186 of 360, 2 planes: 4.3 ms against
-- 8.5 ms through all 8); the expression is pa_decode_ints' with the absent planes' terms
-- (coalesce(NULL, 0) there) left out, so the sums are the same numerics. A scalar function, called
-- once per segment and column (~34 µs of executor start-up a call, see the end of this file).
CREATE FUNCTION pa_point_sum(planes "char"[], n integer, i integer) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT CASE cardinality(planes) / n
  WHEN 1 THEN (SELECT sum(((((u.b0::integer + 128)::bigint) >> 1) & 9223372036854775807)
           # -((u.b0::integer + 128) & 1)::bigint)
    FROM unnest(planes[1:i]) AS u(b0))
  WHEN 2 THEN (SELECT sum(((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0)) >> 1) & 9223372036854775807)
           # -((u.b0::integer + 128) & 1)::bigint)
    FROM unnest(planes[1:i], planes[n + 1:n + i]) AS u(b0, b1))
  WHEN 3 THEN (SELECT sum(((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)) >> 1) & 9223372036854775807)
           # -((u.b0::integer + 128) & 1)::bigint)
    FROM unnest(planes[1:i], planes[n + 1:n + i], planes[2 * n + 1:2 * n + i]) AS u(b0, b1, b2))
  ELSE (SELECT sum(((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)
             | coalesce((u.b3::integer + 128)::bigint << 24, 0) | coalesce((u.b4::integer + 128)::bigint << 32, 0)
             | coalesce((u.b5::integer + 128)::bigint << 40, 0) | coalesce((u.b6::integer + 128)::bigint << 48, 0)
             | coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
           # -((u.b0::integer + 128) & 1)::bigint)
    FROM unnest(planes[1:i], planes[n + 1:n + i], planes[2 * n + 1:2 * n + i], planes[3 * n + 1:3 * n + i],
                planes[4 * n + 1:4 * n + i], planes[5 * n + 1:5 * n + i], planes[6 * n + 1:6 * n + i], planes[7 * n + 1:7 * n + i]) AS u(b0, b1, b2, b3, b4, b5, b6, b7)) END
$fn$;

-- pa_decode_ints' value at sample i: base + the sum of the first i differences, times unit; NULL where
-- the planes mark a NULL (every plane of a NULL sample is NULL, so its low byte, planes[i], is).
-- One expression, so it is inlined into the caller (only pa_point_sum is called).
CREATE FUNCTION pa_point_ints(base bigint, unit bigint, planes "char"[], n integer, i integer) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN planes IS NULL THEN base * unit
              WHEN planes[i] IS NOT NULL THEN (base + pa_point_sum(planes, n, i))::bigint * unit END
$fn$;

-- pa_decode_scaled's value at sample i: (k_base + the sum of the first i differences) / divisor. Inlined.
CREATE FUNCTION pa_point_scaled(k_base bigint, divisor double precision, planes "char"[], n integer, i integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN planes IS NULL THEN k_base::float8 / divisor
              ELSE (k_base + coalesce(pa_point_sum(planes, n, i), 0))::bigint::float8 / divisor END
$fn$;

-- pa_decode_running's value at sample i (first format): the sum of the first i deltas, NULL where the delta is.
CREATE FUNCTION pa_point_running(deltas bigint[], i integer) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE WHEN deltas[i] IS NOT NULL THEN (SELECT sum(d) FROM unnest(deltas[1:i]) AS d)::bigint END
$fn$;

-- The stored segments for the function below (a view reads its tables as its owner, migration 014).
CREATE VIEW pa_read.process_segments AS SELECT * FROM public.process_segments;
CREATE VIEW pa_read.process_strings AS SELECT * FROM public.process_strings;

-- The raw rows at exactly `at`, heap ∪ segments: process_samples_between(at, at + 1 µs)'s rows, each
-- segment decoded at one sample. Runs as its caller and is inlined (as process_samples_between), so a
-- caller's `machine_id = …` reaches both indexes; the segments' hour and span prune as in 014.
CREATE FUNCTION pa_read.process_samples_at(at timestamptz)
RETURNS SETOF public.process_samples
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT p.* FROM pa_read.process_samples_heap p
  WHERE p.ts >= at AND p.ts < at + interval '1 microsecond' AND p.machine_id NOT IN (SELECT pa_read.stale_machines())
  UNION ALL
  SELECT at, s.machine_id, s.pid, s.ppid, s.name, s.username, c.value,
         CASE WHEN s.ts_base_us IS NULL THEN s.cpu_pct[x.i] WHEN s.cpu_raw IS NOT NULL THEN s.cpu_raw[x.i]
              ELSE pa_point_scaled(s.cpu_k_base, s.cpu_divisor, s.cpu_k_planes, s.samples, x.i) END,
         CASE WHEN s.ts_base_us IS NULL THEN s.mem_pct[x.i] WHEN s.mem_raw IS NOT NULL THEN s.mem_raw[x.i]
              ELSE pa_point_scaled(s.mem_k_base, s.mem_divisor, s.mem_k_planes, s.samples, x.i) END,
         CASE WHEN s.ts_base_us IS NOT NULL THEN pa_point_ints(s.rss_base, s.rss_unit, s.rss_planes, s.samples, x.i)
              ELSE pa_point_running(s.rss_delta, x.i) END,
         CASE WHEN s.ts_base_us IS NOT NULL THEN pa_point_ints(s.vms_base, s.vms_unit, s.vms_planes, s.samples, x.i)
              ELSE pa_point_running(s.vms_delta, x.i) END,
         CASE WHEN s.ts_base_us IS NOT NULL THEN pa_point_ints(s.threads_base, 1, s.threads_planes, s.samples, x.i)::integer
              ELSE s.threads[x.i] END,
         s.state[x.i],
         CASE WHEN s.ts_base_us IS NOT NULL THEN pa_point_ints(s.io_read_base, 1, s.io_read_planes, s.samples, x.i)
              ELSE pa_point_running(s.io_read_delta, x.i) END,
         CASE WHEN s.ts_base_us IS NOT NULL THEN pa_point_ints(s.io_write_base, 1, s.io_write_planes, s.samples, x.i)
              ELSE pa_point_running(s.io_write_delta, x.i) END,
         s.start_time
  FROM pa_read.process_segments s
  LEFT JOIN pa_read.process_strings c ON c.id = s.cmdline_id
  CROSS JOIN LATERAL (
    SELECT CASE WHEN s.ts_base_us IS NOT NULL THEN pa_point_index(s.hour, s.ts_base_us, s.ts_step_us, s.ts_planes, s.samples, at)
                ELSE array_position(pa_decode_running_times(s.hour, s.ts_delta_us), at) END AS i
    OFFSET 0
  ) x
  WHERE s.hour > at - interval '1 hour' AND s.hour < at + interval '1 microsecond'
    AND s.ts_last >= at AND s.ts_first < at + interval '1 microsecond' AND x.i IS NOT NULL
    AND s.machine_id NOT IN (SELECT pa_read.stale_machines())
$fn$;

-- Measured on the test stack (one node; one machine, 100 processes × 360 samples an hour at 10 s,
-- 2,400 segments, and the same rows as a heap day; the instant at sample 186 of 360; a prepared
-- statement, least of 15 runs through psql, load 3): compressed 40 ms against 189 ms through
-- process_samples_between, heap 2.0 ms against 1.7–1.9 ms. Tried and dropped: the helpers as
-- inlinable SETOF functions (the compressed instant 27 ms, but ~4 ms more planning on every
-- statement, heap 5.5 ms); one function call per segment returning every column (heap 1.05 ms, but
-- its plan's executor start-up on every call: compressed 62–120 ms); all seven sums in one unnest of
-- 56 slices (compressed 42 ms, heap 2.8 ms).
