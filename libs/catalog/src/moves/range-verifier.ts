import { Pool } from 'pg';
import { allSamplesOf } from './all-samples';

/** Per bucket and UTC day: snapshots, process rows, and an order-free checksum of each. */
export interface DayDigest {
  key: string;
  snapshots: number;
  ledgerSum: string;
  rows: number;
  rowSum: string;
}

// The checksums are sums of 64-bit hashes (numeric, no overflow): equal sets give equal sums in
// any order. A ledger row hashes its key and content fingerprint; a process row, its whole text
// (both nodes read with TimeZone UTC, so timestamps print alike); heap and compressed rows alike. Only snapshots received before
// the cutoff count: those are what the copy had to bring over; later ones arrive on both nodes
// by the writers' double writes, one node a moment before the other, and would never compare
// equal under a steady load.
const LEDGER_DIGEST = `
  SELECT m.bucket || '/' || (s.ts AT TIME ZONE 'UTC')::date AS key, count(*)::int AS snapshots,
         coalesce(sum(hashtextextended(s.machine_id || '|' || s.ts::text || '|' || coalesce(encode(s.content_hash, 'hex'), ''), 0)), 0)::text AS ledger_sum
  FROM public.snapshots s JOIN public.machines m USING (machine_id)
  WHERE s.machine_id = ANY($1) AND s.received_at < $2 GROUP BY 1`;
const ROWS_DIGEST = `
  SELECT m.bucket || '/' || (p.ts AT TIME ZONE 'UTC')::date AS key, count(*)::int AS rows,
         coalesce(sum(hashtextextended(p::text, 0)), 0)::text AS row_sum
  FROM ${allSamplesOf('= ANY($1)')} p JOIN public.machines m USING (machine_id)
  JOIN public.snapshots s ON s.machine_id = p.machine_id AND s.ts = p.ts
  WHERE s.received_at < $2 GROUP BY 1`;

/**
 * The digests of `machines` (a bucket range's) on a node, by `bucket/day`, of the snapshots
 * received before `cutoff` (a timestamptz text of the source's clock); reads through their
 * (machine_id, ts) indexes.
 */
export async function digestMachines(pool: Pool, machines: string[], cutoff: string): Promise<Map<string, DayDigest>> {
  const [ledger, rows] = await Promise.all([
    pool.query<{ key: string; snapshots: number; ledger_sum: string }>(LEDGER_DIGEST, [machines, cutoff]),
    pool.query<{ key: string; rows: number; row_sum: string }>(ROWS_DIGEST, [machines, cutoff]),
  ]);
  const digests = new Map<string, DayDigest>();
  for (const r of ledger.rows) digests.set(r.key, { key: r.key, snapshots: r.snapshots, ledgerSum: r.ledger_sum, rows: 0, rowSum: '0' });
  for (const r of rows.rows) {
    const d = digests.get(r.key) ?? { key: r.key, snapshots: 0, ledgerSum: '0', rows: 0, rowSum: '0' };
    digests.set(r.key, { ...d, rows: r.rows, rowSum: r.row_sum });
  }
  return digests;
}

/** `bucket/day` keys whose digests differ between the two nodes, each with what each side has. */
export function digestDifferences(source: Map<string, DayDigest>, target: Map<string, DayDigest>): { key: string; line: string }[] {
  const keys = new Set([...source.keys(), ...target.keys()]);
  const differences: { key: string; line: string }[] = [];
  for (const key of [...keys].sort()) {
    const a = source.get(key);
    const b = target.get(key);
    if (a && b && a.snapshots === b.snapshots && a.ledgerSum === b.ledgerSum && a.rows === b.rows && a.rowSum === b.rowSum) continue;
    const line = `${key}: source ${a?.snapshots ?? 0} snapshots/${a?.rows ?? 0} rows, target ${b?.snapshots ?? 0}/${b?.rows ?? 0}${a && b && a.rows === b.rows ? ' (checksums differ)' : ''}`;
    differences.push({ key, line });
  }
  return differences;
}

// One bucket-day of the source, key by key, received before the cutoff, with its process rows.
const SOURCE_KEYS = `
  SELECT s.machine_id, s.ts::text AS ts, encode(s.content_hash, 'hex') AS hash,
         (SELECT count(*)::int FROM ${allSamplesOf('= s.machine_id', { from: 's.ts', to: "s.ts + interval '1 microsecond'" })} p) AS rows
  FROM public.snapshots s JOIN public.machines m USING (machine_id)
  WHERE m.bucket = $1 AND s.ts >= $2::date AND s.ts < $2::date + 1 AND s.received_at < $3`;
const TARGET_KEYS = `
  SELECT s.machine_id, s.ts::text AS ts, encode(s.content_hash, 'hex') AS hash,
         (SELECT count(*)::int FROM ${allSamplesOf('= s.machine_id', { from: 's.ts', to: "s.ts + interval '1 microsecond'" })} p) AS rows
  FROM unnest($1::text[], $2::timestamptz[]) AS k(machine_id, ts)
  JOIN public.snapshots s ON s.machine_id = k.machine_id AND s.ts = k.ts`;

/**
 * The exact check of one `bucket/day` whose digests differ: every snapshot the source received
 * before the cutoff is on the target with the same content fingerprint and as many process rows.
 * (The target may hold more: double writes that began before the cutoff on one node and after it
 * on the other.) Returns what is missing or different, at most 3 lines.
 */
export async function sourceKeysMissing(source: Pool, target: Pool, key: string, cutoff: string): Promise<string[]> {
  const [bucket, day] = key.split('/');
  type KeyRow = { machine_id: string; ts: string; hash: string | null; rows: number };
  const { rows: wanted } = await source.query<KeyRow>(SOURCE_KEYS, [Number(bucket), day, cutoff]);
  const { rows: found } = await target.query<KeyRow>(TARGET_KEYS, [wanted.map((w) => w.machine_id), wanted.map((w) => w.ts)]);
  const there = new Map(found.map((f) => [`${f.machine_id}|${f.ts}`, f]));
  return wanted
    .filter((w) => {
      const f = there.get(`${w.machine_id}|${w.ts}`);
      return !f || f.hash !== w.hash || f.rows !== w.rows;
    })
    .slice(0, 3)
    .map((w) => `${w.machine_id} at ${w.ts}: ${there.has(`${w.machine_id}|${w.ts}`) ? 'differs on the target' : 'missing on the target'}`);
}
