// The SQL of retention (docs/lifecycle.md, "Retention"). A day's rows are the rows of its heap
// table (attached or, mid-drop, detached) and the decoded segments of its hours: every row the
// node holds for the day, including machines of stale buckets, so nothing is dropped unarchived.
import { CHECKSUM } from '../compress/compress.sql';

/** Session settings the checksums depend on: exact float text, times as UTC text. */
export const SESSION_SETTINGS = `SET extra_float_digits = 1; SET TimeZone = 'UTC'; SET statement_timeout = 0`;

const SAMPLE_COLUMNS = 'ts, machine_id, pid, ppid, name, username, cmdline, cpu_pct, mem_pct, rss_bytes, vms_bytes, threads, state, io_read_bytes, io_write_bytes, start_time';
const SEGMENT_HOURS = `r.hour >= $1::date::timestamp AT TIME ZONE 'UTC' AND r.hour < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'`;

/** Every sample of the day ($1) on the node; `heap`: the day's heap table, when it exists. */
export const DAY_ROWS = (heap: string | undefined) => `
  ${heap ? `SELECT ${SAMPLE_COLUMNS} FROM ONLY ${heap} UNION ALL` : ''}
  SELECT ${SAMPLE_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ')} FROM process_segment_rows r WHERE ${SEGMENT_HOURS}`;

const US = (c: string) => `(extract(epoch FROM ${c}) * 1000000)::bigint::text`;

/** The day's samples as text, in the archive's column order (times as epoch microseconds), sorted for compression. */
export const DAY_ROWS_AS_TEXT = (heap: string | undefined) => `
  SELECT ${US('d.ts')}, d.machine_id, d.pid::text, d.ppid::text, d.name, d.username, d.cmdline, d.cpu_pct::text, d.mem_pct::text,
         d.rss_bytes::text, d.vms_bytes::text, d.threads::text, d.state, d.io_read_bytes::text, d.io_write_bytes::text, ${US('d.start_time')}
  FROM (${DAY_ROWS(heap)}) d ORDER BY d.machine_id, d.ts, d.pid`;

/** Rows and checksum per machine and hour of a set of samples (the checksum of sealing). */
export const HOUR_CHECKS = (source: string) => `
  SELECT s.machine_id, to_char(date_trunc('hour', s.ts, 'UTC') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:00:00.000"Z"') AS hour,
         count(*)::int AS rows, ${CHECKSUM('s')}::text AS checksum
  FROM (${source}) s GROUP BY 1, 2 ORDER BY 1, 2`;

const LEDGER_ROW = `hashtextextended(ROW(l.machine_id, l.ts, l.batch_id, l.n_processes, l.received_at, l.content_hash)::text, 0)::numeric`;

/** The day's snapshot ledger rows as text, in the archive's column order. */
export const LEDGER_AS_TEXT = (ledger: string) => `
  SELECT l.machine_id, ${US('l.ts')}, l.batch_id::text, l.n_processes::text, ${US('l.received_at')}, encode(l.content_hash, 'hex')
  FROM ONLY ${ledger} l ORDER BY l.machine_id, l.ts`;

/** No ledger rows, in the archive's ledger columns (a day without a ledger partition). */
export const NO_LEDGER_ROWS = `SELECT NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text WHERE false`;

/** Rows and checksum of a set of ledger rows. */
export const LEDGER_CHECK = (source: string) => `SELECT count(*)::int AS rows, coalesce(sum(${LEDGER_ROW}), 0)::text AS checksum FROM (${source}) l`;

const FROM_US = (c: string) => `CASE WHEN ${c} IS NULL THEN NULL ELSE timestamptz 'epoch' + (${c}::bigint / 1000000) * interval '1 second' + (${c}::bigint % 1000000) * interval '1 microsecond' END`;

/** Temp tables the decoded archive is loaded into (text, as decoded), dropped at the end of the transaction. */
export const CREATE_DECODED = `
  CREATE TEMP TABLE lc_archive_samples (ts_us text, machine_id text, pid text, ppid text, name text, username text, cmdline text,
    cpu_pct text, mem_pct text, rss_bytes text, vms_bytes text, threads text, state text, io_read_bytes text, io_write_bytes text,
    start_time_us text) ON COMMIT DROP;
  CREATE TEMP TABLE lc_archive_ledger (machine_id text, ts_us text, batch_id text, n_processes text, received_at_us text,
    content_hash_hex text) ON COMMIT DROP`;

/** `INSERT … SELECT * FROM unnest(text[] …)`: a chunk of decoded rows, one array parameter a column. */
export const INSERT_DECODED = (table: string, columns: number) =>
  `INSERT INTO ${table} SELECT * FROM unnest(${Array.from({ length: columns }, (_, i) => `$${i + 1}::text[]`).join(', ')})`;

/** The decoded archive's samples with process_samples' columns and types. */
export const DECODED_SAMPLES = `
  SELECT ${FROM_US('a.ts_us')} AS ts, a.machine_id, a.pid::bigint AS pid, a.ppid::bigint AS ppid, a.name, a.username, a.cmdline,
         a.cpu_pct::float8 AS cpu_pct, a.mem_pct::float8 AS mem_pct, a.rss_bytes::bigint AS rss_bytes, a.vms_bytes::bigint AS vms_bytes,
         a.threads::int AS threads, a.state, a.io_read_bytes::bigint AS io_read_bytes, a.io_write_bytes::bigint AS io_write_bytes,
         ${FROM_US('a.start_time_us')} AS start_time
  FROM lc_archive_samples a`;

/** The decoded archive's ledger rows with snapshots' columns and types. */
export const DECODED_LEDGER = `
  SELECT a.machine_id, ${FROM_US('a.ts_us')} AS ts, a.batch_id::uuid AS batch_id, a.n_processes::int AS n_processes,
         ${FROM_US('a.received_at_us')} AS received_at, decode(a.content_hash_hex, 'hex') AS content_hash
  FROM lc_archive_ledger a`;

/** Whether a table exists, and whether it is (still, or half-detached) a partition. */
export const TABLE_STATE = `
  SELECT c.oid IS NOT NULL AS present, i.inhrelid IS NOT NULL AS attached, coalesce(i.inhdetachpending, false) AS detach_pending
  FROM (SELECT to_regclass($1) AS oid) r LEFT JOIN pg_class c ON c.oid = r.oid LEFT JOIN pg_inherits i ON i.inhrelid = c.oid`;

/** Days that have a heap or ledger table (attached or not) or a retention step: what retention looks at. */
export const CANDIDATE_DAYS = `
  SELECT DISTINCT day FROM (
    SELECT to_char(to_date(substring(relname FROM '[0-9]{8}$'), 'YYYYMMDD'), 'YYYY-MM-DD') AS day
    FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname ~ '^(process_samples|snapshots)_[0-9]{8}$'
    UNION ALL
    SELECT to_char(day, 'YYYY-MM-DD') FROM lifecycle_steps WHERE step IN ('archive', 'archive-verify', 'drop', 'restore')
  ) d ORDER BY 1`;

/** The retention steps of a day with their outcome and time. */
export const STEPS_OF_DAY = `
  SELECT step, status, rows_in, runs, detail, updated_at FROM lifecycle_steps
  WHERE day = $1::date AND step IN ('archive', 'archive-verify', 'drop', 'restore')`;

/** Records a retention step (rows_in: the rows it covered; segments unused). */
export const RECORD_STEP = `
  INSERT INTO lifecycle_steps (day, step, status, rows_in, detail) VALUES ($1::date, $2, $3, $4, $5)
  ON CONFLICT (day, step) DO UPDATE SET status = EXCLUDED.status, rows_in = EXCLUDED.rows_in, runs = lifecycle_steps.runs + 1,
    detail = EXCLUDED.detail, updated_at = now()`;

/** The day's segments (hours of the day); run in the transaction of the drop. */
export const DELETE_SEGMENTS = `
  DELETE FROM process_segments s
  WHERE s.hour >= $1::date::timestamp AT TIME ZONE 'UTC' AND s.hour < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'`;
