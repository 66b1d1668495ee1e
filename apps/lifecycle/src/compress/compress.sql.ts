// The SQL of sealing a day (docs/lifecycle.md, "Compressing a day"). Every statement runs in ONE
// REPEATABLE READ transaction: the rows read, rewritten, verified and deleted are exactly the rows
// of one snapshot, so late rows a writer commits meanwhile stay in the heap for the next merge.

/** The columns of process_samples, in table order: what a row of any form is compared on. */
const ROW_TEXT = (a: string) => `ROW(${a}.ts, ${a}.machine_id, ${a}.pid, ${a}.ppid, ${a}.name, ${a}.username, ${a}.cmdline,
  ${a}.cpu_pct, ${a}.mem_pct, ${a}.rss_bytes, ${a}.vms_bytes, ${a}.threads, ${a}.state, ${a}.io_read_bytes,
  ${a}.io_write_bytes, ${a}.start_time)::text`;

/**
 * Order-independent checksum of a set of rows: the sum of a 64-bit hash of each row's text.
 * float8 text is the shortest exact form (extra_float_digits ≥ 1), so a flipped bit changes it.
 */
export const CHECKSUM = (a: string) => `sum(hashtextextended(${ROW_TEXT(a)}, 0)::numeric)`;

export const BEGIN = 'BEGIN ISOLATION LEVEL REPEATABLE READ';

/** What makes a segment: one process of one machine in one hour, with the attributes constant in it. */
const SEGMENT_KEY = 's.machine_id, s.hour, s.pid, s.ppid, s.name, s.username, s.cmdline, s.start_time';
const ROW_ORDER = 's.ts, s.cpu_pct, s.mem_pct, s.rss_bytes, s.vms_bytes, s.threads, s.state, s.io_read_bytes, s.io_write_bytes';

/** The largest scale tried for decimal floats (x = k / 10^s): cpu has 2 decimals, mem 4 (the collector's rounding). */
const MAX_DECIMALS = 6;
/** |x| below this: x * 10^6 stays below 2^50, so round(x * 10^s) is the exact k of any s tried. */
const SCALABLE_MAGNITUDE = '1e9';

/** True unless x is -0 (which equals 0 but is another value: it must not become the integer 0). */
const isNotNegativeZero = (x: string) => `(${x} <> 0 OR float8send(${x}) = '\\x0000000000000000'::bytea)`;

/**
 * The fewest decimals s (0..6) with x = round(x * 10^s) / 10^s bit for bit (IEEE: the division is
 * correctly rounded, so this is the float nearest k / 10^s); NULL for a value no scale gives back
 * (-0, NaN, infinities, subnormals, more decimals, huge magnitudes): its segment keeps raw floats.
 */
const decimalsOf = (x: string) => `CASE WHEN NOT (${x} > -${SCALABLE_MAGNITUDE} AND ${x} < ${SCALABLE_MAGNITUDE}) OR NOT ${isNotNegativeZero(x)} THEN NULL
  ${Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => `WHEN round(${x} * 1e${d}::float8) / 1e${d}::float8 = ${x} THEN ${d}`).join(' ')} END`;

/** 10^s as the exact float8 (parsed, not computed). */
const divisorOf = (decimals: string) => `(ARRAY[${Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => `1e${d}`).join(', ')}]::float8[])[${decimals} + 1]`;

/** Difference of q to its previous non-NULL value in the segment, 0 for the first (NULL stays NULL). */
const deltaOf = (q: string, column: string) =>
  `${q} - coalesce(lag(${q}) OVER (PARTITION BY ${SEGMENT_KEY}, s.${column} IS NULL ORDER BY s.n), ${q})`;
/** q of the segment's first non-NULL sample (the base its differences start from). */
const baseOf = (q: string, column: string) =>
  `first_value(${q}) OVER (PARTITION BY ${SEGMENT_KEY}, s.${column} IS NULL ORDER BY s.n)`;

/** Per-transaction settings: exact float text for the checksums; no statement timeout for a whole day. */
export const SETTINGS = `SET LOCAL extra_float_digits = 1; SET LOCAL statement_timeout = 0; SET LOCAL TimeZone = 'UTC'`;

/** What the rewrite saw, per machine and hour, for the verification. */
export const CREATE_EXPECTED = `CREATE TEMP TABLE lc_expected (machine_id text, hour timestamptz, rows bigint, checksum numeric) ON COMMIT DROP`;

/** Command lines of the day into the node's dictionary (once each). */
export const ADD_STRINGS = (partition: string) => `
  INSERT INTO process_strings (digest, value)
  SELECT DISTINCT sha256(convert_to(cmdline, 'UTF8')), cmdline FROM ONLY ${partition} WHERE cmdline IS NOT NULL
  ON CONFLICT (digest) DO NOTHING`;

/**
 * The SQL that decodes segment `alias` of either format into rows (ts, cpu_pct, ... io_write_bytes):
 * the narrow one (migration 015) or the first (migration 012, segments sealed before 015).
 */
export const DECODE_EITHER_FORMAT = (a: string) => `
  SELECT * FROM pa_decode_segment_narrow(${a}.hour, ${a}.samples, ${a}.ts_base_us, ${a}.ts_step_us, ${a}.ts_planes, ${a}.cpu_divisor, ${a}.cpu_k_base,
    ${a}.cpu_k_planes, ${a}.cpu_raw, ${a}.mem_divisor, ${a}.mem_k_base, ${a}.mem_k_planes, ${a}.mem_raw, ${a}.rss_unit, ${a}.rss_base,
    ${a}.rss_planes, ${a}.vms_unit, ${a}.vms_base, ${a}.vms_planes, ${a}.threads_base, ${a}.threads_planes, ${a}.state,
    ${a}.io_read_base, ${a}.io_read_planes, ${a}.io_write_base, ${a}.io_write_planes) WHERE ${a}.ts_base_us IS NOT NULL
  UNION ALL
  SELECT * FROM pa_decode_segment(${a}.hour, ${a}.ts_delta_us, ${a}.cpu_pct, ${a}.mem_pct, ${a}.rss_delta, ${a}.vms_delta,
    ${a}.threads, ${a}.state, ${a}.io_read_delta, ${a}.io_write_delta) WHERE ${a}.ts_base_us IS NULL`;

/** Byte planes of a nullable column's differences; none when every sample is NULL (the base is NULL then). */
const planesOfNullable = (base: string, delta: string) =>
  `CASE WHEN min(o.${base}) IS NOT NULL THEN pa_encode_planes(array_agg(o.${delta} ORDER BY o.n)) END`;

/**
 * Rewrites the machine-hours that have heap rows: their existing segments (a merge) are deleted and
 * decoded, joined by the heap rows, and written back as new segments; what went in is counted and
 * checksummed into lc_expected. Returns the numbers of heap rows, old segments and new segments.
 */
export const REWRITE = (partition: string) => `
  WITH heap AS MATERIALIZED (
    SELECT date_trunc('hour', p.ts, 'UTC') AS hour, p.* FROM ONLY ${partition} p
  ), touched AS (
    SELECT DISTINCT machine_id, hour FROM heap
  ), old AS (
    DELETE FROM process_segments s USING touched t WHERE s.machine_id = t.machine_id AND s.hour = t.hour
    RETURNING s.*
  ), src AS (
    SELECT * FROM heap
    UNION ALL
    SELECT o.hour, d.ts, o.machine_id, o.pid, o.ppid, o.name, o.username, c.value, d.cpu_pct, d.mem_pct, d.rss_bytes,
           d.vms_bytes, d.threads, d.state, d.io_read_bytes, d.io_write_bytes, o.start_time
    FROM old o LEFT JOIN process_strings c ON c.id = o.cmdline_id
    CROSS JOIN LATERAL (${DECODE_EITHER_FORMAT('o')}) d
  ), expected AS (
    INSERT INTO lc_expected SELECT s.machine_id, s.hour, count(*), ${CHECKSUM('s')} FROM src s GROUP BY 1, 2
    RETURNING 1
  ), numbered AS (
    -- one order per segment, ties (equal rows) broken once: every delta below follows this n
    SELECT s.*, row_number() OVER (PARTITION BY ${SEGMENT_KEY} ORDER BY ${ROW_ORDER}) AS n,
           ${decimalsOf('s.cpu_pct')} AS cpu_decimals, ${decimalsOf('s.mem_pct')} AS mem_decimals
    FROM src s
  ), scaled AS (
    -- per segment: the unit of rss and vms (the page size when every value is a multiple of it) and
    -- the divisor of cpu and mem (NULL: some value is not a short decimal, the floats stay raw)
    SELECT s.*,
      CASE WHEN bool_and(s.rss_bytes % 4096 = 0) OVER segment THEN 4096 ELSE 1 END AS rss_unit,
      CASE WHEN coalesce(bool_and(s.vms_bytes % 4096 = 0) OVER segment, false) THEN 4096 ELSE 1 END AS vms_unit,
      CASE WHEN bool_and(s.cpu_decimals IS NOT NULL) OVER segment THEN ${divisorOf('max(s.cpu_decimals) OVER segment')} END AS cpu_divisor,
      CASE WHEN bool_and(s.mem_decimals IS NOT NULL) OVER segment THEN ${divisorOf('max(s.mem_decimals) OVER segment')} END AS mem_divisor
    FROM numbered s
    WINDOW segment AS (PARTITION BY ${SEGMENT_KEY})
  ), quantized AS (
    SELECT s.*, round(s.cpu_pct * s.cpu_divisor)::bigint AS cpu_k, round(s.mem_pct * s.mem_divisor)::bigint AS mem_k,
           s.rss_bytes / s.rss_unit AS rss_q, s.vms_bytes / s.vms_unit AS vms_q,
           (extract(epoch FROM s.ts - s.hour) * 1000000)::bigint AS ts_us
    FROM scaled s
  ), ordered AS (
    -- differences to the previous sample of the segment (to the previous non-NULL one for nullable
    -- columns: partitioned by NULL-ness), and the value they start from
    SELECT s.*,
      ${deltaOf('s.ts_us', 'ts')} AS dts, ${baseOf('s.ts_us', 'ts')} AS ts_base,
      ${deltaOf('s.cpu_k', 'cpu_pct')} AS dcpu, ${baseOf('s.cpu_k', 'cpu_pct')} AS cpu_base,
      ${deltaOf('s.mem_k', 'mem_pct')} AS dmem, ${baseOf('s.mem_k', 'mem_pct')} AS mem_base,
      ${deltaOf('s.rss_q', 'rss_bytes')} AS drss, ${baseOf('s.rss_q', 'rss_bytes')} AS rss_base,
      ${deltaOf('s.vms_q', 'vms_bytes')} AS dvms, ${baseOf('s.vms_q', 'vms_bytes')} AS vms_base,
      ${deltaOf('s.threads::bigint', 'threads')} AS dthr, ${baseOf('s.threads::bigint', 'threads')} AS threads_base,
      ${deltaOf('s.io_read_bytes', 'io_read_bytes')} AS dior, ${baseOf('s.io_read_bytes', 'io_read_bytes')} AS io_read_base,
      ${deltaOf('s.io_write_bytes', 'io_write_bytes')} AS diow, ${baseOf('s.io_write_bytes', 'io_write_bytes')} AS io_write_base
    FROM quantized s
  ), checked AS (
    -- the decoder's own arithmetic, once more per segment: any float it would not give back bit for
    -- bit sends the segment's column to raw floats
    SELECT s.*,
      coalesce(bool_and(s.cpu_k::float8 / s.cpu_divisor = s.cpu_pct AND ${isNotNegativeZero('s.cpu_pct')}) OVER segment, false) AS cpu_scaled,
      coalesce(bool_and(s.mem_k::float8 / s.mem_divisor = s.mem_pct AND ${isNotNegativeZero('s.mem_pct')}) OVER segment, false) AS mem_scaled,
      -- the segment's interval: the step from its first sample to its second (0 for one sample)
      coalesce(max(s.dts) FILTER (WHERE s.n = 2) OVER segment, 0) AS ts_step
    FROM ordered s
    WINDOW segment AS (PARTITION BY ${SEGMENT_KEY})
  ), written AS (
    INSERT INTO process_segments (hour, machine_id, pid, ppid, name, username, cmdline_id, start_time,
      samples, ts_first, ts_last, cpu_sum, cpu_min, cpu_max, mem_sum, mem_min, mem_max, rss_sum, rss_min, rss_max,
      state, ts_base_us, ts_step_us, ts_planes, cpu_divisor, cpu_k_base, cpu_k_planes, cpu_raw, mem_divisor, mem_k_base, mem_k_planes, mem_raw,
      rss_unit, rss_base, rss_planes, vms_unit, vms_base, vms_planes, threads_base, threads_planes,
      io_read_base, io_read_planes, io_write_base, io_write_planes)
    SELECT o.hour, o.machine_id, o.pid, o.ppid, o.name, o.username, c.id, o.start_time,
           count(*), min(o.ts), max(o.ts), sum(o.cpu_pct), min(o.cpu_pct), max(o.cpu_pct),
           sum(o.mem_pct), min(o.mem_pct), max(o.mem_pct), sum(o.rss_bytes), min(o.rss_bytes), max(o.rss_bytes),
           array_agg(o.state ORDER BY o.n),
           min(o.ts_base), min(o.ts_step), pa_encode_planes(array_agg(CASE WHEN o.n > 1 THEN o.dts - o.ts_step ELSE 0 END ORDER BY o.n)),
           CASE WHEN bool_and(o.cpu_scaled) THEN min(o.cpu_divisor) END, CASE WHEN bool_and(o.cpu_scaled) THEN min(o.cpu_base) END,
           CASE WHEN bool_and(o.cpu_scaled) THEN pa_encode_planes(array_agg(o.dcpu ORDER BY o.n)) END,
           CASE WHEN NOT bool_and(o.cpu_scaled) THEN array_agg(o.cpu_pct ORDER BY o.n) END,
           CASE WHEN bool_and(o.mem_scaled) THEN min(o.mem_divisor) END, CASE WHEN bool_and(o.mem_scaled) THEN min(o.mem_base) END,
           CASE WHEN bool_and(o.mem_scaled) THEN pa_encode_planes(array_agg(o.dmem ORDER BY o.n)) END,
           CASE WHEN NOT bool_and(o.mem_scaled) THEN array_agg(o.mem_pct ORDER BY o.n) END,
           min(o.rss_unit), min(o.rss_base), pa_encode_planes(array_agg(o.drss ORDER BY o.n)),
           min(o.vms_unit), min(o.vms_base), ${planesOfNullable('vms_base', 'dvms')},
           min(o.threads_base), ${planesOfNullable('threads_base', 'dthr')},
           min(o.io_read_base), ${planesOfNullable('io_read_base', 'dior')},
           min(o.io_write_base), ${planesOfNullable('io_write_base', 'diow')}
    FROM checked o
    LEFT JOIN process_strings c ON o.cmdline IS NOT NULL AND c.digest = sha256(convert_to(o.cmdline, 'UTF8'))
    GROUP BY o.hour, o.machine_id, o.pid, o.ppid, o.name, o.username, o.cmdline, c.id, o.start_time
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM heap) AS heap_rows, (SELECT count(*) FROM old) AS old_segments,
         (SELECT count(*) FROM written) AS new_segments, (SELECT count(*) FROM expected) AS machine_hours`;

/**
 * The machine-hours whose rewritten segments do not decode to what went in (count or checksum),
 * at most 10: none means the rewrite is exact.
 */
export const VERIFY = `
  WITH actual AS (
    SELECT r.machine_id, r.hour, count(*) AS rows, ${CHECKSUM('r')} AS checksum
    FROM process_segment_rows r
    WHERE (r.machine_id, r.hour) IN (SELECT machine_id, hour FROM lc_expected)
    GROUP BY 1, 2
  )
  SELECT e.machine_id, e.hour, e.rows AS expected_rows, a.rows AS actual_rows, e.checksum = a.checksum AS checksum_equal
  FROM lc_expected e LEFT JOIN actual a USING (machine_id, hour)
  WHERE a.rows IS DISTINCT FROM e.rows OR a.checksum IS DISTINCT FROM e.checksum
  ORDER BY 1, 2 LIMIT 10`;

/** The heap rows of this snapshot, and only those (REPEATABLE READ: later rows are not seen). */
export const DELETE_HEAP = (partition: string) => `DELETE FROM ONLY ${partition}`;

/** Records a step's outcome; a step run again counts its runs. */
export const RECORD_STEP = `
  INSERT INTO lifecycle_steps (day, step, status, rows_in, segments, detail)
  VALUES ($1::date, $2, $3, $4, $5, $6)
  ON CONFLICT (day, step) DO UPDATE SET status = EXCLUDED.status,
    rows_in = CASE WHEN EXCLUDED.status = 'done' THEN lifecycle_steps.rows_in + EXCLUDED.rows_in ELSE lifecycle_steps.rows_in END,
    segments = EXCLUDED.segments, runs = lifecycle_steps.runs + 1, detail = EXCLUDED.detail, updated_at = now()`;

/** After every change of form: cached answers get a new key (pa_cache_watermark). */
export const BUMP_WATERMARK = `SELECT nextval('pa_lifecycle_seq')`;
