import { ServiceProcess, buildSnapshot, pollUntil, uniqueSuffix } from '@pa/testing';
import { history } from './support/history';
import { pipelineSuite } from './support/pipeline-suite';
import { difference, getJson, iso, randomPastDay, startQueryApi } from './support/query-api';
import { PrivateRedis } from './support/query-redis';
import { Window, topTruth } from './support/query-truth';
import { waitOutboxEmpty } from './support/rollup-truth';
import { startSummarizer } from './support/summarizer';
import { machinesOnShard, router } from './support/test-stack';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const D = randomPastDay(3);
const W: Window = { from: D + 2 * HOUR + 30 * MINUTE, to: D + 5 * HOUR + 10 * MINUTE + 500 };
const TOP = { metric: 'cpu_pct', by: 'machine', from: iso(W.from), to: iso(W.to), limit: 1000 };

describe('query API cache: hits on repeats, never stale, optional', () => {
  const { pipeline, pools } = pipelineSuite();
  const prefix = `e2e-qcache-${uniqueSuffix()}`;
  const machines = [...machinesOnShard(prefix, 0, 2), ...machinesOnShard(prefix, 1, 2)];
  const redis = new PrivateRedis();
  let api: ServiceProcess;
  let summarizer: ServiceProcess;

  beforeAll(async () => {
    await redis.start();
    api = await startQueryApi({ REDIS_URL: redis.url, ...redis.clientEnv, QUERY_CACHE_PREFIX: `pa:query:e2e-${uniqueSuffix()}:` });
    summarizer = await startSummarizer();
    await pipeline.ingest(history(machines, D + 2 * HOUR, D + 6 * HOUR, MINUTE));
    await waitOutboxEmpty(pools, prefix);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), summarizer?.stop(), redis.stop()]);
  });

  it('a repeated question is a hit with the same answer, on every fleet-wide endpoint', async () => {
    const questions: [string, Record<string, string | number>][] = [
      ['/v1/top', TOP],
      ['/v1/processes/svc-2/series', { metric: 'rss_bytes', step: '15m', from: iso(W.from), to: iso(W.to) }],
      ['/v1/summary/daily', { date: iso(D).slice(0, 10) }],
      ['/v1/machines', { prefix, limit: 3 }],
    ];
    for (const [path, params] of questions) {
      const first = await getJson(api, path, params);
      const second = await getJson(api, path, params);
      expect([path, first.status, first.headers.get('x-cache')]).toEqual([path, 200, 'miss']);
      expect([path, second.headers.get('x-cache')]).toEqual([path, 'hit']);
      expect(second.body).toEqual(first.body);
    }
    // One machine's series is not fleet-wide: not cached.
    const own = await getJson(api, '/v1/processes/svc-2/series', { machine_id: machines[0], from: iso(W.from), to: iso(W.to) });
    expect(own.headers.get('x-cache')).toBe('bypass');
  });

  it('new data for the window changes the answer at once', async () => {
    await getJson(api, '/v1/top', TOP);
    expect((await getJson(api, '/v1/top', TOP)).headers.get('x-cache')).toBe('hit');
    const late = buildSnapshot(machines[1], 12, W.from + 17 * MINUTE + 3_000);
    await pipeline.ingest([late]);
    const after = await getJson<{ items: unknown[] }>(api, '/v1/top', TOP);
    expect(after.headers.get('x-cache')).toBe('miss');
    expect((await getJson(api, '/v1/top', TOP)).headers.get('x-cache')).toBe('hit');
    expect(difference(sortByKey(after.body.items), sortByKey(await topTruth(pools, W, 'cpu_pct', 'machine', 'sum')))).toBeUndefined();
  });

  it('a writer transaction between taking its outbox id and COMMIT cannot leave a stale answer behind', async () => {
    const machine = machines[2];
    const shard = router.shardOf(machine);
    const ts = iso(W.from + 41 * MINUTE + 11_000);
    const client = await pools[shard].connect();
    try {
      // What the writer does, stopped just before COMMIT: rows and outbox id taken, invisible to others.
      await client.query('BEGIN');
      await client.query('INSERT INTO snapshots (machine_id, ts, n_processes) VALUES ($1, $2, 1)', [machine, ts]);
      await client.query(
        `INSERT INTO process_samples (ts, machine_id, pid, name, cpu_pct, mem_pct, rss_bytes) VALUES ($1, $2, 4242, 'svc-0', 4321.5, 1, 1)`,
        [ts, machine],
      );
      await client.query('INSERT INTO rollup_outbox (machine_id, from_ts, to_ts) VALUES ($1, $2, $2)', [machine, ts]);
      const sequenceBefore = await lastOutboxId(shard);
      // The open transaction took outbox id V+1: the sequence shows it, its rows are invisible.
      // An answer computed now lacks them, so it must not be stored under V+1.
      for (let i = 0; i < 2; i++) {
        const during = await getJson<{ items: { key: string; max: number }[] }>(api, '/v1/top', TOP);
        expect([during.headers.get('x-cache'), during.body.items.find((item) => item.key === machine)?.max]).toEqual(['miss', expect.any(Number)]);
        expect(during.body.items.find((item) => item.key === machine)?.max).not.toBe(4321.5);
      }
      await client.query('COMMIT');
      // The sequence did not move at COMMIT: a key made of it would now serve the old answer.
      expect(await lastOutboxId(shard)).toBe(sequenceBefore);
      const after = await getJson<{ items: { key: string; max: number }[] }>(api, '/v1/top', TOP);
      expect(after.headers.get('x-cache')).toBe('miss');
      expect(after.body.items.find((i) => i.key === machine)?.max).toBe(4321.5);
      expect((await getJson(api, '/v1/top', TOP)).headers.get('x-cache')).toBe('hit');
      expect(difference(sortByKey(after.body.items), sortByKey(await topTruth(pools, W, 'cpu_pct', 'machine', 'sum')))).toBeUndefined();
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  });

  it('with Redis down answers still come (bypass) and the outage is logged once; then hits again', async () => {
    await redis.stop();
    for (let i = 0; i < 5; i++) {
      const answer = await getJson(api, '/v1/top', TOP);
      expect([answer.status, answer.headers.get('x-cache')]).toEqual([200, i === 0 ? expect.stringMatching(/^(miss|bypass)$/) : 'bypass']);
    }
    expect(api.log().match(/Redis cache unavailable/g)).toHaveLength(1);
    await redis.start();
    await pollUntil(() => getJson(api, '/v1/top', TOP), (a) => a.headers.get('x-cache') === 'hit', { timeoutMs: 30_000, what: 'cache hits again' });
    expect(api.log()).toMatch(/Redis cache is back/);
  });

  async function lastOutboxId(shard: number): Promise<string> {
    return (await pools[shard].query('SELECT last_value::text AS v FROM rollup_outbox_id_seq')).rows[0].v;
  }
});

function sortByKey<T>(items: T[]): T[] {
  return [...items].sort((a, b) => ((a as { key: string }).key < (b as { key: string }).key ? -1 : 1));
}
