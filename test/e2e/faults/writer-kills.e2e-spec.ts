import { ServiceProcess, pollUntil, uniqueSuffix } from '@pa/testing';
import { waitCaughtUp } from '../support/consumer-lag';
import { exactlyOnceProblems } from '../support/exactly-once';
import { Pipeline } from '../support/pipeline';
import { pipelineSuite } from '../support/pipeline-suite';
import { rollupMismatch, waitOutboxEmpty } from '../support/rollup-truth';
import { seededPrng } from '../support/seeded';
import { SteadyLoad } from '../support/steady-load';
import { startSummarizer } from '../support/summarizer';
import { machinesOnEveryShard } from '../support/test-stack';

const KILLS = 10;

interface WriterHealth {
  counters: { consumed: number; inserted: number; duplicates: number };
}

describe('fault: writer SIGKILLed at random moments under load', () => {
  // Small fetches and transactions: many commits, so a kill lands between a write and its commit.
  // A 6 s session (the broker's minimum) so each restarted writer gets the dead one's partitions
  // after 6 s instead of 30 s. Its gateway produces zstd record batches (KAFKA_COMPRESSION): the
  // writer replays compressed batches after every kill.
  const { pipeline, pools } = pipelineSuite(
    new Pipeline({ WRITER_SESSION_TIMEOUT_MS: '6000', WRITER_BATCH_MAX_ROWS: '2000', WRITER_MAX_BYTES_PER_PARTITION: '131072' }, { KAFKA_COMPRESSION: 'zstd' }),
  );
  let summarizer: ServiceProcess | undefined;

  afterAll(async () => {
    await summarizer?.stop();
  });

  it(`${KILLS} kills in a row: every accepted row exactly once, rollups equal raw`, async () => {
    const { prng } = seededPrng('writer-kills');
    const prefix = `e2e-wkill-${uniqueSuffix()}`;
    summarizer = await startSummarizer();
    const load = new SteadyLoad(pipeline, {
      machineIds: machinesOnEveryShard(prefix, 10),
      processes: 10,
      perRequest: 40,
      concurrency: 1,
      pauseMs: 300,
    }).start();

    const kills: { afterMs: number; consumed: number; restartMs: number }[] = [];
    const duplicatesSeen: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      // The writer is consuming this load (its own counter moved), then dies at a random moment.
      const health = async () => (await (await fetch(`${pipeline.writerUrl}/healthz`)).json()) as WriterHealth;
      await pollUntil(health, (h) => h.counters.consumed > 0, { timeoutMs: 60_000, what: `writer ${i} to consume` });
      const afterMs = prng.int(0, 1_500);
      await new Promise((r) => setTimeout(r, afterMs));
      const before = await health();
      await pipeline.writer.stop('SIGKILL');
      duplicatesSeen.push(before.counters.duplicates);
      const restartedAt = Date.now();
      await pipeline.startWriter(); // ready once it joined: after the dead member's session ran out
      kills.push({ afterMs, consumed: before.counters.consumed, restartMs: Date.now() - restartedAt });
    }
    const report = await load.stop();

    process.stdout.write(
      `writer-kills: ${report.accepted.size} snapshots accepted; kills ${JSON.stringify(kills)}; replays absorbed per writer ${duplicatesSeen.join(',')}\n`,
    );

    expect(report.failures).toEqual([]);
    expect(kills.every((k) => k.consumed > 0)).toBe(true);
    expect(report.accepted.size).toBeGreaterThan(1_000);
    await waitCaughtUp(pipeline.groupId, pipeline.topic, 180_000);
    expect(await exactlyOnceProblems(pools, prefix, report.accepted)).toEqual([]);
    await waitOutboxEmpty(pools, prefix, 180_000);
    expect(await rollupMismatch(pools, prefix)).toBeUndefined();
  }, 600_000);
});
