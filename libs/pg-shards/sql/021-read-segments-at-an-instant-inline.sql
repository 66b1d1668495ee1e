-- The point read of migration 020 (pa_read.process_samples_at), same rows, without a function call
-- per segment and column. Profiled on one node (bench item 10's shape: one machine, 100 processes,
-- an hour of 300 samples at 10 s, the instant at sample 61; 2026-12-02, load 15-17, medians of 15
-- interleaved runs): 020's statement spent 72 ms executing and 8 ms planning over the compressed
-- day (0.8 ms and 7 ms over the same day as heap). Of the 72 ms, most was the executor start-up of
-- pa_point_sum and pa_point_index, SQL functions that cannot be inlined (their bodies hold
-- sub-SELECTs): ~450 calls a snapshot. Here the same expressions stand in the query itself: the
-- sample's index as a scalar subquery, each column's sum as a CASE on its width (bytes per sample)
-- of sub-SELECTs over the slices, the SRFs in the select list (ProjectSet streams them; unnest in
-- FROM put every element through a tuplestore). Executing: 22 ms against 72 ms.
--
-- The price is planning (28 small sub-plans): 20 ms against 8 ms, paid by heap reads too. The
-- query API's snapshot statement is therefore a named statement with a generic plan
-- (machines.repository.ts), planned once per connection: measured as that statement, p50 over
-- the compressed day 28 ms against 83 ms (020), over the heap day 6.7 ms against 5.9 ms.
--
-- The expressions are 020's (and so migration 015's decoders'): same types, same casts, so every
-- float and byte is the one the full decoder gives; apps/lifecycle/src/compress/point-read.integration-spec.ts
-- compares them instant by instant. Widths 4 to 8 share the 8-slice form: a slice past the
-- segment's planes is empty, unnest pads it with NULL, coalesce(NULL, 0) as in pa_decode_planes.
-- The helpers of 020 stay (pa_point_running reads the first segment format, rare).

CREATE OR REPLACE FUNCTION pa_read.process_samples_at(at timestamptz)
RETURNS SETOF public.process_samples
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT p.* FROM pa_read.process_samples_heap p
  WHERE p.ts >= at AND p.ts < at + interval '1 microsecond' AND p.machine_id NOT IN (SELECT pa_read.stale_machines())
  UNION ALL
  SELECT at, s.machine_id, s.pid, s.ppid, s.name, s.username, c.value,
         CASE WHEN s.ts_base_us IS NULL THEN s.cpu_pct[x.i] WHEN s.cpu_raw IS NOT NULL THEN s.cpu_raw[x.i]
              WHEN s.cpu_k_planes IS NULL THEN s.cpu_k_base::float8 / s.cpu_divisor
              ELSE (s.cpu_k_base + coalesce(
           CASE cardinality(s.cpu_k_planes) / s.samples
             WHEN 1 THEN (SELECT sum(((((u.b0::integer + 128)::bigint) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.cpu_k_planes[1:x.i]) AS b0) u)
             WHEN 2 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.cpu_k_planes[1:x.i]) AS b0, unnest(s.cpu_k_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1) u)
             WHEN 3 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.cpu_k_planes[1:x.i]) AS b0, unnest(s.cpu_k_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.cpu_k_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2) u)
             ELSE (SELECT sum(((((u.b0::integer + 128)::bigint |
                      coalesce((u.b1::integer + 128)::bigint << 8, 0) |
                      coalesce((u.b2::integer + 128)::bigint << 16, 0) |
                      coalesce((u.b3::integer + 128)::bigint << 24, 0) |
                      coalesce((u.b4::integer + 128)::bigint << 32, 0) |
                      coalesce((u.b5::integer + 128)::bigint << 40, 0) |
                      coalesce((u.b6::integer + 128)::bigint << 48, 0) |
                      coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.cpu_k_planes[1:x.i]) AS b0, unnest(s.cpu_k_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.cpu_k_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2, unnest(s.cpu_k_planes[3 * s.samples + 1:3 * s.samples + x.i]) AS b3, unnest(s.cpu_k_planes[4 * s.samples + 1:4 * s.samples + x.i]) AS b4, unnest(s.cpu_k_planes[5 * s.samples + 1:5 * s.samples + x.i]) AS b5, unnest(s.cpu_k_planes[6 * s.samples + 1:6 * s.samples + x.i]) AS b6, unnest(s.cpu_k_planes[7 * s.samples + 1:7 * s.samples + x.i]) AS b7) u) END, 0))::bigint::float8 / s.cpu_divisor END,
         CASE WHEN s.ts_base_us IS NULL THEN s.mem_pct[x.i] WHEN s.mem_raw IS NOT NULL THEN s.mem_raw[x.i]
              WHEN s.mem_k_planes IS NULL THEN s.mem_k_base::float8 / s.mem_divisor
              ELSE (s.mem_k_base + coalesce(
           CASE cardinality(s.mem_k_planes) / s.samples
             WHEN 1 THEN (SELECT sum(((((u.b0::integer + 128)::bigint) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.mem_k_planes[1:x.i]) AS b0) u)
             WHEN 2 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.mem_k_planes[1:x.i]) AS b0, unnest(s.mem_k_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1) u)
             WHEN 3 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.mem_k_planes[1:x.i]) AS b0, unnest(s.mem_k_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.mem_k_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2) u)
             ELSE (SELECT sum(((((u.b0::integer + 128)::bigint |
                      coalesce((u.b1::integer + 128)::bigint << 8, 0) |
                      coalesce((u.b2::integer + 128)::bigint << 16, 0) |
                      coalesce((u.b3::integer + 128)::bigint << 24, 0) |
                      coalesce((u.b4::integer + 128)::bigint << 32, 0) |
                      coalesce((u.b5::integer + 128)::bigint << 40, 0) |
                      coalesce((u.b6::integer + 128)::bigint << 48, 0) |
                      coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.mem_k_planes[1:x.i]) AS b0, unnest(s.mem_k_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.mem_k_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2, unnest(s.mem_k_planes[3 * s.samples + 1:3 * s.samples + x.i]) AS b3, unnest(s.mem_k_planes[4 * s.samples + 1:4 * s.samples + x.i]) AS b4, unnest(s.mem_k_planes[5 * s.samples + 1:5 * s.samples + x.i]) AS b5, unnest(s.mem_k_planes[6 * s.samples + 1:6 * s.samples + x.i]) AS b6, unnest(s.mem_k_planes[7 * s.samples + 1:7 * s.samples + x.i]) AS b7) u) END, 0))::bigint::float8 / s.mem_divisor END,
         CASE WHEN s.ts_base_us IS NULL THEN pa_point_running(s.rss_delta, x.i)
              WHEN s.rss_planes IS NULL THEN s.rss_base * s.rss_unit
              WHEN s.rss_planes[x.i] IS NOT NULL THEN (s.rss_base + 
           CASE cardinality(s.rss_planes) / s.samples
             WHEN 1 THEN (SELECT sum(((((u.b0::integer + 128)::bigint) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.rss_planes[1:x.i]) AS b0) u)
             WHEN 2 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.rss_planes[1:x.i]) AS b0, unnest(s.rss_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1) u)
             WHEN 3 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.rss_planes[1:x.i]) AS b0, unnest(s.rss_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.rss_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2) u)
             ELSE (SELECT sum(((((u.b0::integer + 128)::bigint |
                      coalesce((u.b1::integer + 128)::bigint << 8, 0) |
                      coalesce((u.b2::integer + 128)::bigint << 16, 0) |
                      coalesce((u.b3::integer + 128)::bigint << 24, 0) |
                      coalesce((u.b4::integer + 128)::bigint << 32, 0) |
                      coalesce((u.b5::integer + 128)::bigint << 40, 0) |
                      coalesce((u.b6::integer + 128)::bigint << 48, 0) |
                      coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.rss_planes[1:x.i]) AS b0, unnest(s.rss_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.rss_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2, unnest(s.rss_planes[3 * s.samples + 1:3 * s.samples + x.i]) AS b3, unnest(s.rss_planes[4 * s.samples + 1:4 * s.samples + x.i]) AS b4, unnest(s.rss_planes[5 * s.samples + 1:5 * s.samples + x.i]) AS b5, unnest(s.rss_planes[6 * s.samples + 1:6 * s.samples + x.i]) AS b6, unnest(s.rss_planes[7 * s.samples + 1:7 * s.samples + x.i]) AS b7) u) END)::bigint * s.rss_unit END,
         CASE WHEN s.ts_base_us IS NULL THEN pa_point_running(s.vms_delta, x.i)
              WHEN s.vms_planes IS NULL THEN s.vms_base * s.vms_unit
              WHEN s.vms_planes[x.i] IS NOT NULL THEN (s.vms_base + 
           CASE cardinality(s.vms_planes) / s.samples
             WHEN 1 THEN (SELECT sum(((((u.b0::integer + 128)::bigint) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.vms_planes[1:x.i]) AS b0) u)
             WHEN 2 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.vms_planes[1:x.i]) AS b0, unnest(s.vms_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1) u)
             WHEN 3 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.vms_planes[1:x.i]) AS b0, unnest(s.vms_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.vms_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2) u)
             ELSE (SELECT sum(((((u.b0::integer + 128)::bigint |
                      coalesce((u.b1::integer + 128)::bigint << 8, 0) |
                      coalesce((u.b2::integer + 128)::bigint << 16, 0) |
                      coalesce((u.b3::integer + 128)::bigint << 24, 0) |
                      coalesce((u.b4::integer + 128)::bigint << 32, 0) |
                      coalesce((u.b5::integer + 128)::bigint << 40, 0) |
                      coalesce((u.b6::integer + 128)::bigint << 48, 0) |
                      coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.vms_planes[1:x.i]) AS b0, unnest(s.vms_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.vms_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2, unnest(s.vms_planes[3 * s.samples + 1:3 * s.samples + x.i]) AS b3, unnest(s.vms_planes[4 * s.samples + 1:4 * s.samples + x.i]) AS b4, unnest(s.vms_planes[5 * s.samples + 1:5 * s.samples + x.i]) AS b5, unnest(s.vms_planes[6 * s.samples + 1:6 * s.samples + x.i]) AS b6, unnest(s.vms_planes[7 * s.samples + 1:7 * s.samples + x.i]) AS b7) u) END)::bigint * s.vms_unit END,
         CASE WHEN s.ts_base_us IS NULL THEN s.threads[x.i]
              WHEN s.threads_planes IS NULL THEN (s.threads_base * 1)::integer
              WHEN s.threads_planes[x.i] IS NOT NULL THEN ((s.threads_base + 
           CASE cardinality(s.threads_planes) / s.samples
             WHEN 1 THEN (SELECT sum(((((u.b0::integer + 128)::bigint) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.threads_planes[1:x.i]) AS b0) u)
             WHEN 2 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.threads_planes[1:x.i]) AS b0, unnest(s.threads_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1) u)
             WHEN 3 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.threads_planes[1:x.i]) AS b0, unnest(s.threads_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.threads_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2) u)
             ELSE (SELECT sum(((((u.b0::integer + 128)::bigint |
                      coalesce((u.b1::integer + 128)::bigint << 8, 0) |
                      coalesce((u.b2::integer + 128)::bigint << 16, 0) |
                      coalesce((u.b3::integer + 128)::bigint << 24, 0) |
                      coalesce((u.b4::integer + 128)::bigint << 32, 0) |
                      coalesce((u.b5::integer + 128)::bigint << 40, 0) |
                      coalesce((u.b6::integer + 128)::bigint << 48, 0) |
                      coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.threads_planes[1:x.i]) AS b0, unnest(s.threads_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.threads_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2, unnest(s.threads_planes[3 * s.samples + 1:3 * s.samples + x.i]) AS b3, unnest(s.threads_planes[4 * s.samples + 1:4 * s.samples + x.i]) AS b4, unnest(s.threads_planes[5 * s.samples + 1:5 * s.samples + x.i]) AS b5, unnest(s.threads_planes[6 * s.samples + 1:6 * s.samples + x.i]) AS b6, unnest(s.threads_planes[7 * s.samples + 1:7 * s.samples + x.i]) AS b7) u) END)::bigint * 1)::integer END,
         s.state[x.i],
         CASE WHEN s.ts_base_us IS NULL THEN pa_point_running(s.io_read_delta, x.i)
              WHEN s.io_read_planes IS NULL THEN s.io_read_base * 1
              WHEN s.io_read_planes[x.i] IS NOT NULL THEN (s.io_read_base + 
           CASE cardinality(s.io_read_planes) / s.samples
             WHEN 1 THEN (SELECT sum(((((u.b0::integer + 128)::bigint) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.io_read_planes[1:x.i]) AS b0) u)
             WHEN 2 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.io_read_planes[1:x.i]) AS b0, unnest(s.io_read_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1) u)
             WHEN 3 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.io_read_planes[1:x.i]) AS b0, unnest(s.io_read_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.io_read_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2) u)
             ELSE (SELECT sum(((((u.b0::integer + 128)::bigint |
                      coalesce((u.b1::integer + 128)::bigint << 8, 0) |
                      coalesce((u.b2::integer + 128)::bigint << 16, 0) |
                      coalesce((u.b3::integer + 128)::bigint << 24, 0) |
                      coalesce((u.b4::integer + 128)::bigint << 32, 0) |
                      coalesce((u.b5::integer + 128)::bigint << 40, 0) |
                      coalesce((u.b6::integer + 128)::bigint << 48, 0) |
                      coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.io_read_planes[1:x.i]) AS b0, unnest(s.io_read_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.io_read_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2, unnest(s.io_read_planes[3 * s.samples + 1:3 * s.samples + x.i]) AS b3, unnest(s.io_read_planes[4 * s.samples + 1:4 * s.samples + x.i]) AS b4, unnest(s.io_read_planes[5 * s.samples + 1:5 * s.samples + x.i]) AS b5, unnest(s.io_read_planes[6 * s.samples + 1:6 * s.samples + x.i]) AS b6, unnest(s.io_read_planes[7 * s.samples + 1:7 * s.samples + x.i]) AS b7) u) END)::bigint * 1 END,
         CASE WHEN s.ts_base_us IS NULL THEN pa_point_running(s.io_write_delta, x.i)
              WHEN s.io_write_planes IS NULL THEN s.io_write_base * 1
              WHEN s.io_write_planes[x.i] IS NOT NULL THEN (s.io_write_base + 
           CASE cardinality(s.io_write_planes) / s.samples
             WHEN 1 THEN (SELECT sum(((((u.b0::integer + 128)::bigint) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.io_write_planes[1:x.i]) AS b0) u)
             WHEN 2 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.io_write_planes[1:x.i]) AS b0, unnest(s.io_write_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1) u)
             WHEN 3 THEN (SELECT sum(((((u.b0::integer + 128)::bigint | coalesce((u.b1::integer + 128)::bigint << 8, 0) | coalesce((u.b2::integer + 128)::bigint << 16, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.io_write_planes[1:x.i]) AS b0, unnest(s.io_write_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.io_write_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2) u)
             ELSE (SELECT sum(((((u.b0::integer + 128)::bigint |
                      coalesce((u.b1::integer + 128)::bigint << 8, 0) |
                      coalesce((u.b2::integer + 128)::bigint << 16, 0) |
                      coalesce((u.b3::integer + 128)::bigint << 24, 0) |
                      coalesce((u.b4::integer + 128)::bigint << 32, 0) |
                      coalesce((u.b5::integer + 128)::bigint << 40, 0) |
                      coalesce((u.b6::integer + 128)::bigint << 48, 0) |
                      coalesce((u.b7::integer + 128)::bigint << 56, 0)) >> 1) & 9223372036854775807)
                    # -((u.b0::integer + 128) & 1)::bigint)
                  FROM (SELECT unnest(s.io_write_planes[1:x.i]) AS b0, unnest(s.io_write_planes[1 * s.samples + 1:1 * s.samples + x.i]) AS b1, unnest(s.io_write_planes[2 * s.samples + 1:2 * s.samples + x.i]) AS b2, unnest(s.io_write_planes[3 * s.samples + 1:3 * s.samples + x.i]) AS b3, unnest(s.io_write_planes[4 * s.samples + 1:4 * s.samples + x.i]) AS b4, unnest(s.io_write_planes[5 * s.samples + 1:5 * s.samples + x.i]) AS b5, unnest(s.io_write_planes[6 * s.samples + 1:6 * s.samples + x.i]) AS b6, unnest(s.io_write_planes[7 * s.samples + 1:7 * s.samples + x.i]) AS b7) u) END)::bigint * 1 END,
         s.start_time
  FROM pa_read.process_segments s
  LEFT JOIN pa_read.process_strings c ON c.id = s.cmdline_id
  -- the sample at `at`: pa_point_index's expression (a steady interval: arithmetic, checked with
  -- pa_decode_times' own expression), or the decoded time column searched
  CROSS JOIN LATERAL (
    SELECT CASE WHEN s.ts_base_us IS NULL THEN array_position(pa_decode_running_times(s.hour, s.ts_delta_us), at)
                WHEN s.ts_planes IS NOT NULL THEN array_position(pa_decode_times(s.hour, s.ts_base_us, s.ts_step_us, s.ts_planes, s.samples), at)
                ELSE (SELECT k.k::integer FROM (
                        SELECT CASE WHEN s.ts_step_us = 0 THEN 1::bigint ELSE (o.off - s.ts_base_us) / s.ts_step_us + 1 END AS k
                        FROM (SELECT (extract(epoch FROM at - s.hour) * 1000000)::bigint AS off) o) k
                      WHERE k.k BETWEEN 1 AND s.samples
                        AND s.hour + interval '1 microsecond' * (s.ts_base_us + (k.k - 1) * s.ts_step_us)::float8 = at) END AS i
    OFFSET 0
  ) x
  WHERE s.hour > at - interval '1 hour' AND s.hour < at + interval '1 microsecond'
    AND s.ts_last >= at AND s.ts_first < at + interval '1 microsecond' AND x.i IS NOT NULL
    AND s.machine_id NOT IN (SELECT pa_read.stale_machines())
$fn$;
