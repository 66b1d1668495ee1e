import { ProcessSnapshot } from '@pa/contracts';
import { ServiceProcess, buildProcess, pollUntil, uniqueSuffix } from '@pa/testing';
import { waitCaughtUp } from '../support/consumer-lag';
import { exactlyOnceProblems } from '../support/exactly-once';
import { pipelineSuite } from '../support/pipeline-suite';
import { difference, getJson, iso, startQueryApi } from '../support/query-api';
import { Group, Metric, Window, machineSeriesTruth, topTruth } from '../support/query-truth';
import { outboxDepth, rollupMismatch, waitOutboxEmpty } from '../support/rollup-truth';
import { seededPrng } from '../support/seeded';
import { SteadyLoad } from '../support/steady-load';
import { startSummarizer } from '../support/summarizer';
import { machinesOnEveryShard } from '../support/test-stack';
import { authHeaders } from '../support/auth';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// Five UTC days back: no other suite writes there, and nothing is "now".
const D = Math.floor(Date.now() / DAY) * DAY - 5 * DAY;
const WINDOWS: Record<string, Window> = {
  'all of it': { from: D, to: D + 3 * HOUR },
  unaligned: { from: D + 7 * MINUTE + 13_500, to: D + HOUR + 41 * MINUTE + 250 },
};

/** Values that vary per snapshot and per process, pids that churn, a process that comes and goes. */
function varied(machineId: string, tsMs: number, k: number): ProcessSnapshot {
  const processes = Array.from({ length: 6 + (k % 3) }, (_, i) =>
    buildProcess(100 + i * 10 + ((k >> 4) % 3), {
      name: i === 5 ? 'cron-job' : `svc-${i}`,
      cpu_pct: ((k * 7 + i * 13) % 997) / 10,
      mem_pct: ((k * 3 + i * 5) % 101) / 10,
      rss_bytes: 1_000_000 + ((k * 7919 + i * 104_729) % 50_000_000),
    }),
  );
  return { machine_id: machineId, ts: iso(tsMs), processes };
}

const byKey = (items: Group[]) => [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

describe('fault: summarizer and query API SIGKILLed under load', () => {
  const { pipeline, pools } = pipelineSuite();
  let summarizer: ServiceProcess | undefined;
  let api: ServiceProcess | undefined;

  afterAll(async () => {
    await Promise.all([summarizer?.stop(), api?.stop()]);
  });

  /** The query API running now (it is replaced when killed). */
  function queryApi(): ServiceProcess {
    if (!api) throw new Error('no query API started');
    return api;
  }

  /** /v1/top and one machine's series over every window against SQL over raw rows; the differences found. */
  async function wrongAnswers(machine: string): Promise<string[]> {
    const found: string[] = [];
    for (const [name, w] of Object.entries(WINDOWS)) {
      for (const [metric, by] of [['cpu_pct', 'process'], ['rss_bytes', 'machine']] as [Metric, 'process' | 'machine'][]) {
        const answer = await getJson<{ items: Group[] }>(queryApi(), '/v1/top', { from: iso(w.from), to: iso(w.to), metric, by, limit: 1000 });
        const diff = answer.status === 200 ? difference(byKey(answer.body.items), byKey(await topTruth(pools, w, metric, by, 'sum'))) : `status ${answer.status}`;
        if (diff) found.push(`top ${by} ${metric} over ${name}: ${diff}`);
      }
      const params = { metric: 'mem_pct', step: '5m', from: iso(w.from), to: iso(w.to) };
      const series = await getJson<{ points: unknown[] }>(queryApi(), `/v1/machines/${machine}/series`, params);
      const diff = series.status === 200 ? difference(series.body.points, await machineSeriesTruth(pools, machine, w, 'mem_pct', 5 * MINUTE)) : `status ${series.status}`;
      if (diff) found.push(`series of ${machine} over ${name}: ${diff}`);
    }
    return found;
  }

  it('no loss and no wrong answer after the restarts: rollups equal raw, answers equal SQL over raw rows', async () => {
    const { prng } = seededPrng('summarizer-query-kills');
    const prefix = `e2e-sqkill-${uniqueSuffix()}`;
    const machineIds = machinesOnEveryShard(prefix, 6);
    summarizer = await startSummarizer();
    api = await startQueryApi();
    // 12 machines, a snapshot every 10 s each: the load fills D … D + 1 h and on, across minutes and hours.
    const load = new SteadyLoad(pipeline, { machineIds, processes: 0, snapshot: varied, startMs: D + 7_000, stepMs: 10_000, perRequest: 24, concurrency: 1, pauseMs: 200 }).start();

    // Fleet queries all along, as a dashboard would: any answer but 200 is wrong (a refused
    // connection while the API is down is no answer).
    const queryStatuses = new Map<number, number>();
    let querying = true;
    const queries = (async () => {
      const w = WINDOWS['all of it'];
      while (querying) {
        const status = await fetch(`${queryApi().url('/v1/top')}?from=${iso(w.from)}&to=${iso(w.to)}&by=machine`, { headers: authHeaders() }).then(
          async (r) => (await r.arrayBuffer(), r.status),
          () => 0,
        );
        if (status !== 0) queryStatuses.set(status, (queryStatuses.get(status) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    // Each summarizer is killed at a random moment once it is working through the outbox that the
    // load keeps filling (claims are transactions: a kill lands inside one or between two).
    const atWork = async (s: ServiceProcess) =>
      pollUntil(
        async () => ((await (await fetch(s.url('/healthz'))).json()) as { shards: { outboxRowsDone: number }[] }).shards.reduce((n, p) => n + p.outboxRowsDone, 0),
        (done) => done > 0,
        { timeoutMs: 90_000, what: 'the summarizer at work' },
      );
    await atWork(summarizer);
    await new Promise((r) => setTimeout(r, prng.int(0, 1_500)));
    await summarizer.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, prng.int(0, 1_500)));
    await api.stop('SIGKILL'); // queries in flight die with it
    [summarizer, api] = await Promise.all([startSummarizer(), startQueryApi()]);
    await atWork(summarizer);
    await new Promise((r) => setTimeout(r, prng.int(0, 1_500)));
    await summarizer.stop('SIGKILL'); // not restarted yet: what arrives now stays dirty
    await load.waitForMore(300);
    const report = await load.stop();
    querying = false;
    await queries;
    expect(report.failures).toEqual([]);
    expect([...queryStatuses.keys()]).toEqual([200]);

    // No loss: every accepted snapshot stored once.
    await waitCaughtUp(pipeline.groupId, pipeline.topic, 120_000);
    expect(await exactlyOnceProblems(pools, prefix, report.accepted)).toEqual([]);
    // With rollups behind (dirty ranges in the outbox), answers already equal the raw rows.
    expect(await outboxDepth(pools, prefix)).toBeGreaterThan(0);
    expect(await wrongAnswers(machineIds[0])).toEqual([]);

    // The summarizer back: rollups catch up and equal raw; answers still equal the raw rows.
    summarizer = await startSummarizer();
    await waitOutboxEmpty(pools, prefix, 180_000);
    expect(await rollupMismatch(pools, prefix)).toBeUndefined();
    expect(await wrongAnswers(machineIds[machineIds.length - 1])).toEqual([]);
  }, 420_000);
});
