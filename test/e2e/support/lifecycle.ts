import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { ProcessSnapshot } from '@pa/contracts';
import { buildProcess, pollUntil } from '@pa/testing';
import { SHARD_URLS } from './test-stack';
import { Pipeline } from './pipeline';

const CLI = resolve(__dirname, '..', '..', '..', 'dist', 'apps', 'lifecycle', 'src', 'cli.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/**
 * Retention that keeps everything the suites write (their days lie up to 3,000 days back): a
 * suite that tests retention overrides it. Its archive goes to a folder of the test run.
 */
export const KEEP_EVERYTHING: Record<string, string> = {
  RETENTION_DAYS: '3650',
  RETENTION_ROLLUP_1M_DAYS: '36500',
  RETENTION_ROLLUP_1H_DAYS: '36500',
  ARCHIVE_DIR: join(tmpdir(), `pa-e2e-archive-${process.pid}`),
  ARCHIVE_KEY_FILE: join(tmpdir(), `pa-e2e-archive-${process.pid}`, 'archive.key'),
};

/** `npm run lifecycle -- <args>` on the test shards, limited to `days` (a shared node holds other suites' days). */
export function runLifecycle(args: string[], days: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> {
  const env = { ...process.env, PG_SHARDS: SHARD_URLS.join(','), LIFECYCLE_DAYS: days.join(','), LIFECYCLE_LATENESS: '2d', ...KEEP_EVERYTHING, ...extraEnv };
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((done) => child.once('close', (code, signal) => done({ code, signal, output })));
}

/** A successful `run`; fails with its output otherwise. */
export async function runLifecycleOk(days: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  const run = await runLifecycle(['run'], days, extraEnv);
  if (run.code !== 0) throw new Error(`lifecycle run exited ${run.code ?? run.signal}:\n${run.output}`);
  return run.output;
}

/**
 * Waits until no lifecycle session is left on any shard: a killed CLI's server session ends (and
 * its transaction rolls back, its lock goes) when the server sees the closed connection.
 */
export async function waitLifecycleSessionsGone(pools: Pool[]): Promise<void> {
  const count = async () => {
    let n = 0;
    for (const pool of pools) n += Number((await pool.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'pa-lifecycle'`)).rows[0].n);
    return n;
  };
  await pollUntil(count, (n) => n === 0, { timeoutMs: 30_000, what: 'lifecycle sessions to end' });
}

export interface DayStatusJson {
  day: string;
  form: string;
  heapRows: number;
  compressedRows: number;
  segments: number;
  lastStep?: { status: string; detail: string | null };
  archive?: { samples: number; ledgerRows: number; bytes: number; files: string[]; problem?: string };
  retentionStep?: { step: string; status: string; detail: string | null };
}

/** `status --json` of `day` on every shard (`extraEnv`: e.g. the archive folder of a retention suite). */
export async function dayStatus(day: string, extraEnv: Record<string, string> = {}): Promise<DayStatusJson[]> {
  const run = await runLifecycle(['status', '--json'], [day], extraEnv);
  if (run.code !== 0) throw new Error(`lifecycle status exited ${run.code}:\n${run.output}`);
  const parsed = JSON.parse(run.output) as { shards: { shard: number; days: DayStatusJson[] }[] };
  return parsed.shards.flatMap((s) => s.days.filter((d) => d.day === day));
}

/**
 * Every sample of the machines of `prefix` in [from, to), as text rows: floats as their IEEE-754
 * bits (hex), so that equal means bit for bit; read through pa_read.process_samples (every form).
 */
export async function samplesOf(pools: Pool[], prefix: string, fromIso: string, toIso: string): Promise<string[]> {
  const sql = `SELECT concat_ws('|', to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), machine_id, pid, ppid, name, username,
      encode(convert_to(cmdline, 'UTF8'), 'hex'), encode(float8send(cpu_pct), 'hex'), encode(float8send(mem_pct), 'hex'), rss_bytes,
      vms_bytes, threads, state, io_read_bytes, io_write_bytes, to_char(start_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
      (cmdline IS NULL)::text, (vms_bytes IS NULL)::text, (io_read_bytes IS NULL)::text, (threads IS NULL)::text, (state IS NULL)::text) AS r
    FROM pa_read.process_samples WHERE machine_id LIKE $1 AND ts >= $2 AND ts < $3`;
  const rows: string[] = [];
  for (const pool of pools) rows.push(...(await pool.query<{ r: string }>(sql, [`${prefix}%`, fromIso, toIso])).rows.map((x) => x.r));
  return rows.sort();
}

/** Heap rows (row-shaped, not yet compressed) of the prefix's machines in the window, over all shards. */
export async function heapRowCount(pools: Pool[], prefix: string, fromIso: string, toIso: string): Promise<number> {
  let n = 0;
  for (const pool of pools) {
    n += Number((await pool.query('SELECT count(*) AS n FROM public.process_samples WHERE machine_id LIKE $1 AND ts >= $2 AND ts < $3', [`${prefix}%`, fromIso, toIso])).rows[0].n);
  }
  return n;
}

const DAY_MS = 86_400_000;

/**
 * A day of its own, 1,000 to 3,000 days back: no other suite writes there (they stay within the
 * raw retention), so sealing or archiving it touches nobody else's rows on the shared nodes.
 */
export function lonelyDay(): number {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  return today - (1000 + Math.floor(Math.random() * 2000)) * DAY_MS;
}

/** Values at the edges of what must come back bit for bit and byte for byte. */
export function edgeSnapshot(machine: string, tsMs: number): ProcessSnapshot {
  return {
    machine_id: machine,
    ts: new Date(tsMs).toISOString(),
    processes: [
      buildProcess(7, { cpu_pct: -0, mem_pct: 5e-324, cmdline: 'naïve 日本語 🎉 "q" \\ \t end', start_time: '2020-01-01T00:00:00.123456Z' }),
      buildProcess(8, { cpu_pct: 0.1 + 0.2, mem_pct: 2.2250738585072014e-308, vms_bytes: undefined, io_read_bytes: undefined, io_write_bytes: undefined, cmdline: undefined, state: undefined }),
    ],
  };
}

/** The snapshot ledger rows of the prefix's machines in [from, to), as text rows, over all shards. */
export async function ledgerOf(pools: Pool[], prefix: string, fromIso: string, toIso: string): Promise<string[]> {
  const sql = `SELECT concat_ws('|', machine_id, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), batch_id, n_processes,
      to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), encode(content_hash, 'hex')) AS r
    FROM public.snapshots WHERE machine_id LIKE $1 AND ts >= $2 AND ts < $3`;
  const rows: string[] = [];
  for (const pool of pools) rows.push(...(await pool.query<{ r: string }>(sql, [`${prefix}%`, fromIso, toIso])).rows.map((x) => x.r));
  return rows.sort();
}

/** Posts `snapshots` through the gateway (NDJSON, 200 a body) and waits until the writer has consumed them. */
export async function ingestAll(pipeline: Pipeline, snapshots: ProcessSnapshot[]): Promise<void> {
  await pipeline.ingest(snapshots, 200);
}
