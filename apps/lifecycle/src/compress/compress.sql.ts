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

/** `column` minus its previous non-NULL value in the segment (NULL stays NULL; decoded by a running sum). */
const nullableDelta = (column: string) =>
  `s.${column} - coalesce(lag(s.${column}) OVER (PARTITION BY ${SEGMENT_KEY}, s.${column} IS NULL ORDER BY s.n), 0)`;

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
    CROSS JOIN LATERAL pa_decode_segment(o.hour, o.ts_delta_us, o.cpu_pct, o.mem_pct, o.rss_delta, o.vms_delta,
                                         o.threads, o.state, o.io_read_delta, o.io_write_delta) d
  ), expected AS (
    INSERT INTO lc_expected SELECT s.machine_id, s.hour, count(*), ${CHECKSUM('s')} FROM src s GROUP BY 1, 2
    RETURNING 1
  ), numbered AS (
    -- one order per segment, ties (equal rows) broken once: every delta below follows this n
    SELECT s.*, row_number() OVER (PARTITION BY ${SEGMENT_KEY} ORDER BY ${ROW_ORDER}) AS n FROM src s
  ), ordered AS (
    -- deltas from the previous sample of the segment (of the previous non-NULL one for nullable
    -- columns: partitioned by NULL-ness)
    SELECT s.*,
      (extract(epoch FROM s.ts - lag(s.ts, 1, s.hour) OVER seg) * 1000000)::bigint AS dts,
      s.rss_bytes - lag(s.rss_bytes, 1, 0::bigint) OVER seg AS drss,
      ${nullableDelta('vms_bytes')} AS dvms,
      ${nullableDelta('io_read_bytes')} AS dior,
      ${nullableDelta('io_write_bytes')} AS diow
    FROM numbered s
    WINDOW seg AS (PARTITION BY ${SEGMENT_KEY} ORDER BY s.n)
  ), written AS (
    INSERT INTO process_segments
    SELECT o.hour, o.machine_id, o.pid, o.ppid, o.name, o.username, c.id, o.start_time,
           count(*), min(o.ts), max(o.ts), sum(o.cpu_pct), min(o.cpu_pct), max(o.cpu_pct),
           sum(o.mem_pct), min(o.mem_pct), max(o.mem_pct), sum(o.rss_bytes), min(o.rss_bytes), max(o.rss_bytes),
           array_agg(o.dts ORDER BY o.n), array_agg(o.cpu_pct ORDER BY o.n), array_agg(o.mem_pct ORDER BY o.n),
           array_agg(o.drss ORDER BY o.n), array_agg(o.dvms ORDER BY o.n), array_agg(o.threads ORDER BY o.n),
           array_agg(o.state ORDER BY o.n), array_agg(o.dior ORDER BY o.n), array_agg(o.diow ORDER BY o.n)
    FROM ordered o
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
