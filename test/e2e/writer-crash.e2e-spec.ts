import { uniqueSuffix } from '@pa/testing';
import { waitCaughtUp } from './support/consumer-lag';
import { postLoad } from './support/load';
import { Pipeline } from './support/pipeline';
import { pipelineSuite } from './support/pipeline-suite';
import { countsByShard, duplicateRows, total } from './support/shard-queries';

describe('writer killed with SIGKILL in the middle of a load', () => {
  // Small batches so that many commits happen and the kill lands between some of them.
  const { pipeline, pools } = pipelineSuite(new Pipeline({ WRITER_BATCH_MAX_ROWS: '2000', WRITER_MAX_BYTES_PER_PARTITION: '262144' }));

  it('stores every accepted row exactly once after a restart', async () => {
    const prefix = `e2e-kill-${uniqueSuffix()}`;
    const machines = Array.from({ length: 40 }, (_, i) => `${prefix}-${i}`);
    let killed = false;
    const load = await postLoad(pipeline, { machines, snapshots: 4000, processes: 20, perRequest: 100 }, async (sent) => {
      if (!killed && sent >= 1500) {
        killed = true;
        await pipeline.writer.stop('SIGKILL');
        await pipeline.startWriter();
      }
    });
    expect(killed).toBe(true);
    expect(load).toEqual({ accepted: 4000, rows: 80_000, rejected: 0 });

    await waitCaughtUp(pipeline.groupId, pipeline.topic, 120_000);
    expect(total(await countsByShard(pools, `${prefix}-`))).toEqual({ snapshots: 4000, rows: 80_000 });
    expect(await duplicateRows(pools, `${prefix}-`)).toBe(0);
  });
});
