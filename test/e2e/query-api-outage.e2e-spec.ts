import { ServiceProcess, uniqueSuffix } from '@pa/testing';
import { history } from './support/history';
import { pipelineSuite } from './support/pipeline-suite';
import { difference, getJson, iso, randomPastDay, startQueryApi } from './support/query-api';
import { topTruth } from './support/query-truth';
import { startShardNodes, stopShardNode } from './support/shard-node';
import { machinesOnShard } from './support/test-stack';

const MINUTE = 60_000;
const D = randomPastDay(3);
const W = { from: D + 60 * MINUTE, to: D + 150 * MINUTE };
const TOP = { by: 'machine', from: iso(W.from), to: iso(W.to), limit: 1000 };

describe('query API with a shard node stopped', () => {
  const { pipeline, pools } = pipelineSuite();
  const prefix = `e2e-qdown-${uniqueSuffix()}`;
  const [up, down] = [machinesOnShard(prefix, 0, 2), machinesOnShard(prefix, 1, 2)];
  let api: ServiceProcess;

  beforeAll(async () => {
    api = await startQueryApi();
    await pipeline.ingest(history([...up, ...down], W.from, W.to, MINUTE));
    stopShardNode(1);
  });

  afterAll(async () => {
    await startShardNodes();
    await api?.stop();
  });

  it('fleet-wide questions answer 503 naming the shard, with Retry-After', async () => {
    for (const path of ['/v1/top', '/v1/machines', '/v1/summary/daily', '/v1/processes/svc-1/series']) {
      const answer = await getJson<{ code: string; detail: string }>(api, path, path === '/v1/top' ? TOP : {});
      expect([path, answer.status, answer.body.code]).toEqual([path, 503, 'SHARD_UNAVAILABLE']);
      expect(answer.body.detail).toMatch(/^shard 1 \(127\.0\.0\.1:\d+\) did not answer/);
      expect(answer.headers.get('retry-after')).toBe('5');
    }
  });

  it('with allow_partial=true the answer comes from the other shards and says which is missing', async () => {
    const answer = await getJson<{ partial: boolean; missing_shards: number[]; items: { key: string }[] }>(api, '/v1/top', { ...TOP, allow_partial: true });
    expect([answer.status, answer.body.partial, answer.body.missing_shards]).toEqual([200, true, [1]]);
    const truth = await topTruth([pools[0]], W, 'cpu_pct', 'machine', 'sum');
    const sorted = [...answer.body.items].sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(difference(sorted, [...truth].sort((a, b) => (a.key < b.key ? -1 : 1)))).toBeUndefined();
    const list = await getJson<{ partial: boolean; missing_shards: number[]; items: { machine_id: string }[] }>(api, '/v1/machines', { prefix, allow_partial: true });
    expect([list.body.partial, list.body.missing_shards, list.body.items.map((i) => i.machine_id)]).toEqual([true, [1], up]);
  });

  it('a machine on a live shard still answers; one on the stopped shard gets 503 naming it; ready meanwhile', async () => {
    expect((await getJson(api, `/v1/machines/${up[0]}/series`, { from: iso(W.from), to: iso(W.to) })).status).toBe(200);
    const lost = await getJson<{ detail: string }>(api, `/v1/machines/${down[0]}/snapshot`);
    expect([lost.status, lost.body.detail]).toEqual([503, expect.stringMatching(/^shard 1 /)]);
    const ready = await getJson<{ shards: { shard: number; up: boolean }[] }>(api, '/readyz');
    expect([ready.status, ready.body.shards]).toEqual([200, [{ shard: 0, up: true }, { shard: 1, up: false }]]);
  });
});
