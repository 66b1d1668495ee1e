import { PoolClient } from 'pg';
import * as sql from './retention.sql';

export const ARCHIVE_STEP = 'archive';
export const VERIFY_STEP = 'archive-verify';
export const RESTORE_STEP = 'restore';

export interface StepRow {
  status: string;
  rowsIn: number;
  runs: number;
  detail: string | null;
  atMs: number;
}

/** The retention steps recorded for a day on the node, by step name. */
export type DaySteps = Partial<Record<string, StepRow>>;

export async function readSteps(client: PoolClient, day: string): Promise<DaySteps> {
  const { rows } = await client.query<{ step: string; status: string; rows_in: string; runs: number; detail: string | null; updated_at: Date }>(sql.STEPS_OF_DAY, [day]);
  return Object.fromEntries(rows.map((r) => [r.step, { status: r.status, rowsIn: Number(r.rows_in), runs: r.runs, detail: r.detail, atMs: r.updated_at.getTime() }]));
}

export async function recordStep(client: PoolClient, day: string, step: string, status: 'done' | 'failed', rows: number, detail: string | null): Promise<void> {
  await client.query(sql.RECORD_STEP, [day, step, status, rows, detail]);
}

/** The day's rows were dropped and not restored since: the archive is their only copy. */
export function isDropped(steps: DaySteps): boolean {
  const drop = steps.drop;
  if (drop?.status !== 'done') return false;
  const restore = steps[RESTORE_STEP];
  return !(restore?.status === 'done' && restore.atMs > drop.atMs);
}
