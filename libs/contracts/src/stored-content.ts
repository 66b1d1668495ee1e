import { ProcessSample, ValidSnapshot } from './process-snapshot';
import { parseRfc3339 } from './rfc3339';

/** The process fields that are stored (process_samples' columns); anything else is ignored on input. */
export const STORED_PROCESS_FIELDS = [
  'pid', 'ppid', 'name', 'username', 'cmdline', 'cpu_pct', 'mem_pct', 'rss_bytes', 'vms_bytes',
  'threads', 'state', 'io_read_bytes', 'io_write_bytes', 'start_time',
] as const satisfies readonly (keyof ProcessSample)[];

/**
 * True when two validated snapshots would store the same rows: same machine, same instant at
 * storage precision, and the same stored fields in every process, in order (unknown fields and
 * the spelling of a time do not count). The writer's ledger makes the same decision by a hash of
 * the encoded rows (libs/pg-shards, encodeSnapshots); this is for the rare collision inside one
 * request, where comparing is cheaper than encoding.
 */
export function haveSameStoredContent(a: ValidSnapshot, b: ValidSnapshot): boolean {
  if (a.machine_id !== b.machine_id || a.tsMs !== b.tsMs || a.processes.length !== b.processes.length) return false;
  return a.processes.every((p, i) => haveSameStoredFields(p, b.processes[i]));
}

function haveSameStoredFields(a: ProcessSample, b: ProcessSample): boolean {
  return STORED_PROCESS_FIELDS.every((field) => {
    if (field !== 'start_time') return a[field] === b[field];
    const [x, y] = [a.start_time, b.start_time].map((t) => (t === undefined ? undefined : parseRfc3339(t)));
    return x?.ms === y?.ms && x?.us === y?.us;
  });
}
