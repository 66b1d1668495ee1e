import { Pool } from 'pg';
import { ProcessSnapshot } from '@pa/contracts';
import { LIFECYCLE_STOP_POINTS } from '@pa/config';
import { ServiceProcess, buildProcess, freePort, pollUntil, uniqueSuffix } from '@pa/testing';
import { history } from './support/history';
import { KEEP_EVERYTHING, dayStatus, ingestAll, edgeSnapshot, lonelyDay, heapRowCount, runLifecycle, runLifecycleOk, samplesOf, waitLifecycleSessionsGone } from './support/lifecycle';
import { Pipeline } from './support/pipeline';
import { difference, getJson, iso, startQueryApi } from './support/query-api';
import { rollupMismatch, waitOutboxEmpty } from './support/rollup-truth';
import { startSummarizer } from './support/summarizer';
import { SHARD_URLS, machinesOnEveryShard, router, shardPools } from './support/test-stack';
import { authHeaders } from './support/auth';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('lifecycle: sealed days compressed, exact in every form', () => {
  const retention = { RETENTION_DAYS: '3650' };
  const pipeline = new Pipeline(retention, retention);
  const prefix = `e2e-life-${uniqueSuffix()}`;
  const machines = machinesOnEveryShard(prefix, 3);
  const dayMs = lonelyDay();
  const day = iso(dayMs).slice(0, 10);
  const dayFrom = iso(dayMs);
  const dayTo = iso(dayMs + DAY);
  let pools: Pool[];
  let readerPools: Pool[];
  let summarizer: ServiceProcess;
  let api: ServiceProcess;
  let expected: string[];

  const ingest = (snapshots: ProcessSnapshot[]) => ingestAll(pipeline, snapshots);

  /** Every endpoint, on windows with unaligned edges (raw reads), a sub-hour window (raw only) and the whole day. */
  async function answers(): Promise<unknown[]> {
    const w = { from: iso(dayMs + HOUR + 17_000), to: iso(dayMs + 4 * HOUR + 3 * MINUTE + 11_000) };
    const short = { from: iso(dayMs + 2 * HOUR + MINUTE), to: iso(dayMs + 2 * HOUR + 31 * MINUTE) };
    const m = machines[0];
    const calls: [string, Record<string, string | number>][] = [
      ['/v1/machines', { prefix }],
      [`/v1/machines/${m}/snapshot`, { at: iso(dayMs + 2 * HOUR + 5_000) }],
      [`/v1/machines/${m}/snapshot`, { at: iso(dayMs + 3 * HOUR + 30_000), sort: 'cpu_pct' }],
      [`/v1/machines/${m}/series`, { metric: 'cpu_pct', ...w, step: '5m' }],
      [`/v1/machines/${m}/series`, { metric: 'rss_bytes', ...short, step: '1m' }],
      ['/v1/top', { metric: 'cpu_pct', by: 'process', order: 'sum', ...w, limit: 50 }],
      ['/v1/top', { metric: 'mem_pct', by: 'machine', order: 'max', ...short, limit: 50 }],
      ['/v1/top', { metric: 'rss_bytes', by: 'machine', order: 'avg', from: dayFrom, to: dayTo, limit: 50 }],
      ['/v1/processes/svc-1/series', { metric: 'cpu_pct', ...w, step: '15m' }],
      ['/v1/processes/svc-2/machines', { metric: 'mem_pct', order: 'sum', ...short, limit: 50 }],
      ['/v1/summary/daily', { date: day, machine_id: m }],
      ['/v1/insights/leaks', { ...w, prefix }],
      ['/v1/insights/missing', { at: iso(dayMs + 4 * HOUR), prefix }],
    ];
    const out: unknown[] = [];
    for (const [path, params] of calls) {
      const answer = await getJson(api, path, params);
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      out.push({ path, params, body: answer.body });
    }
    return out;
  }

  async function expectSamples(what: string): Promise<void> {
    const actual = await samplesOf(pools, prefix, dayFrom, dayTo);
    expect({ what, count: actual.length }).toEqual({ what, count: expected.length });
    expect(actual).toEqual(expected);
  }

  beforeAll(async () => {
    pools = shardPools();
    // Truth for rollups read through pa_read: heap and compressed rows alike.
    readerPools = SHARD_URLS.map((url) => new Pool({ connectionString: url, max: 2, options: '-c search_path=pa_read,public' }));
    await pipeline.start();
    summarizer = await startSummarizer();
    api = await startQueryApi();
    await ingest([...history(machines, dayMs + HOUR, dayMs + 5 * HOUR, MINUTE), edgeSnapshot(machines[0], dayMs + 2 * HOUR + 5_000)]);
    await waitOutboxEmpty(pools, prefix);
    expected = await samplesOf(pools, prefix, dayFrom, dayTo);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([pipeline.stop(), summarizer?.stop(), api?.stop()]);
    await Promise.all([...pools, ...readerPools].map((p) => p.end()));
  });

  it('seals a back-filled day: every row comes back bit for bit, every endpoint answers the same', async () => {
    expect(expected.length).toBeGreaterThan(5_000);
    const before = await answers();
    const output = await runLifecycleOk([day]);
    expect(output).toMatch(new RegExp(`shard 0 ${day}: compressed \\d+ rows into \\d+ segments`));
    expect(output).toMatch(new RegExp(`shard 1 ${day}: compressed \\d+ rows into \\d+ segments`));
    expect(await heapRowCount(pools, prefix, dayFrom, dayTo)).toBe(0);
    const status = await dayStatus(day);
    expect(status.map((s) => s.form)).toEqual(['compressed', 'compressed']);
    expect(status.reduce((n, s) => n + s.compressedRows, 0)).toBe(expected.length);
    await expectSamples('after sealing');
    const after = await answers();
    expect(difference(after, before)).toBeUndefined();
    // Nothing due any more: a second run does nothing.
    expect(await runLifecycleOk([day])).toMatch(/shard 0: nothing due[\s\S]*shard 1: nothing due/);
  }, 300_000);

  it('a one-machine question over a compressed day reads that machine\'s segments by index', async () => {
    const m = machines[0];
    const pool = pools[router.shardOf(m)];
    const client = await pool.connect();
    try {
      await client.query('SET search_path = pa_read, public');
      const { rows } = await client.query(
        `EXPLAIN (FORMAT JSON) SELECT count(*), sum(cpu_pct) FROM process_samples_between('${iso(dayMs + 2 * HOUR)}', '${iso(dayMs + 2 * HOUR + 10 * MINUTE)}') a WHERE a.machine_id = '${m}'`,
      );
      const plan = JSON.stringify(rows[0]['QUERY PLAN']);
      expect(plan).toContain('"Index Name":"process_segments_machine_hour"');
      expect(plan).not.toMatch(/"Node Type":"Seq Scan","Parent Relationship":"[A-Za-z]+"(,"[A-Za-z ]+":[^,]+)*?,"Relation Name":"process_segments"/);
    } finally {
      client.release();
    }
  });

  it('late data into a compressed day: stored once, counted at once, merged later; rollups equal raw truth', async () => {
    const late = [machines[0], machines[machines.length - 1]].map((m, i) => ({ machine_id: m, ts: iso(dayMs + 2 * HOUR + 30_000 + i), processes: [buildProcess(500 + i), buildProcess(600 + i)] }));
    const before = await getJson(api, '/v1/top', { metric: 'cpu_pct', by: 'machine', order: 'sum', from: dayFrom, to: dayTo, limit: 50 });
    await ingest(late);
    await ingest(late); // a replay: absorbed by the ledger
    expect(await heapRowCount(pools, prefix, dayFrom, dayTo)).toBe(4);
    expect((await dayStatus(day)).map((s) => s.form)).toEqual(['compressed+late', 'compressed+late']);
    const snapshot = await getJson<{ processes: { pid: number }[] }>(api, `/v1/machines/${machines[0]}/snapshot`, { at: late[0].ts });
    expect(snapshot.body.processes.map((p) => p.pid)).toEqual([500, 600]);
    await waitOutboxEmpty(pools, prefix);
    const after = await getJson<{ items: { key: string; count: number }[] }>(api, '/v1/top', { metric: 'cpu_pct', by: 'machine', order: 'sum', from: dayFrom, to: dayTo, limit: 50 });
    const countOf = (body: unknown, key: string) => (body as { items: { key: string; count: number }[] }).items.find((g) => g.key === key)?.count ?? 0;
    expect(countOf(after.body, machines[0]) - countOf(before.body, machines[0])).toBe(2);
    expected = await samplesOf(pools, prefix, dayFrom, dayTo);
    expect(await rollupMismatch(readerPools, prefix)).toBeUndefined();

    expect(await runLifecycleOk([day])).toMatch(new RegExp(`shard \\d ${day}: merged 2 late rows into \\d+ segments`));
    expect(await heapRowCount(pools, prefix, dayFrom, dayTo)).toBe(0);
    expect((await dayStatus(day)).map((s) => s.form)).toEqual(['compressed', 'compressed']);
    await expectSamples('after the merge');
    expect(await rollupMismatch(readerPools, prefix)).toBeUndefined();
  }, 300_000);

  it.each(LIFECYCLE_STOP_POINTS)('killed (SIGKILL) %s: no row lost, none doubled, the next run completes', async (point) => {
    const k = LIFECYCLE_STOP_POINTS.indexOf(point);
    await ingest(machines.map((m, i) => ({ machine_id: m, ts: iso(dayMs + 3 * HOUR + 1_000 * (k + 1) + i), processes: [buildProcess(700 + k)] })));
    expected = await samplesOf(pools, prefix, dayFrom, dayTo);
    const killed = await runLifecycle(['run'], [day], { LIFECYCLE_STOP_AT: point });
    expect(killed.signal).toBe('SIGKILL');
    await waitLifecycleSessionsGone(pools);
    await expectSamples(`after a kill ${point}`);
    await runLifecycleOk([day]);
    expect(await heapRowCount(pools, prefix, dayFrom, dayTo)).toBe(0);
    await expectSamples(`after the run that followed a kill ${point}`);
  }, 300_000);

  it('a failed verification leaves the heap rows in place and says why', async () => {
    await ingest([{ machine_id: machines[1], ts: iso(dayMs + 4 * HOUR + 2_000), processes: [buildProcess(800)] }]);
    expected = await samplesOf(pools, prefix, dayFrom, dayTo);
    const output = await runLifecycleOk([day], { LIFECYCLE_CORRUPT_FOR_TEST: '1' });
    expect(output).toMatch(new RegExp(`${day}: NOT compressed, heap kept: verification failed for 1 machine-hours, e\\.g\\. ${machines[1]} .*checksums differ`));
    expect(await heapRowCount(pools, prefix, dayFrom, dayTo)).toBe(1);
    const failed = (await dayStatus(day)).find((s) => s.form === 'compressed+late');
    expect(failed?.lastStep?.status).toBe('failed');
    expect(failed?.lastStep?.detail).toMatch(/verification failed/);
    await expectSamples('after a failed verification');
    await runLifecycleOk([day]);
    expect(await heapRowCount(pools, prefix, dayFrom, dayTo)).toBe(0);
    await expectSamples('after the run that followed');
  }, 300_000);

  it('one instance per shard: a node another instance holds is skipped; the service seals on its own', async () => {
    await ingest(machines.map((m, i) => ({ machine_id: m, ts: iso(dayMs + 4 * HOUR + 5_000 + i), processes: [buildProcess(900)] })));
    expected = await samplesOf(pools, prefix, dayFrom, dayTo);
    const holder = await pools[0].connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('pa_lifecycle'))`);
      const output = await runLifecycleOk([day]);
      expect(output).toMatch(/shard 0: skipped, another lifecycle instance is working on this shard/);
      expect(output).toMatch(new RegExp(`shard 1 ${day}: merged`));
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(hashtext('pa_lifecycle'))`);
      holder.release();
    }
    const port = await freePort();
    const service = await new ServiceProcess('lifecycle', { PG_SHARDS: SHARD_URLS.join(','), LIFECYCLE_PORT: String(port), LIFECYCLE_DAYS: day, LIFECYCLE_INTERVAL_MS: '200', OTEL_SDK_DISABLED: 'true', ...KEEP_EVERYTHING })
      .start()
      .waitReady(`http://127.0.0.1:${port}/readyz`);
    try {
      await pollUntil(() => heapRowCount(pools, prefix, dayFrom, dayTo), (n) => n === 0, { timeoutMs: 60_000, what: 'the service to merge the late rows' });
      await expectSamples('after the service merged');
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: authHeaders() })).text();
      expect(metrics).toMatch(/pa_lifecycle_bytes\{shard="0",form="compressed"[^}]*\} [1-9]/);
      expect(metrics).toMatch(/pa_lifecycle_days\{shard="0",form="compressed"[^}]*\} 1\n/);
      expect(metrics).toMatch(/pa_lifecycle_days_sealed_total\{shard="0",outcome="done"[^}]*\} 1\n/);
    } finally {
      await service.stop();
    }
  }, 300_000);
});
