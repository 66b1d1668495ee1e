import { Injectable } from '@nestjs/common';
import { Scattered, ShardFanout } from '../shards/shard-fanout.service';
import { BoundSql, SqlParams, statementName } from '../sql/sql-params';
import { ReadTenant, tenantCondition } from '../tenant/read-tenant';

export interface MachineRow {
  machine_id: string;
  last_seen: Date | null;
  processes: number | null;
  cpu_pct: string | null;
  mem_pct: string | null;
}

export interface MachinePage {
  prefix?: string;
  after?: string;
  limit: number;
  /** only these machines (the caller's read prefixes; empty: all) */
  tenant: ReadTenant;
}

export const SNAPSHOT_SORTS = ['cpu_pct', 'mem_pct', 'rss_bytes'] as const;
export type SnapshotSort = (typeof SNAPSHOT_SORTS)[number];

/**
 * A timestamptz as RFC 3339 text at PostgreSQL's precision: the driver's Date would drop the
 * microseconds that start_time keeps (the writer stores the collector's fraction).
 */
function rfc3339Micros(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

const PROCESS_COLUMNS = `p.pid::float8 AS pid, p.ppid::float8 AS ppid, p.name, p.username, p.cmdline, p.cpu_pct, p.mem_pct,
  p.rss_bytes::float8 AS rss_bytes, p.vms_bytes::float8 AS vms_bytes, p.threads, p.state,
  p.io_read_bytes::float8 AS io_read_bytes, p.io_write_bytes::float8 AS io_write_bytes,
  ${rfc3339Micros('p.start_time')} AS start_time`;

// Fixed ORDER BY per sort choice: the only way a parameter reaches the ORDER BY.
const SORT_SQL: Record<SnapshotSort | 'pid', string> = {
  pid: 'p.pid',
  cpu_pct: 'p.cpu_pct DESC, p.pid',
  mem_pct: 'p.mem_pct DESC, p.pid',
  rss_bytes: 'p.rss_bytes DESC, p.pid',
};

/**
 * One shard's page of machines after the cursor. Every machine with a snapshot is in
 * machine_rollup_1d or, not yet summarized, in rollup_outbox (writer and summarizer keep that true
 * transactionally), so the two small tables replace a scan of every snapshot partition.
 */
export function machinePageSql(page: MachinePage): BoundSql {
  const p = new SqlParams();
  const conditions: string[] = [];
  if (page.prefix) conditions.push(`starts_with(machine_id, ${p.add(page.prefix, 'text')})`);
  if (page.after) conditions.push(`machine_id COLLATE "C" > ${p.add(page.after, 'text')}`);
  const tenant = tenantCondition(page.tenant, p);
  if (tenant) conditions.push(tenant('machine_id'));
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  const text = `
  WITH ids AS (
    SELECT machine_id FROM (
      SELECT DISTINCT machine_id FROM machine_rollup_1d${where}
      UNION
      SELECT DISTINCT machine_id FROM rollup_outbox${where}
    ) m
    ORDER BY machine_id COLLATE "C" LIMIT ${p.add(page.limit + 1, 'int')}
  )
  SELECT i.machine_id, s.ts AS last_seen, s.n_processes AS processes, t.cpu::text AS cpu_pct, t.mem::text AS mem_pct
  FROM ids i
  LEFT JOIN LATERAL (
    SELECT ts, n_processes FROM snapshots WHERE machine_id = i.machine_id ORDER BY ts DESC LIMIT 1
  ) s ON true
  LEFT JOIN LATERAL (
    SELECT coalesce(sum(cpu_pct), 0) AS cpu, coalesce(sum(mem_pct), 0) AS mem
    FROM process_samples_between(s.ts, s.ts + interval '1 microsecond') WHERE machine_id = i.machine_id
  ) t ON true
  ORDER BY i.machine_id COLLATE "C"`;
  return { text, values: p.values };
}

/**
 * The snapshot at or before `atMs` (the latest without it) with all its processes, sorted; its
 * rows are read in every form (process_samples_at, migrations 020 and 021: heap, or each compressed
 * segment decoded at the one sample of that instant instead of whole, as process_samples_between did).
 * A named statement with a generic plan: 021's point read takes ~20 ms to plan (its decoding is in
 * the statement, 28 small sub-plans) and the instant comes from the snapshot ledger at run time
 * anyway (the LATERAL), so a custom plan prunes nothing more. Measured as this statement on one
 * node (one machine, 100 processes; load 15-19, 2026-12-02): over a compressed day 27 ms generic
 * against 75 ms planned per request, over the heap day 6.7 ms against 52 ms. One text per sort and
 * with or without `at`: ten statements a connection at most. It runs on the shard's generic-plans
 * pool (plan_cache_mode a connection setting, as /v1/top's), one round trip instead of four.
 */
export function snapshotSql(machineId: string, atMs: number | undefined, sort: SnapshotSort | undefined): BoundSql {
  const p = new SqlParams();
  const machine = p.add(machineId, 'text');
  const before = atMs === undefined ? '' : ` AND ts <= ${p.time(atMs)}`;
  const text = `
  WITH s AS (SELECT ts FROM snapshots WHERE machine_id = ${machine}${before} ORDER BY ts DESC LIMIT 1)
  SELECT s.ts, ${PROCESS_COLUMNS}
  FROM s LEFT JOIN LATERAL process_samples_at(s.ts) p ON p.machine_id = ${machine}
  ORDER BY ${SORT_SQL[sort ?? 'pid']}`;
  return { text, values: p.values, name: statementName('pa-snapshot', text), genericPlan: true };
}

const EXISTS_SQL = 'SELECT EXISTS (SELECT 1 FROM snapshots WHERE machine_id = $1::text) AS known';

export type ProcessRow = Record<string, unknown> & { ts: Date; pid: number | null };

@Injectable()
export class MachinesRepository {
  constructor(private readonly shards: ShardFanout) {}

  page(page: MachinePage, allowPartial: boolean): Promise<Scattered<MachineRow[]>> {
    const sql = machinePageSql(page);
    return this.shards.scatter(this.shards.allShards, allowPartial, (shard) => this.shards.query<MachineRow>(shard, sql));
  }

  /** Rows of the snapshot (one with pid null when it has no processes); none when there is no such snapshot. */
  snapshot(machineId: string, atMs: number | undefined, sort: SnapshotSort | undefined): Promise<ProcessRow[]> {
    return this.shards.rows<ProcessRow>(this.shards.shardOf(machineId), snapshotSql(machineId, atMs, sort));
  }

  /** True when the machine ever sent a snapshot (its shard is asked). */
  async exists(machineId: string): Promise<boolean> {
    const rows = await this.shards.rows<{ known: boolean }>(this.shards.shardOf(machineId), { text: EXISTS_SQL, values: [machineId] });
    return rows[0].known;
  }
}
