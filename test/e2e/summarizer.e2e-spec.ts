import { Pool } from 'pg';
import { ProcessSnapshot } from '@pa/contracts';
import { ServiceProcess, buildSnapshot, pollUntil, snapshotRecord, uniqueSuffix } from '@pa/testing';
import { startSummarizer } from './support/summarizer';
import { waitCaughtUp } from './support/consumer-lag';
import { history, ndjsonBodies } from './support/history';
import { Pipeline } from './support/pipeline';
import { fleetMismatch, outboxDepth, rollupMismatch, rollupRows, waitFleetRebuilt, waitOutboxEmpty } from './support/rollup-truth';
import { machinesOnShard, router, shardPools, testKafka } from './support/test-stack';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A window around the most recent UTC midnight, so that rollups cross a day boundary. */
function window(hoursBefore: number, hoursAfter: number): { from: number; to: number } {
  const midnight = Math.floor(Date.now() / DAY) * DAY;
  const base = Date.now() - midnight > (hoursAfter + 0.1) * HOUR ? midnight : midnight - DAY;
  return { from: base - hoursBefore * HOUR, to: base + hoursAfter * HOUR };
}

describe('summarizer: rollups equal the raw truth', () => {
  const pipeline = new Pipeline();
  let pools: Pool[];
  const summarizers: ServiceProcess[] = [];

  async function ingest(snapshots: ProcessSnapshot[]): Promise<void> {
    for (const body of ndjsonBodies(snapshots, 200)) {
      const response = await pipeline.post(body, { 'content-type': 'application/x-ndjson' });
      expect(response.status).toBe(202);
    }
  }

  async function settle(prefix: string): Promise<void> {
    await waitCaughtUp(pipeline.groupId, pipeline.topic, 120_000);
    await waitOutboxEmpty(pools, prefix);
  }

  beforeAll(async () => {
    pools = shardPools();
    await pipeline.start();
  });

  afterEach(async () => {
    await Promise.all(summarizers.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    await pipeline.stop();
    await Promise.all(pools.map((p) => p.end()));
  });

  it('after a known data set, every row at every resolution; late data touches only its buckets', async () => {
    const prefix = `e2e-roll-${uniqueSuffix()}`;
    const machines = Array.from({ length: 6 }, (_, i) => `${prefix}-${i}`);
    const { from, to } = window(1.5, 1.5);
    summarizers.push(await startSummarizer());
    await ingest(history(machines, from, to, 30_000));
    await settle(prefix);
    expect(await rollupMismatch(pools, prefix)).toBeUndefined();

    // Late data: one snapshot inside an already summarized past hour.
    const before = await allRollups(pools, prefix);
    const lateTs = from + 15 * 60_000 + 7_000;
    const late = buildSnapshot(machines[2], 4, lateTs);
    await ingest([late]);
    await settle(prefix);
    expect(await rollupMismatch(pools, prefix)).toBeUndefined();
    const after = await allRollups(pools, prefix);
    const changed = changedKeys(before, after);
    const minute = new Date(Math.floor(lateTs / 60_000) * 60_000).toISOString();
    const hour = new Date(Math.floor(lateTs / HOUR) * HOUR).toISOString();
    const day = new Date(Math.floor(lateTs / DAY) * DAY).toISOString();
    const m = machines[2];
    expect(changed.filter((k) => k.startsWith('machine'))).toEqual([
      `machine_1d|${m}|${day}`,
      `machine_1h|${m}|${hour}`,
      `machine_1m|${m}|${minute}`,
    ]);
    expect(changed.filter((k) => k.startsWith('process')).length).toBeGreaterThan(0);
    expect(changed.every((k) => k.includes(`|${m}|`) && (k.endsWith(minute) || k.endsWith(hour) || k.endsWith(day)))).toBe(true);
  });

  it('fleet rollups (per name, every machine of a node) equal the raw truth on both shards, late data included', async () => {
    const prefix = `e2e-fleet-${uniqueSuffix()}`;
    const machines = [...machinesOnShard(prefix, 0, 3), ...machinesOnShard(prefix, 1, 3)];
    const { from, to } = window(1.5, 1.5);
    summarizers.push(await startSummarizer());
    await ingest(history(machines, from, to, 30_000));
    await settle(prefix);
    await waitFleetRebuilt(pools);
    expect(await fleetMismatch(pools, from, to)).toBeUndefined();

    // Late data into an old minute of a machine on each shard: the fleet rows follow its recompute.
    const lateTs = from + 20 * 60_000 + 11_000;
    const minute = new Date(Math.floor(lateTs / 60_000) * 60_000);
    const samplesAt = async (shard: number) =>
      Number((await pools[shard].query('SELECT coalesce(sum(samples), 0) AS n FROM process_fleet_rollup_1m WHERE bucket = $1', [minute])).rows[0].n);
    const before = [await samplesAt(0), await samplesAt(1)];
    await ingest([buildSnapshot(machines[0], 4, lateTs), buildSnapshot(machines[3], 5, lateTs)]);
    await settle(prefix);
    await waitFleetRebuilt(pools);
    expect(await fleetMismatch(pools, from, to)).toBeUndefined();
    expect([await samplesAt(0), await samplesAt(1)]).toEqual([before[0] + 4, before[1] + 5]);
  });

  it('re-delivered snapshots change nothing and dirty nothing', async () => {
    const prefix = `e2e-redeliver-${uniqueSuffix()}`;
    const { from } = window(1, 0);
    const snapshots = history([`${prefix}-0`, `${prefix}-1`], from, from + 10 * 60_000, 20_000);
    summarizers.push(await startSummarizer());
    await ingest(snapshots);
    await settle(prefix);
    const before = await allRollups(pools, prefix);
    await summarizers[0].stop();

    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic: pipeline.topic, messages: snapshots.map(snapshotRecord) });
    await producer.disconnect();
    await waitCaughtUp(pipeline.groupId, pipeline.topic);
    expect(await outboxDepth(pools, prefix)).toBe(0);
    expect(await allRollups(pools, prefix)).toEqual(before);
  });

  it('survives SIGKILL mid-run: after a restart rollups still equal raw', async () => {
    const prefix = `e2e-rollkill-${uniqueSuffix()}`;
    const machines = Array.from({ length: 8 }, (_, i) => `${prefix}-${i}`);
    const { from, to } = window(1, 1);
    await ingest(history(machines, from, to, 30_000));
    await waitCaughtUp(pipeline.groupId, pipeline.topic, 120_000);
    const depth = await outboxDepth(pools, prefix);
    const first = await startSummarizer({ SUMMARIZER_CLAIM_LIMIT: '2' });
    await pollUntil(() => outboxDepth(pools, prefix), (n) => n < depth, { timeoutMs: 60_000, what: 'the summarizer to start' });
    await first.stop('SIGKILL');
    expect(await outboxDepth(pools, prefix)).toBeGreaterThan(0);
    summarizers.push(await startSummarizer());
    await waitOutboxEmpty(pools, prefix);
    expect(await rollupMismatch(pools, prefix)).toBeUndefined();
  });

  it('two summarizers on the same shards: rollups equal raw, no errors', async () => {
    const prefix = `e2e-twosum-${uniqueSuffix()}`;
    const machines = Array.from({ length: 10 }, (_, i) => `${prefix}-${i}`);
    const { from, to } = window(0.5, 0.5);
    summarizers.push(await startSummarizer({ SUMMARIZER_CLAIM_LIMIT: '3' }), await startSummarizer({ SUMMARIZER_CLAIM_LIMIT: '3' }));
    await ingest(history(machines, from, to, 15_000));
    await settle(prefix);
    expect(await rollupMismatch(pools, prefix)).toBeUndefined();
    for (const s of summarizers) expect(s.log()).not.toMatch(/recompute failed|deadlock/);
    const done = await Promise.all(
      summarizers.map(async (s) => (await (await fetch(s.url('/healthz'))).json()) as { shards: { outboxRowsDone: number }[] }),
    );
    // Both took part (SKIP LOCKED hands claims to whoever is free).
    expect(done.every((d) => d.shards.some((p) => p.outboxRowsDone > 0))).toBe(true);
  });
  it('waits for a machine\'s rows to settle: snapshots arriving within SUMMARIZER_SETTLE_MS are recomputed together', async () => {
    const machine = `e2e-settle-${uniqueSuffix()}`;
    const pool = pools[router.shardOf(machine)];
    summarizers.push(await startSummarizer({ SUMMARIZER_SETTLE_MS: '3000' }));
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    // Every value the machine's minute shows, watched from before the first snapshot on.
    const seen = new Set<number>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const { rows } = await pool.query('SELECT snapshots FROM machine_rollup_1m WHERE machine_id = $1', [machine]);
        if (rows.length) seen.add(rows[0].snapshots as number);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const stored = () => pool.query('SELECT count(*)::int AS n FROM snapshots WHERE machine_id = $1', [machine]).then((r) => r.rows[0].n as number);
    try {
      for (const [i, offsetMs] of [1_000, 2_000].entries()) {
        expect((await pipeline.post(JSON.stringify(buildSnapshot(machine, 3, minute + offsetMs)))).status).toBe(202);
        await pollUntil(stored, (n) => n === i + 1, { timeoutMs: 30_000, what: `snapshot ${i + 1} stored` });
      }
      await pollUntil(async () => seen.size, (n) => n > 0, { timeoutMs: 30_000, what: 'the minute rolled up' });
    } finally {
      watching = false;
      await watcher;
    }
    // One recompute covered both: the minute never showed one snapshot.
    expect([...seen]).toEqual([2]);
    expect(await outboxDepth(pools, machine)).toBe(0);
  });

});

async function allRollups(pools: Pool[], prefix: string): Promise<Map<string, string>> {
  const rows = new Map<string, string>();
  for (const pool of pools) {
    for (const kind of ['machine', 'process'] as const) {
      for (const resolution of ['minute', 'hour', 'day'] as const) {
        const suffix = { minute: '1m', hour: '1h', day: '1d' }[resolution];
        for (const row of await rollupRows(pool, kind, resolution, prefix)) {
          const key = `${kind}_${suffix}|${row.machine_id}|${kind === 'process' ? `${row.name}|` : ''}${(row.bucket as Date).toISOString()}`;
          rows.set(key, JSON.stringify(row));
        }
      }
    }
  }
  return rows;
}

function changedKeys(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}
