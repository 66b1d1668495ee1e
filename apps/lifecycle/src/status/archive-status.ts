import { join } from 'node:path';
import { PoolClient } from 'pg';
import { DayScope } from '../compress/sealed-days';
import { DayArchive, archiveBytes, readManifest } from '../retention/archive-store';
import { isDropped, readSteps } from '../retention/retention-steps';

export interface ArchiveStatus {
  samples: number;
  ledgerRows: number;
  /** bytes on disk of the encrypted files */
  bytes: number;
  files: string[];
  /** set when the manifest cannot be read or authenticated */
  problem?: string;
}

/** The day's archive from its manifest (undefined when none was written). */
export async function archiveStatus(a: DayArchive): Promise<ArchiveStatus | undefined> {
  try {
    const m = await readManifest(a);
    if (!m) return undefined;
    const names = [m.samples.name, m.snapshots.name, 'manifest.json'];
    return { samples: m.samples.rows, ledgerRows: m.snapshots.rows, bytes: await archiveBytes(a, names), files: names.map((n) => join(a.dir, n)) };
  } catch (error) {
    return { samples: 0, ledgerRows: 0, bytes: 0, files: [a.dir], problem: (error as Error).message };
  }
}

/** Days whose rows were archived and dropped (not restored since), in scope, oldest first. */
export async function archivedDays(client: PoolClient, scope: DayScope): Promise<string[]> {
  const { rows } = await client.query<{ day: string }>(`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM lifecycle_steps WHERE step = 'drop' AND status = 'done' ORDER BY 1`);
  const out: string[] = [];
  for (const { day } of rows) {
    if (scope.onlyDays && !scope.onlyDays.includes(day)) continue;
    if (isDropped(await readSteps(client, day))) out.push(day);
  }
  return out;
}

/** The most recent retention step of the day. */
export async function lastRetentionStep(client: PoolClient, day: string): Promise<{ step: string; status: string; runs: number; detail: string | null; at: string } | undefined> {
  const steps = Object.entries(await readSteps(client, day)).sort(([, a], [, b]) => (b?.atMs ?? 0) - (a?.atMs ?? 0));
  const [step, row] = steps[0] ?? [];
  return step && row ? { step, status: row.status, runs: row.runs, detail: row.detail, at: new Date(row.atMs).toISOString() } : undefined;
}
