import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; NaN when gone. */
export function processCpuSeconds(pid: number | undefined, withReapedChildren = false): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": utime, stime, cutime, cstime are the 12th to 15th (clock ticks, 100 per second on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return (fields[11] + fields[12] + (withReapedChildren ? fields[13] + fields[14] : 0)) / 100;
  } catch {
    return NaN;
  }
}

/** The kernel's part (stime) of a live process's CPU seconds: system calls, page faults, and on loopback the peer's TCP receive work. NaN when gone. */
export function processSystemCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[12]) / 100;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds all PostgreSQL processes of the shard nodes under `stateDir` have used: each
 * postmaster with its reaped children (backends that ended) plus its live children.
 */
export function postgresCpuSeconds(stateDir: string): number {
  const pgDir = join(stateDir, 'pg');
  let total = 0;
  for (const shard of readdirSync(pgDir).filter((d) => d.startsWith('shard-'))) {
    const postmaster = Number(readFileSync(join(pgDir, shard, 'postmaster.pid'), 'utf8').split('\n')[0]);
    total += processCpuSeconds(postmaster, true);
    const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(' ').filter(Boolean);
    // A child that ends between the two reads is missed by both: a few ms at most.
    for (const child of children) total += processCpuSeconds(Number(child)) || 0;
  }
  return total;
}

/** CPU seconds the bench's Kafka broker has used (its pid file under `stateDir`). */
export function kafkaCpuSeconds(stateDir: string): number {
  return processCpuSeconds(Number(readFileSync(join(stateDir, 'run', 'kafka.pid'), 'utf8').trim()));
}

/** Sum of a metric's samples (all label sets) in a Prometheus text page. */
export function metricSum(page: string, name: string): number {
  return page
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

export interface StatementTime {
  query: string;
  calls: number;
  totalMs: number;
}

/**
 * Where a load's database time went: pg_stat_statements of database `name` on every node (read from
 * each node's `pa` database, where the extension lives), merged by statement, most time first.
 */
export async function statementTimes(nodes: string[], name: string, limit = 6): Promise<StatementTime[]> {
  const merged = new Map<string, StatementTime>();
  for (const node of nodes) {
    const client = new Client({ connectionString: node });
    await client.connect();
    try {
      const { rows } = await client.query<{ query: string; calls: string; total_ms: number }>(
        `SELECT query, calls::bigint AS calls, total_exec_time AS total_ms FROM pg_stat_statements s
         JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1`,
        [name],
      );
      for (const r of rows) {
        const query = r.query.replace(/\s+/g, ' ').trim().slice(0, 120);
        const m = merged.get(query) ?? { query, calls: 0, totalMs: 0 };
        m.calls += Number(r.calls);
        m.totalMs += r.total_ms;
        merged.set(query, m);
      }
    } finally {
      await client.end();
    }
  }
  return [...merged.values()].sort((a, b) => b.totalMs - a.totalMs).slice(0, limit);
}
