import { pollUntil, uniqueSuffix } from '@pa/testing';
import { waitCaughtUp } from './support/consumer-lag';
import { postLoad } from './support/load';
import { pipelineSuite } from './support/pipeline-suite';
import { countsByShard, duplicateRows } from './support/shard-queries';
import { startShardNodes, stopShardNode } from './support/shard-node';
import { machinesOnShard } from './support/test-stack';

describe('one shard node stopped during ingest', () => {
  const { pipeline, pools } = pipelineSuite();
  afterAll(() => startShardNodes());

  it('keeps the other shard receiving, and the stopped one catches up with nothing lost', async () => {
    const prefix = `e2e-outage-${uniqueSuffix()}`;
    const machines = [...machinesOnShard(prefix, 0, 10), ...machinesOnShard(prefix, 1, 10)];
    const options = { machines, processes: 10, perRequest: 50 };
    await postLoad(pipeline, { ...options, snapshots: 200 });
    await waitCaughtUp(pipeline.groupId, pipeline.topic);
    const before = await countsByShard(pools, `${prefix}-`);
    expect(before).toEqual([
      { snapshots: 100, rows: 1000 },
      { snapshots: 100, rows: 1000 },
    ]);

    stopShardNode(1);
    const during = await postLoad(pipeline, { ...options, snapshots: 400 });
    expect(during.accepted).toBe(400);
    // Shard 0 keeps receiving while shard 1 is down.
    await pollUntil(() => countsByShard([pools[0]], `${prefix}-`), ([c]) => c.snapshots === 300, {
      timeoutMs: 60_000,
      what: 'shard 0 to receive its part while shard 1 is down',
    });
    const writerHealth = (await (await fetch(`${pipeline.writerUrl}/healthz`)).json()) as { shards_down: number[] };
    expect(writerHealth.shards_down).toEqual([1]);

    await startShardNodes();
    await waitCaughtUp(pipeline.groupId, pipeline.topic, 120_000);
    expect(await countsByShard(pools, `${prefix}-`)).toEqual([
      { snapshots: 300, rows: 3000 },
      { snapshots: 300, rows: 3000 },
    ]);
    expect(await duplicateRows(pools, `${prefix}-`)).toBe(0);
  });
});
