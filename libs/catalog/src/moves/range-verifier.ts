import { Pool } from 'pg';

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
// (both nodes read with TimeZone UTC, so timestamps print alike).
const LEDGER_DIGEST = `
  SELECT m.bucket || '/' || (s.ts AT TIME ZONE 'UTC')::date AS key, count(*)::int AS snapshots,
         coalesce(sum(hashtextextended(s.machine_id || '|' || s.ts::text || '|' || coalesce(encode(s.content_hash, 'hex'), ''), 0)), 0)::text AS ledger_sum
  FROM public.snapshots s JOIN public.machines m USING (machine_id)
  WHERE s.machine_id = ANY($1) GROUP BY 1`;
const ROWS_DIGEST = `
  SELECT m.bucket || '/' || (p.ts AT TIME ZONE 'UTC')::date AS key, count(*)::int AS rows,
         coalesce(sum(hashtextextended(p::text, 0)), 0)::text AS row_sum
  FROM public.process_samples p JOIN public.machines m USING (machine_id)
  WHERE p.machine_id = ANY($1) GROUP BY 1`;

/** The digests of `machines` (a bucket range's) on a node, by `bucket/day`; reads through their (machine_id, ts) indexes. */
export async function digestMachines(pool: Pool, machines: string[]): Promise<Map<string, DayDigest>> {
  const [ledger, rows] = await Promise.all([
    pool.query<{ key: string; snapshots: number; ledger_sum: string }>(LEDGER_DIGEST, [machines]),
    pool.query<{ key: string; rows: number; row_sum: string }>(ROWS_DIGEST, [machines]),
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
export function digestDifferences(source: Map<string, DayDigest>, target: Map<string, DayDigest>): string[] {
  const keys = new Set([...source.keys(), ...target.keys()]);
  const differences: string[] = [];
  for (const key of [...keys].sort()) {
    const a = source.get(key);
    const b = target.get(key);
    if (a && b && a.snapshots === b.snapshots && a.ledgerSum === b.ledgerSum && a.rows === b.rows && a.rowSum === b.rowSum) continue;
    differences.push(`${key}: source ${a?.snapshots ?? 0} snapshots/${a?.rows ?? 0} rows, target ${b?.snapshots ?? 0}/${b?.rows ?? 0}${a && b && a.rows === b.rows ? ' (checksums differ)' : ''}`);
  }
  return differences;
}
