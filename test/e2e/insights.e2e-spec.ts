import type { LeaksAnswerBody, MissingAnswerBody } from '@pa/contracts';
import { ServiceProcess, pollUntil, uniqueSuffix } from '@pa/testing';
import { INSIGHT_STEP_MS, insightFleet } from './support/insight-fleet';
import { pipelineSuite } from './support/pipeline-suite';
import { scrape } from './support/prometheus-text';
import { getJson, iso, startQueryApi } from './support/query-api';
import { waitOutboxEmpty } from './support/rollup-truth';
import { startSummarizer } from './support/summarizer';

const MIB = 1024 * 1024;
const HOUR = 3_600_000;

/**
 * Issue 13: the insights over a fleet with a known truth (support/insight-fleet.ts) that ends now,
 * so the Prometheus gauges (computed over the last hour) see it too. Every assertion is scoped to
 * this run's machine prefix: other suites write to the same shards.
 */
describe('insights: leak suspects and missing processes, exactly the known ones', () => {
  const { pipeline, pools } = pipelineSuite();
  const prefix = `e2e-ins-${uniqueSuffix()}`;
  const leaker = `leaker-${uniqueSuffix()}`;
  const T = Math.floor(Date.now() / INSIGHT_STEP_MS) * INSIGHT_STEP_MS;
  const { snapshots, machines } = insightFleet(prefix, leaker, T);
  let api: ServiceProcess;
  let summarizer: ServiceProcess;

  beforeAll(async () => {
    await pipeline.ingest(snapshots);
    // The query API starts after the data landed: its first gauge run (at boot) sees it.
    api = await startQueryApi();
  }, 180_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), summarizer?.stop()]);
  });

  const leaks = (params: Record<string, string>) => getJson<LeaksAnswerBody>(api, '/v1/insights/leaks', { prefix, from: iso(T - HOUR), to: iso(T), ...params });
  const missing = (params: Record<string, string> = {}) => getJson<MissingAnswerBody>(api, '/v1/insights/missing', { prefix, at: iso(T), ...params });

  function expectTruth(l: LeaksAnswerBody, m: MissingAnswerBody): void {
    expect(l.suspects.map((s) => `${s.machine_id}/${s.name}`)).toEqual([`${machines.leakA}/${leaker}`, `${machines.leakB}/${leaker}`]);
    const [a, b] = l.suspects;
    expect(Math.abs(a.growth_bytes_per_hour - 20 * MIB)).toBeLessThan(0.5 * MIB);
    expect(Math.abs(b.growth_bytes_per_hour - 5 * MIB)).toBeLessThan(0.25 * MIB);
    expect(a.r2).toBeGreaterThan(0.99);
    expect(m.missing.map((x) => `${x.machine_id}/${x.name}`)).toEqual([`${machines.stop}/stopper`]);
    expect(m.missing[0].presence).toBeGreaterThanOrEqual(0.8);
    expect(m.silent_machines.map((x) => x.machine_id)).toEqual([machines.silent]);
    expect(Date.parse(m.silent_machines[0].last_seen)).toBe(T - 15 * 60_000 - INSIGHT_STEP_MS);
  }

  it('finds them before the summarizer is done (raw rows for dirty minutes) and after (rollups), the same', async () => {
    const [l1, m1] = await Promise.all([leaks({}), missing()]);
    expect([l1.status, m1.status]).toEqual([200, 200]);
    expectTruth(l1.body, m1.body);
    summarizer = await startSummarizer();
    await waitOutboxEmpty(pools, prefix, 120_000);
    const [l2, m2] = await Promise.all([leaks({}), missing()]);
    expectTruth(l2.body, m2.body);
    expect(l2.body.suspects).toEqual(l1.body.suspects);
  });

  it('holds over the whole 3 hours (5-minute buckets) and for one machine', async () => {
    const wide = await leaks({ from: iso(T - 3 * HOUR) });
    // Over the whole history `restarted` fell back (its restart), `gc` teeth everywhere: still only the leakers.
    expect(wide.body.suspects.map((s) => s.name)).toEqual([leaker, leaker]);
    const one = await leaks({ prefix: '', machine_id: machines.leakB });
    expect(one.body.suspects.map((s) => s.machine_id)).toEqual([machines.leakB]);
  });

  it('reports nothing with thresholds above what the data shows, and validates parameters', async () => {
    expect((await leaks({ min_growth_bytes_per_hour: String(25 * MIB) })).body.suspects).toEqual([]);
    // With the R² bar under what leak-b's long GC tooth reaches, its drawdown alone keeps it out.
    expect((await leaks({ min_r2: '0.3' })).body.suspects.map((s) => s.name)).toEqual([leaker, leaker]);
    const bad = await getJson<{ errors: string[] }>(api, '/v1/insights/missing', { recent: '30s', min_presence: '2', prefix: 'a b' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.split(':')[0]).sort()).toEqual(['min_presence', 'prefix', 'recent']);
    expect((await getJson(api, '/v1/insights/leaks', { from: iso(T - 8 * 24 * HOUR), to: iso(T) })).status).toBe(400);
  });

  it('exposes them as Prometheus gauges, computed on a schedule over the last hour', async () => {
    const samples = await pollUntil(
      () => scrape(api.url('/metrics')),
      (all) => all.some((s) => s.name === 'pa_insights_missing_process' && s.labels.machine_id === machines.stop),
      { timeoutMs: 30_000, what: 'the missing-process gauge of this run' },
    );
    const mine = (name: string) => samples.filter((s) => s.name === name && (s.labels.machine_id ?? '').startsWith(prefix));
    expect(mine('pa_insights_leak_growth_bytes_per_hour').map((s) => `${s.labels.machine_id}/${s.labels.name}`).sort()).toEqual([`${machines.leakA}/${leaker}`, `${machines.leakB}/${leaker}`]);
    expect(mine('pa_insights_missing_process').map((s) => [s.labels.name, s.value])).toEqual([['stopper', 1]]);
    expect(mine('pa_insights_silent_machine_last_seen_seconds').map((s) => s.labels.machine_id)).toEqual([machines.silent]);
    expect(samples.find((s) => s.name === 'pa_insights_last_run_timestamp_seconds')?.value).toBeGreaterThan(T / 1000 - 60);
  });
});
