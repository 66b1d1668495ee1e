-- The second segment format (docs/lifecycle.md, "The segment"): the same rows, about half the bytes.
-- lz4 finds repeats but does no entropy coding, so an int8 delta of 20 significant bits still takes
-- about 3 of its 8 bytes, and a float8 of 2 decimals all 8. Here every per-sample value becomes a
-- small integer and is stored in as many bytes as the segment needs:
--   * time: the first sample's microseconds since `hour` (`ts_base_us`), the step to the second
--     (`ts_step_us`), and in `ts_planes` (below) how far each step differs from it: NULL for a
--     steady interval, whatever the interval, so a regular segment's times take no bytes at all.
--   * integers (memory, counters, threads): the first value of the segment (`*_base`), then
--     the difference to the previous non-NULL sample, zigzag-encoded (sign in the low bit) and split
--     into byte planes (`*_planes "char"[]`: every sample's low byte, then every sample's second
--     byte, ... as many planes as the segment's largest difference needs; a plane of zeros or of one
--     repeated byte is what lz4 removes). rss and vms are divided by `*_unit` (4096, the page size,
--     when every value of the segment is a multiple of it). NULL planes: every sample equals the base.
--   * floats (cpu, mem): k / divisor with divisor 10^s (s = 0..6) when EVERY value of the segment is
--     bit for bit that IEEE quotient (int8 -> float8 and the division are exact/correctly rounded,
--     so k / 10^s gives the bits of the decimal the collector rounded to); `*_k_*` as above. A
--     segment with any other value (-0, NaN, Infinity, subnormals, more decimals) keeps its floats as
--     they are, in `*_raw double precision[]`.
-- Segments written before this migration keep the first format (the arrays of migration 012) and
-- are decoded by it; a late row into such an hour rewrites the hour in this format.

ALTER TABLE process_segments
  ALTER COLUMN ts_delta_us DROP NOT NULL, ALTER COLUMN cpu_pct DROP NOT NULL, ALTER COLUMN mem_pct DROP NOT NULL,
  ALTER COLUMN rss_delta DROP NOT NULL, ALTER COLUMN vms_delta DROP NOT NULL, ALTER COLUMN threads DROP NOT NULL,
  ALTER COLUMN io_read_delta DROP NOT NULL, ALTER COLUMN io_write_delta DROP NOT NULL,
  ADD COLUMN ts_base_us      bigint,
  ADD COLUMN ts_step_us      bigint,
  ADD COLUMN ts_planes       "char"[]           COMPRESSION lz4,
  ADD COLUMN cpu_divisor     double precision,
  ADD COLUMN cpu_k_base      bigint,
  ADD COLUMN cpu_k_planes    "char"[]           COMPRESSION lz4,
  ADD COLUMN cpu_raw         double precision[] COMPRESSION lz4,
  ADD COLUMN mem_divisor     double precision,
  ADD COLUMN mem_k_base      bigint,
  ADD COLUMN mem_k_planes    "char"[]           COMPRESSION lz4,
  ADD COLUMN mem_raw         double precision[] COMPRESSION lz4,
  ADD COLUMN rss_unit        bigint,
  ADD COLUMN rss_base        bigint,
  ADD COLUMN rss_planes      "char"[]           COMPRESSION lz4,
  ADD COLUMN vms_unit        bigint,
  ADD COLUMN vms_base        bigint,
  ADD COLUMN vms_planes      "char"[]           COMPRESSION lz4,
  ADD COLUMN threads_base    bigint,
  ADD COLUMN threads_planes  "char"[]           COMPRESSION lz4,
  ADD COLUMN io_read_base    bigint,
  ADD COLUMN io_read_planes  "char"[]           COMPRESSION lz4,
  ADD COLUMN io_write_base   bigint,
  ADD COLUMN io_write_planes "char"[]           COMPRESSION lz4,
  ADD CONSTRAINT process_segments_one_format CHECK ((ts_delta_us IS NULL) <> (ts_base_us IS NULL));

-- Differences (NULL where the sample is NULL) to byte planes: zigzag z = (d << 1) xor (d >> 63),
-- then byte p of every z for p = 0 .. k-1, k the bytes of the largest z (1 at least when a NULL
-- must be marked). NULL when every difference is 0 (a constant): nothing to store.
CREATE FUNCTION pa_encode_planes(deltas bigint[]) RETURNS "char"[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  WITH z AS (
    SELECT u.o, CASE WHEN u.d IS NOT NULL THEN (u.d << 1) # (u.d >> 63) END AS z
    FROM unnest(deltas) WITH ORDINALITY AS u(d, o)
  ), width AS (
    SELECT max(CASE WHEN z IS NULL THEN 1 WHEN z < 0 THEN 8 WHEN z = 0 THEN 0 WHEN z < 256 THEN 1 WHEN z < 65536 THEN 2
                    WHEN z < 16777216 THEN 3 WHEN z < 4294967296 THEN 4 WHEN z < 1099511627776 THEN 5
                    WHEN z < 281474976710656 THEN 6 WHEN z < 72057594037927936 THEN 7 ELSE 8 END) AS k
    FROM z
  )
  -- a byte b is stored as the "char" b - 128 (a "char" casts to and from integers -128..127)
  SELECT array_agg(CASE WHEN z.z IS NOT NULL THEN ((((z.z >> (8 * p)) & 255) - 128)::integer)::"char" END ORDER BY p, z.o)
  FROM width, generate_series(0, width.k - 1) AS p, z
$fn$;

-- Byte planes of n samples back to the differences (NULL where a NULL was marked). Called once per
-- segment and column; the slices past the segment's planes are empty (unnest pads them with NULL).
CREATE FUNCTION pa_decode_planes(planes "char"[], n integer) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  -- z's bytes put together, then zigzag undone: (z >>> 1) xor -(z & 1); z & 1 is b0's low bit
  SELECT array_agg(CASE WHEN u.b0 IS NOT NULL THEN
           ((((u.b0::integer + 128)::bigint
             | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)
             | coalesce((u.b3::integer + 128)::bigint << 24, 0) | coalesce((u.b4::integer + 128)::bigint << 32, 0)
             | coalesce((u.b5::integer + 128)::bigint << 40, 0) | coalesce((u.b6::integer + 128)::bigint << 48, 0)
             | coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
           # -((u.b0::integer + 128) & 1)::bigint END ORDER BY u.o)
  FROM unnest(planes[1:n], planes[n + 1:2 * n], planes[2 * n + 1:3 * n], planes[3 * n + 1:4 * n],
              planes[4 * n + 1:5 * n], planes[5 * n + 1:6 * n], planes[6 * n + 1:7 * n], planes[7 * n + 1:8 * n])
       WITH ORDINALITY AS u(b0, b1, b2, b3, b4, b5, b6, b7, o)
$fn$;

-- A segment of the second format back to rows. Like pa_decode_segment (migration 013) a single
-- SELECT, inlined by the planner; value = base + running sum of the differences (sum() skips NULLs,
-- so a NULL sample keeps the running value of those that had one).
CREATE FUNCTION pa_decode_segment_narrow(
  hour timestamptz, samples integer, ts_base_us bigint, ts_step_us bigint, ts_planes "char"[],
  cpu_divisor double precision, cpu_k_base bigint, cpu_k_planes "char"[], cpu_raw double precision[],
  mem_divisor double precision, mem_k_base bigint, mem_k_planes "char"[], mem_raw double precision[],
  rss_unit bigint, rss_base bigint, rss_planes "char"[], vms_unit bigint, vms_base bigint, vms_planes "char"[],
  threads_base bigint, threads_planes "char"[], state text[],
  io_read_base bigint, io_read_planes "char"[], io_write_base bigint, io_write_planes "char"[])
RETURNS TABLE (ts timestamptz, cpu_pct double precision, mem_pct double precision, rss_bytes bigint,
               vms_bytes bigint, threads integer, state text, io_read_bytes bigint, io_write_bytes bigint)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT hour + interval '1 microsecond' * (ts_base_us + (u.o - 1) * ts_step_us + coalesce(sum(u.dts) OVER w, 0))::float8,
         coalesce(u.cpu, (cpu_k_base + coalesce(sum(u.dcpu) OVER w, 0))::bigint::float8 / cpu_divisor),
         coalesce(u.mem, (mem_k_base + coalesce(sum(u.dmem) OVER w, 0))::bigint::float8 / mem_divisor),
         (rss_base + coalesce(sum(u.drss) OVER w, 0))::bigint * rss_unit,
         CASE WHEN vms_planes IS NULL OR u.dvms IS NOT NULL THEN (vms_base + coalesce(sum(u.dvms) OVER w, 0))::bigint * vms_unit END,
         CASE WHEN threads_planes IS NULL OR u.dthr IS NOT NULL THEN (threads_base + coalesce(sum(u.dthr) OVER w, 0))::integer END,
         u.st,
         CASE WHEN io_read_planes IS NULL OR u.dior IS NOT NULL THEN (io_read_base + coalesce(sum(u.dior) OVER w, 0))::bigint END,
         CASE WHEN io_write_planes IS NULL OR u.diow IS NOT NULL THEN (io_write_base + coalesce(sum(u.diow) OVER w, 0))::bigint END
  FROM unnest(pa_decode_planes(ts_planes, samples), cpu_raw, pa_decode_planes(cpu_k_planes, samples), mem_raw,
              pa_decode_planes(mem_k_planes, samples), pa_decode_planes(rss_planes, samples),
              pa_decode_planes(vms_planes, samples), pa_decode_planes(threads_planes, samples), state,
              pa_decode_planes(io_read_planes, samples), pa_decode_planes(io_write_planes, samples))
       WITH ORDINALITY AS u(dts, cpu, dcpu, mem, dmem, drss, dvms, dthr, st, dior, diow, o)
  WINDOW w AS (ORDER BY u.o ROWS UNBOUNDED PRECEDING)
$fn$;

-- Every compressed sample as a row, whichever format its segment has (same columns as migration 013).
CREATE OR REPLACE VIEW process_segment_rows AS
SELECT s.hour, s.ts_first AS segment_first, s.ts_last AS segment_last, d.ts, s.machine_id, s.pid, s.ppid, s.name, s.username, c.value AS cmdline, d.cpu_pct, d.mem_pct,
       d.rss_bytes, d.vms_bytes, d.threads, d.state, d.io_read_bytes, d.io_write_bytes, s.start_time
FROM process_segments s
LEFT JOIN process_strings c ON c.id = s.cmdline_id
CROSS JOIN LATERAL (
  SELECT * FROM pa_decode_segment_narrow(s.hour, s.samples, s.ts_base_us, s.ts_step_us, s.ts_planes, s.cpu_divisor, s.cpu_k_base, s.cpu_k_planes,
    s.cpu_raw, s.mem_divisor, s.mem_k_base, s.mem_k_planes, s.mem_raw, s.rss_unit, s.rss_base, s.rss_planes, s.vms_unit,
    s.vms_base, s.vms_planes, s.threads_base, s.threads_planes, s.state, s.io_read_base, s.io_read_planes, s.io_write_base,
    s.io_write_planes) WHERE s.ts_base_us IS NOT NULL
  UNION ALL
  SELECT * FROM pa_decode_segment(s.hour, s.ts_delta_us, s.cpu_pct, s.mem_pct, s.rss_delta, s.vms_delta,
                                  s.threads, s.state, s.io_read_delta, s.io_write_delta) WHERE s.ts_base_us IS NULL
) d;
