import { ServiceProcess, buildSnapshot, pollUntil, uniqueSuffix } from '@pa/testing';
import { history } from './support/history';
import { pipelineSuite } from './support/pipeline-suite';
import { difference, getJson, iso, randomPastDay, startQueryApi } from './support/query-api';
import { Group, Metric, Window, dailyTruth, machineSeriesTruth, machinesTruth, processSeriesTruth, snapshotTruth, topTruth } from './support/query-truth';
import { outboxDepth, waitOutboxEmpty } from './support/rollup-truth';
import { startSummarizer } from './support/summarizer';
import { machinesOnShard, router } from './support/test-stack';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// A past UTC day of this run's own, so that whole days, hours and minutes all fit, and nothing is "now".
const D = randomPastDay(3);
const WINDOWS: Record<string, Window> = {
  'aligned day': { from: D, to: D + DAY },
  'unaligned, every level': { from: D - HOUR - 37 * MINUTE - 13_500, to: D + DAY + HOUR + 11 * MINUTE + 250 },
  'unaligned hours': { from: D + 3 * HOUR + 12 * MINUTE, to: D + 7 * HOUR + 48 * MINUTE + 30_000 },
  'under an hour (raw)': { from: D + 5 * HOUR + 7_000, to: D + 5 * HOUR + 40 * MINUTE },
};
const SERIES: { window: string; step: string; stepMs: number; metric: Metric }[] = [
  { window: 'aligned day', step: '1h', stepMs: HOUR, metric: 'cpu_pct' },
  { window: 'aligned day', step: '90m', stepMs: 90 * MINUTE, metric: 'rss_bytes' },
  { window: 'unaligned, every level', step: '1d', stepMs: DAY, metric: 'mem_pct' },
  { window: 'unaligned, every level', step: '30m', stepMs: 30 * MINUTE, metric: 'cpu_pct' },
  { window: 'unaligned hours', step: '5m', stepMs: 5 * MINUTE, metric: 'rss_bytes' },
  { window: 'under an hour (raw)', step: '30s', stepMs: 30_000, metric: 'cpu_pct' },
];

function byKey(items: Group[]): Group[] {
  return [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

describe('query API: answers equal SQL over raw rows, before, during and after summarizing', () => {
  const { pipeline, pools } = pipelineSuite();
  const prefix = `e2e-query-${uniqueSuffix()}`;
  const machines = [...machinesOnShard(prefix, 0, 3), ...machinesOnShard(prefix, 1, 3)];
  let api: ServiceProcess;
  let summarizer: ServiceProcess | undefined;

  beforeAll(async () => {
    api = await startQueryApi();
    // Every minute from 2 h before D to 2 h after the next midnight, off the minute by 7 s.
    await pipeline.ingest(history(machines, D - 2 * HOUR + 7_000, D + DAY + 2 * HOUR, MINUTE));
  }, 180_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), summarizer?.stop()]);
  });

  /**
   * The groups and their figures must equal the truth exactly; the ranking must be by the order
   * (groups with equal figures, e.g. the same history posted by an earlier run, may swap).
   */
  async function topMismatch(name: string, w: Window, metric: Metric, by: 'process' | 'machine', resolution?: string): Promise<string | undefined> {
    const what = `top ${by} ${metric} over ${name}${resolution ? ` (${resolution})` : ''}`;
    const params = { metric, by, from: iso(w.from), to: iso(w.to), limit: 1000, resolution };
    const all = await getJson<{ items: Group[]; resolution: string }>(api, '/v1/top', params);
    const diff = difference(byKey(all.body.items), byKey(await topTruth(pools, w, metric, by, 'sum')));
    if (all.status !== 200 || diff) return `${what}: ${all.status} ${diff}`;
    for (const order of ['sum', 'avg', 'max'] as const) {
      const top3 = await getJson<{ items: Group[] }>(api, '/v1/top', { ...params, order, limit: 3 });
      const expected = (await topTruth(pools, w, metric, by, order)).slice(0, 3);
      const ranks = difference(top3.body.items.map((i) => i[order]), expected.map((i) => i[order]));
      const figures = difference(byKey(top3.body.items), byKey(all.body.items.filter((i) => top3.body.items.some((t) => t.key === i.key))));
      if (ranks || figures) return `${what} order=${order}: ${ranks ?? figures}`;
    }
    return undefined;
  }

  async function seriesMismatch(index: number): Promise<string | undefined> {
    const s = SERIES[index];
    const w = WINDOWS[s.window];
    const params = { metric: s.metric, step: s.step, from: iso(w.from), to: iso(w.to) };
    const machine = machines[index % machines.length];
    const ofMachine = await getJson<{ points: unknown[] }>(api, `/v1/machines/${machine}/series`, params);
    let diff = difference(ofMachine.body.points, await machineSeriesTruth(pools, machine, w, s.metric, s.stepMs));
    if (ofMachine.status !== 200 || diff) return `machine series ${machine} ${JSON.stringify(params)}: ${ofMachine.status} ${diff}`;
    const fleet = await getJson<{ points: unknown[] }>(api, '/v1/processes/svc-1/series', params);
    diff = difference(fleet.body.points, await processSeriesTruth(pools, 'svc-1', w, s.metric, s.stepMs));
    if (fleet.status !== 200 || diff) return `process series svc-1 ${JSON.stringify(params)}: ${fleet.status} ${diff}`;
    const one = await getJson<{ points: unknown[] }>(api, '/v1/processes/cron-job/series', { ...params, machine_id: machine });
    diff = difference(one.body.points, await processSeriesTruth(pools, 'cron-job', w, s.metric, s.stepMs, machine));
    return one.status !== 200 || diff ? `process series cron-job on ${machine} ${JSON.stringify(params)}: ${one.status} ${diff}` : undefined;
  }

  async function dailyMismatch(dayMs: number, machine?: string): Promise<string | undefined> {
    const answer = await getJson<{ items: unknown[] }>(api, '/v1/summary/daily', { date: iso(dayMs).slice(0, 10), machine_id: machine, limit: 1000 });
    const diff = difference(answer.body.items, await dailyTruth(pools, dayMs, machine));
    return answer.status !== 200 || diff ? `daily ${iso(dayMs)} ${machine ?? 'fleet'}: ${answer.status} ${diff}` : undefined;
  }

  /** Every endpoint over every window; returns all mismatches (none expected). */
  async function mismatches(): Promise<string[]> {
    const found: (string | undefined)[] = [];
    for (const [name, w] of Object.entries(WINDOWS)) {
      found.push(await topMismatch(name, w, 'cpu_pct', 'process'), await topMismatch(name, w, 'rss_bytes', 'machine'));
      found.push(await topMismatch(name, w, 'mem_pct', 'machine'), await topMismatch(name, w, 'rss_bytes', 'process'));
    }
    found.push(await topMismatch('unaligned, forced raw', WINDOWS['unaligned hours'], 'cpu_pct', 'process', 'raw'));
    found.push(await topMismatch('unaligned, forced 1h', WINDOWS['unaligned, every level'], 'mem_pct', 'process', '1h'));
    for (let i = 0; i < SERIES.length; i++) found.push(await seriesMismatch(i));
    found.push(await dailyMismatch(D), await dailyMismatch(D + DAY), await dailyMismatch(D, machines[4]));
    return found.filter((m): m is string => m !== undefined);
  }

  it('before the summarizer ran (every bucket dirty), every answer equals the raw truth', async () => {
    expect(await outboxDepth(pools, prefix)).toBeGreaterThan(0);
    expect(await mismatches()).toEqual([]);
  }, 300_000);

  it('while the summarizer catches up, every answer equals the raw truth', async () => {
    summarizer = await startSummarizer({ SUMMARIZER_CLAIM_LIMIT: '5', SUMMARIZER_POLL_INTERVAL_MS: '50' });
    const found: string[] = [];
    for (let round = 0; round < 3 && (await outboxDepth(pools, prefix)) > 0; round++) found.push(...(await mismatches()));
    expect(found).toEqual([]);
  }, 300_000);

  it('after the summarizer caught up, answers equal the raw truth and come from the coarsest level', async () => {
    await waitOutboxEmpty(pools, prefix, 240_000);
    expect(await mismatches()).toEqual([]);
    const w = WINDOWS['unaligned, every level'];
    const top = await getJson(api, '/v1/top', { from: iso(w.from), to: iso(w.to) });
    expect(top.body.resolution).toBe('1d');
    const short = await getJson(api, '/v1/top', { from: iso(WINDOWS['under an hour (raw)'].from), to: iso(WINDOWS['under an hour (raw)'].to) });
    expect(short.body.resolution).toBe('raw');
  }, 300_000);

  it('late data in an hour already summarized counts at once, before the summarizer sees it', async () => {
    await summarizer?.stop();
    const lateTs = D + 3 * HOUR + 15 * MINUTE + 7_500;
    const machine = machines[2];
    await pipeline.ingest([buildSnapshot(machine, 9, lateTs)]);
    const shard = router.shardOf(machine);
    await pollUntil(() => pools[shard].query('SELECT 1 FROM snapshots WHERE machine_id = $1 AND ts = $2', [machine, iso(lateTs)]), (r) => r.rowCount === 1, {
      timeoutMs: 30_000,
      what: 'the late snapshot',
    });
    expect(await outboxDepth(pools, prefix)).toBeGreaterThan(0);
    const w = WINDOWS['unaligned hours'];
    const found = [await topMismatch('unaligned hours', w, 'cpu_pct', 'process'), await topMismatch('unaligned hours', w, 'rss_bytes', 'machine'), await seriesMismatch(4)];
    found.push(await dailyMismatch(D));
    expect(found.filter(Boolean)).toEqual([]);
    summarizer = await startSummarizer();
    await waitOutboxEmpty(pools, prefix, 240_000);
    expect([await topMismatch('unaligned hours', w, 'cpu_pct', 'process'), await dailyMismatch(D)].filter(Boolean)).toEqual([]);
  }, 300_000);

  it('lists machines with their latest snapshot totals, page by page', async () => {
    const pages: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const answer = await getJson<{ items: unknown[]; next_cursor: string | null }>(api, '/v1/machines', { prefix, limit: 4, cursor });
      expect(answer.status).toBe(200);
      pages.push(...answer.body.items);
      if (!answer.body.next_cursor) break;
      cursor = answer.body.next_cursor;
    }
    expect(difference(pages, await machinesTruth(pools, prefix))).toBeUndefined();
    expect(pages).toHaveLength(6);
  });

  it('gives the snapshot at or before an instant, with every process field, sorted', async () => {
    const machine = machines[1];
    const at = D + 5 * HOUR + 30_123;
    const answer = await getJson<{ ts: string; processes: Record<string, unknown>[] }>(api, `/v1/machines/${machine}/snapshot`, { at: iso(at), sort: 'cpu_pct' });
    const truth = await snapshotTruth(pools, machine, at);
    expect(answer.status).toBe(200);
    expect(answer.body.ts).toBe(truth?.ts);
    expect(answer.body.processes.map((p) => p.pid)).toEqual(truth?.pids);
    expect(Object.keys(answer.body.processes[0]).sort()).toEqual(
      ['cmdline', 'cpu_pct', 'io_read_bytes', 'io_write_bytes', 'mem_pct', 'name', 'pid', 'ppid', 'rss_bytes', 'start_time', 'state', 'threads', 'username', 'vms_bytes'].sort(),
    );
    const latest = await getJson<{ ts: string }>(api, `/v1/machines/${machine}/snapshot`);
    expect(latest.body.ts).toBe((await snapshotTruth(pools, machine, Date.now()))?.ts);
    const before = await getJson(api, `/v1/machines/${machine}/snapshot`, { at: iso(D - 3 * HOUR) });
    expect([before.status, before.body.code]).toEqual([404, 'SNAPSHOT_NOT_FOUND']);
  });
});
