import { Pool } from 'pg';
import { Pipeline } from './pipeline';
import { shardPools } from './test-stack';

/**
 * Registers beforeAll/afterAll that start `pipeline` and open one pool per shard, and stop and
 * close them. `pools` is filled in beforeAll (same array), so use it inside tests only.
 */
export function pipelineSuite(pipeline: Pipeline = new Pipeline()): { pipeline: Pipeline; pools: Pool[] } {
  const pools: Pool[] = [];
  beforeAll(async () => {
    pools.push(...shardPools());
    await pipeline.start();
  });
  afterAll(async () => {
    await pipeline.stop();
    await Promise.all(pools.map((p) => p.end()));
  });
  return { pipeline, pools };
}
