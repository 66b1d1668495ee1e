import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Pool } from 'pg';
import { PG_SERVICE_ROLE, RETENTION_STOP_POINTS, pgPasswordFile } from '@pa/config';
import { ServiceProcess, uniqueSuffix } from '@pa/testing';
import { history } from './support/history';
import { dayStatus, edgeSnapshot, ingestAll, ledgerOf, lonelyDay, runLifecycle, runLifecycleOk, samplesOf, waitLifecycleSessionsGone } from './support/lifecycle';
import { Pipeline } from './support/pipeline';
import { getJson, iso, startQueryApi } from './support/query-api';
import { waitFleetRebuilt, waitOutboxEmpty } from './support/rollup-truth';
import { startSummarizer } from './support/summarizer';
import { machinesOnEveryShard, shardPools } from './support/test-stack';

const MINUTE = 60_000;

/** PG_USER and PG_PASSWORD_FILE of pa_lifecycle, beside the owner's password file the suites run with. */
function lifecycleRole(): Record<string, string> {
  const ownerFile = process.env.PG_PASSWORD_FILE;
  if (!ownerFile) throw new Error('PG_PASSWORD_FILE is not set: source the stack env');
  const file = pgPasswordFile(dirname(ownerFile), PG_SERVICE_ROLE.lifecycle);
  if (!existsSync(file)) throw new Error(`${file}: no password file of the lifecycle role`);
  return { PG_USER: PG_SERVICE_ROLE.lifecycle, PG_PASSWORD_FILE: file };
}
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('lifecycle retention: a verified, encrypted archive, then the day dropped; restore brings it back', () => {
  const keep = { RETENTION_DAYS: '3650' };
  const pipeline = new Pipeline(keep, keep);
  const prefix = `e2e-ret-${uniqueSuffix()}`;
  const machines = machinesOnEveryShard(prefix, 2);
  const dayMs = lonelyDay();
  const day = iso(dayMs).slice(0, 10);
  const [dayFrom, dayTo] = [iso(dayMs), iso(dayMs + DAY)];
  const archiveDir = mkdtempSync(join(tmpdir(), 'pa-e2e-retention-'));
  // The lonely day lies 1,000+ days back: a raw retention of 999 days puts it past; 1-minute
  // rollups go with it, hourly ones stay; a restored day may be dropped again at once.
  const retention: Record<string, string> = {
    // As the service runs: its own role (partition DDL through pa_partitions), not the owner.
    ...lifecycleRole(),
    RETENTION_DAYS: '999', RETENTION_ROLLUP_1M_DAYS: '999', RETENTION_RESTORE_HOLD_DAYS: '0',
    ARCHIVE_DIR: archiveDir, ARCHIVE_KEY_FILE: join(archiveDir, 'secrets', 'archive.key'),
    // The smallest row group: each shard's part of the day (hundreds of rows) spans several, so every
    // test below writes, verifies and restores a streamed archive of many row groups.
    ARCHIVE_ROW_GROUP_ROWS: '100',
  };
  let pools: Pool[];
  let summarizer: ServiceProcess;
  let api: ServiceProcess;
  let samples: string[];
  let ledger: string[];

  // The day is the suite's own (lonelyDay): every fleet row in it sums this suite's machines.
  const fleetRows = async () => {
    let n = 0;
    for (const pool of pools) n += Number((await pool.query('SELECT count(*) AS n FROM process_fleet_rollup_1m WHERE bucket >= $1 AND bucket < $2', [dayFrom, dayTo])).rows[0].n);
    return n;
  };

  const rollupRows = async (table: string) => {
    let n = 0;
    for (const pool of pools) n += Number((await pool.query(`SELECT count(*) AS n FROM ${table} WHERE machine_id LIKE $1 AND bucket >= $2 AND bucket < $3`, [`${prefix}%`, dayFrom, dayTo])).rows[0].n);
    return n;
  };

  async function expectOnNodes(what: string): Promise<void> {
    const [s, l] = [await samplesOf(pools, prefix, dayFrom, dayTo), await ledgerOf(pools, prefix, dayFrom, dayTo)];
    expect({ what, samples: s.length, ledger: l.length }).toEqual({ what, samples: samples.length, ledger: ledger.length });
    expect(s).toEqual(samples);
    expect(l).toEqual(ledger);
  }

  /** A run that archives and drops the day on every shard; then nothing of it is left on the nodes. */
  async function expectArchivedAndDropped(): Promise<void> {
    const output = await runLifecycleOk([day], retention);
    for (const shard of [0, 1]) expect(output).toMatch(new RegExp(`shard ${shard} ${day}: archived \\d+ samples and \\d+ ledger rows \\(\\d+ bytes, verified\\), day dropped`));
    expect(await samplesOf(pools, prefix, dayFrom, dayTo)).toEqual([]);
    expect(await ledgerOf(pools, prefix, dayFrom, dayTo)).toEqual([]);
    const status = await dayStatus(day, retention);
    expect(status.map((s) => s.form)).toEqual(['archived', 'archived']);
    expect(status.reduce((n, s) => n + (s.archive?.samples ?? 0), 0)).toBe(samples.length);
    expect(status.reduce((n, s) => n + (s.archive?.ledgerRows ?? 0), 0)).toBe(ledger.length);
    for (const s of status) expect(s.archive?.files.map((f) => f.slice(archiveDir.length))).toEqual([`/${status.indexOf(s)}/${day}/samples.parquet.enc`, `/${status.indexOf(s)}/${day}/snapshots.parquet.enc`, `/${status.indexOf(s)}/${day}/manifest.json`]);
  }

  async function restoreOk(): Promise<void> {
    const run = await runLifecycle(['restore', '--day', day], [day], retention);
    expect({ code: run.code, output: run.output }).toEqual({ code: 0, output: expect.stringMatching(new RegExp(`shard 0 ${day}: restored \\d+ samples and \\d+ ledger rows, verified[\\s\\S]*shard 1 ${day}: restored`)) });
    await expectOnNodes('after a restore');
  }

  beforeAll(async () => {
    pools = shardPools();
    await pipeline.start();
    summarizer = await startSummarizer();
    api = await startQueryApi({ RETENTION_DAYS: '999' });
    await ingestAll(pipeline, [...history(machines, dayMs + HOUR, dayMs + 3 * HOUR, MINUTE), edgeSnapshot(machines[0], dayMs + 2 * HOUR + 5_000)]);
    await waitOutboxEmpty(pools, prefix);
    await waitFleetRebuilt(pools);
    samples = await samplesOf(pools, prefix, dayFrom, dayTo);
    ledger = await ledgerOf(pools, prefix, dayFrom, dayTo);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([pipeline.stop(), summarizer?.stop(), api?.stop()]);
    await Promise.all((pools ?? []).map((p) => p.end()));
    rmSync(archiveDir, { recursive: true, force: true });
  });

  it('archives (several row groups a file), verifies and drops the day (1-minute rollups with it, hourly kept); restore brings back every row identical', async () => {
    expect(samples.length).toBeGreaterThan(1_000);
    expect(await rollupRows('machine_rollup_1m')).toBeGreaterThan(0);
    const hourly = await rollupRows('machine_rollup_1h');
    expect(hourly).toBeGreaterThan(0);
    expect(await fleetRows()).toBeGreaterThan(0);
    await expectArchivedAndDropped();
    expect(await fleetRows()).toBe(0);
    expect(await rollupRows('machine_rollup_1m')).toBe(0);
    expect(await rollupRows('process_rollup_1m')).toBe(0);
    expect(await rollupRows('machine_rollup_1h')).toBe(hourly);
    // The key file: made at first use, owner-only; the archive files are not Parquet in the clear.
    expect(readFileSync(retention.ARCHIVE_KEY_FILE, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    const sealed = readFileSync(join(archiveDir, '0', day, 'samples.parquet.enc'));
    expect(sealed.subarray(0, 7).toString()).toBe('PAARC2\n');
    expect(sealed.includes(Buffer.from('PAR1'))).toBe(false);
    // Streamed: one row group per 100 rows (ARCHIVE_ROW_GROUP_ROWS), several on every shard.
    for (const shard of [0, 1]) {
      const { manifest } = JSON.parse(readFileSync(join(archiveDir, String(shard), day, 'manifest.json'), 'utf8')) as { manifest: { samples: { rows: number; rowGroups: number } } };
      expect(manifest.samples.rows).toBeGreaterThan(100);
      expect(manifest.samples.rowGroups).toBe(Math.ceil(manifest.samples.rows / 100));
    }
    // A window past the raw retention (RETENTION_DAYS: '999' here) says which part raw rows cannot answer.
    const top = await getJson(api, '/v1/top', { metric: 'cpu_pct', by: 'machine', order: 'sum', from: dayFrom, to: dayTo });
    expect(top.status).toBe(200);
    expect(top.headers.get('x-archived-range')).toMatch(new RegExp(`^${dayFrom.replace('.000Z', '')}\\.000Z/\\d{4}-\\d{2}-\\d{2}T00:00:00\\.000Z$`));
    const recent = await getJson(api, '/v1/top', { metric: 'cpu_pct', by: 'machine', order: 'sum', from: iso(Date.now() - HOUR), to: iso(Date.now()) });
    expect(recent.headers.get('x-archived-range')).toBeNull();
    await restoreOk();
    expect((await dayStatus(day, retention)).map((s) => s.retentionStep?.step)).toEqual(['restore', 'restore']);
    // A second restore would double every row: refused.
    const again = await runLifecycle(['restore', '--day', day, '--shard', '0'], [day], retention);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/not dropped \(or restored already\)/);
    await expectOnNodes('after a refused second restore');
  }, 300_000);

  it.each(RETENTION_STOP_POINTS)('killed (SIGKILL) %s: no row lost, none doubled, the next run completes', async (point) => {
    // A restored day whose archive still matches is not written again: to stop after writing, there must be none.
    if (point === 'after-archive-write') rmSync(join(archiveDir, '0', day), { recursive: true, force: true });
    const killed = await runLifecycle(['run'], [day], { ...retention, LIFECYCLE_STOP_AT: point });
    expect({ signal: killed.signal, output: killed.output }).toEqual({ signal: 'SIGKILL', output: expect.any(String) });
    await waitLifecycleSessionsGone(pools);
    const [s, l] = [await samplesOf(pools, prefix, dayFrom, dayTo), await ledgerOf(pools, prefix, dayFrom, dayTo)];
    // Before the drop's transaction nothing is gone; detached, the ledger's partition is out of the parent but still there.
    expect(s).toEqual(samples);
    if (point !== 'after-detach') expect(l).toEqual(ledger);
    await expectArchivedAndDropped();
    await restoreOk();
  }, 300_000);

  it('a corrupted archive file is detected: nothing is dropped, status says why', async () => {
    rmSync(join(archiveDir, '0', day), { recursive: true, force: true });
    const written = await runLifecycle(['run'], [day], { ...retention, LIFECYCLE_STOP_AT: 'after-archive-write' });
    expect(written.signal).toBe('SIGKILL');
    await waitLifecycleSessionsGone(pools);
    const file = join(archiveDir, '0', day, 'samples.parquet.enc');
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    writeFileSync(file, bytes);
    const onShard0 = await samplesOf(pools.slice(0, 1), prefix, dayFrom, dayTo);
    expect(onShard0.length).toBeGreaterThan(0);
    const output = await runLifecycleOk([day], retention);
    expect(output).toMatch(new RegExp(`shard 0 ${day}: NOT dropped: archive verification failed \\(corrupt\\), nothing dropped: 0/${day}/samples.parquet.enc: GCM authentication failed`));
    const status = await dayStatus(day, retention);
    expect(status[0].form).toBe('compressed');
    expect(status[0].retentionStep).toMatchObject({ step: 'archive-verify', status: 'failed', detail: expect.stringMatching(/GCM authentication failed/) });
    expect(await samplesOf(pools.slice(0, 1), prefix, dayFrom, dayTo)).toEqual(onShard0);
    // Shard 1's archive was sound: its part of the day went.
    expect(status[1].form).toBe('archived');
    // The operator removes the bad archive: the next run writes it again, verifies and drops.
    rmSync(join(archiveDir, '0', day), { recursive: true, force: true });
    expect(await runLifecycleOk([day], retention)).toMatch(new RegExp(`shard 0 ${day}: archived \\d+ samples`));
    expect((await dayStatus(day, retention)).map((s) => s.form)).toEqual(['archived', 'archived']);
    await restoreOk();
  }, 300_000);
});
