import { SAMPLE_COLUMNS } from '@pa/pg-shards';

/**
 * SQL for every process row a node holds of some machines, whatever its form: heap rows and the
 * lifecycle's compressed segments decoded (migration 013's process_segment_rows), with
 * process_samples's columns in SAMPLE_COLUMNS order. A move copies and verifies through it, so a
 * sealed day moves too (it lands as heap rows on the target, which seals it again in its turn).
 * `machines` is a condition on machine_id, `window` optional bounds (SQL expressions) on ts; the
 * segments are found by their hour, an hour before the window's start to its end.
 */
export function allSamplesOf(machines: string, window?: { from: string; to: string }): string {
  const columns = SAMPLE_COLUMNS.join(', ');
  const time = window ? ` AND ts >= ${window.from} AND ts < ${window.to}` : '';
  const hours = window ? ` AND hour > (${window.from})::timestamptz - interval '1 hour' AND hour < ${window.to}` : '';
  return `(SELECT ${columns} FROM public.process_samples WHERE machine_id ${machines}${time}
    UNION ALL SELECT ${columns} FROM public.process_segment_rows WHERE machine_id ${machines}${hours}${time})`;
}
