import { Pool } from 'pg';

/** Machines copied together: their ledger rows of one day are read at once. */
const MACHINES_PER_GROUP = 50;

/** One unit of copying and verifying: some machines, one UTC day, a time slice of it. */
export interface HistorySlice {
  machines: string[];
  /** the UTC day, YYYY-MM-DD */
  day: string;
  /** [fromMs, toMs): within the day */
  fromMs: number;
  toMs: number;
  /** snapshots and process rows the source has in it */
  snapshots: number;
  rows: number;
}

const DAY_MS = 86_400_000;

/** The machines of buckets [from, to] on a node, in a stable order. */
export async function machinesInRange(pool: Pool, from: number, to: number): Promise<string[]> {
  const { rows } = await pool.query<{ machine_id: string }>(
    'SELECT machine_id FROM machines WHERE bucket BETWEEN $1 AND $2 ORDER BY machine_id COLLATE "C"',
    [from, to],
  );
  return rows.map((r) => r.machine_id);
}

/**
 * The source's history of `machines`, cut into slices of at most `maxRows` process rows (one
 * transaction each on the target), machines in groups, each group's days in time order.
 */
export async function historySlices(source: Pool, machines: string[], maxRows: number): Promise<HistorySlice[]> {
  const slices: HistorySlice[] = [];
  for (let i = 0; i < machines.length; i += MACHINES_PER_GROUP) {
    const group = machines.slice(i, i + MACHINES_PER_GROUP);
    const { rows } = await source.query<{ ts_ms: string; n: number }>(
      `SELECT (extract(epoch FROM ts) * 1000)::bigint AS ts_ms, sum(n_processes)::int AS n
       FROM snapshots WHERE machine_id = ANY($1) GROUP BY ts ORDER BY ts`,
      [group],
    );
    slices.push(...cut(group, rows.map((r) => ({ ms: Number(r.ts_ms), rows: r.n })), maxRows));
  }
  return slices;
}

/** Instants (with their row counts) cut at day boundaries and at `maxRows`. */
function cut(machines: string[], instants: { ms: number; rows: number }[], maxRows: number): HistorySlice[] {
  const slices: HistorySlice[] = [];
  let open: HistorySlice | undefined;
  for (const { ms, rows } of instants) {
    const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
    if (open && (open.fromMs < dayStart || open.rows + rows > maxRows)) {
      open.toMs = Math.min(ms, dayOf(open.fromMs) + DAY_MS);
      slices.push(open);
      open = undefined;
    }
    open ??= { machines, day: new Date(dayStart).toISOString().slice(0, 10), fromMs: ms, toMs: ms + 1, snapshots: 0, rows: 0 };
    open.snapshots++;
    open.rows += rows;
    open.toMs = ms + 1;
  }
  if (open) slices.push(open);
  return slices;
}

function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}
