// Issue 12, "Beyond one machine": the query API's cache on a real Redis Cluster (three masters
// started here): hits on repeats, answers spread over the masters' slots, never stale.
import { ServiceProcess, buildSnapshot, uniqueSuffix } from '@pa/testing';
import { history } from './support/history';
import { pipelineSuite } from './support/pipeline-suite';
import { difference, getJson, iso, randomPastDay, startQueryApi } from './support/query-api';
import { Group, Window, topTruth } from './support/query-truth';
import { PrivateRedisCluster } from './support/redis-cluster';
import { waitOutboxEmpty } from './support/rollup-truth';
import { startSummarizer } from './support/summarizer';
import { machinesOnEveryShard } from './support/test-stack';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const D = randomPastDay(3);
const W: Window = { from: D + HOUR, to: D + 4 * HOUR };
const TOP = { metric: 'cpu_pct', by: 'machine', from: iso(W.from), to: iso(W.to), limit: 1000 };

describe('query API cache on a Redis Cluster', () => {
  const { pipeline, pools } = pipelineSuite();
  const prefix = `e2e-rcluster-${uniqueSuffix()}`;
  // The query API's Redis user may touch only pa:query:* keys (infra/redis/acl-rules.txt).
  const cachePrefix = `pa:query:e2e-${uniqueSuffix()}:`;
  const machines = machinesOnEveryShard(prefix, 2);
  const cluster = new PrivateRedisCluster();
  let api: ServiceProcess;
  let summarizer: ServiceProcess;

  beforeAll(async () => {
    await cluster.start();
    api = await startQueryApi({ REDIS_URL: cluster.url, ...cluster.clientEnv, QUERY_CACHE_PREFIX: cachePrefix });
    summarizer = await startSummarizer();
    await pipeline.ingest(history(machines, D, D + 5 * HOUR, 5 * MINUTE));
    await waitOutboxEmpty(pools, prefix);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), summarizer?.stop(), cluster.stop()]);
  });

  it('answers a repeated question from the cluster, the same answer, keys spread over the masters', async () => {
    for (let h = 0; h < 12; h++) {
      const params = { ...TOP, from: iso(D + h * 10 * MINUTE), to: iso(D + 3 * HOUR + h * 10 * MINUTE) };
      const first = await getJson(api, '/v1/top', params);
      const second = await getJson(api, '/v1/top', params);
      expect([first.status, first.headers.get('x-cache'), second.headers.get('x-cache')]).toEqual([200, 'miss', 'hit']);
      expect(second.body).toEqual(first.body);
    }
    const perNode = await cluster.keysPerNode(cachePrefix);
    expect(perNode.reduce((a, b) => a + b, 0)).toBe(12);
    expect(perNode.filter((n) => n > 0).length).toBeGreaterThan(1);
  });

  it('new data for the window changes the answer at once (the cached one is never served stale)', async () => {
    await getJson(api, '/v1/top', TOP);
    expect((await getJson(api, '/v1/top', TOP)).headers.get('x-cache')).toBe('hit');
    await pipeline.ingest([buildSnapshot(machines[1], 12, W.from + 17 * MINUTE + 3_000)]);
    const after = await getJson<{ items: Group[] }>(api, '/v1/top', TOP);
    expect(after.headers.get('x-cache')).toBe('miss');
    expect((await getJson(api, '/v1/top', TOP)).headers.get('x-cache')).toBe('hit');
    const byKey = (items: Group[]) => [...items].sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(difference(byKey(after.body.items), byKey(await topTruth(pools, W, 'cpu_pct', 'machine', 'sum')))).toBeUndefined();
  });
});
