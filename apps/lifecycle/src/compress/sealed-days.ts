import { PoolClient } from 'pg';
import { partitionOf } from './day-compressor';

/** Days of the node's process_samples partitions, oldest first, with whether each is sealed. */
const DAY_PARTITIONS = `
  SELECT to_char(to_date(substr(c.relname, 17), 'YYYYMMDD'), 'YYYY-MM-DD') AS day,
         to_date(substr(c.relname, 17), 'YYYYMMDD') + 1 <= (now() - $1 * interval '1 millisecond') AT TIME ZONE 'UTC' AS sealed
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'public.process_samples'::regclass AND c.relname ~ '^process_samples_[0-9]{8}$'
  ORDER BY 1`;

export interface DayPartition {
  day: string;
  isSealed: boolean;
}

/** What the lifecycle looks at: the lateness horizon, and the days it is limited to, if any. */
export interface DayScope {
  latenessMs: number;
  onlyDays?: string[];
}

/** Every day partition of the node (in scope); sealed = its end lies more than `latenessMs` in the past. */
export async function dayPartitions(client: PoolClient, scope: DayScope): Promise<DayPartition[]> {
  const { rows } = await client.query<{ day: string; sealed: boolean }>(DAY_PARTITIONS, [scope.latenessMs]);
  return rows.filter((r) => !scope.onlyDays || scope.onlyDays.includes(r.day)).map((r) => ({ day: r.day, isSealed: r.sealed }));
}

/** Sealed days whose heap partition still holds rows: a first compression, or late rows to merge. */
export async function dueDays(client: PoolClient, scope: DayScope): Promise<string[]> {
  const due: string[] = [];
  for (const { day, isSealed } of await dayPartitions(client, scope)) {
    if (!isSealed) continue;
    const { rows } = await client.query<{ has_rows: boolean }>(`SELECT EXISTS (SELECT 1 FROM ONLY ${partitionOf(day)}) AS has_rows`);
    if (rows[0].has_rows) due.push(day);
  }
  return due;
}
