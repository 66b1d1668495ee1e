// Issue 12: a bucket move killed at any point resumes (or is aborted) cleanly, and at every point
// in between the nodes, read as readers read them (pa_read views, the map's stale ranges), hold
// every snapshot exactly once. Three nodes of our own (databases on the test servers) and a catalog.
import { ValidSnapshot } from '@pa/contracts';
import { ShardRouter, bucketOf, evenShardMap, isFencedError, writeShardBatch } from '@pa/pg-shards';
import { Cluster, MovePoint, MoveStep, Mover, MoverOptions, addNode } from '@pa/catalog';
import { buildSnapshot, uniqueSuffix } from '@pa/testing';
import { TestCluster, createTestCluster } from '../support/test-cluster';

const MACHINES = 40;
const SNAPSHOTS_PER_MACHINE = 12;
const PROCESSES = 4;

describe('bucket moves, killed at every point (real PostgreSQL nodes)', () => {
  let test: TestCluster;
  let cluster: Cluster;
  const seeded: ValidSnapshot[] = [];
  const logs: string[] = [];

  const mover = (extra: Partial<MoverOptions> = {}) =>
    new Mover(cluster, { graceMs: 20, sliceRows: 150, verifyAttempts: 3, verifyPauseMs: 20, log: (l) => logs.push(l), ...extra });

  beforeAll(async () => {
    test = await createTestCluster(`mv_${uniqueSuffix().replace(/-/g, '_')}`, 3);
    cluster = new Cluster(test.config(2));
    // Two days of history on the first two nodes, routed by map version 1.
    const router = new ShardRouter(evenShardMap(2), 2);
    const now = Date.now();
    for (let m = 0; m < MACHINES; m++) {
      for (let i = 0; i < SNAPSHOTS_PER_MACHINE; i++) {
        const tsMs = now - 36 * 3_600_000 + i * 3 * 3_600_000 + m;
        seeded.push({ ...buildSnapshot(`mv-${String(m).padStart(3, '0')}`, PROCESSES, tsMs), tsMs });
      }
    }
    for (const shard of [0, 1]) {
      const mine = seeded.filter((s) => router.shardOf(s.machine_id) === shard);
      const days = new Set(mine.map((s) => new Date(s.tsMs).toISOString().slice(0, 10)));
      for (const day of days) await test.pools[shard].query('SELECT pa_ensure_day_partition($1::date)', [day]);
      await writeShardBatch(test.pools[shard], mine, shard, 1);
    }
    await addNode(cluster, test.urls[2], (l) => logs.push(l));
  });
  afterAll(async () => {
    await cluster.end();
    await test.drop();
  });

  /** Snapshots and process rows per machine as readers see them now: each node through its read views, its stale ranges left out. */
  async function visible(): Promise<Map<string, { snapshots: number; rows: number }>> {
    const { map } = await cluster.state();
    const router = new ShardRouter(map, 3);
    const seen = new Map<string, { snapshots: number; rows: number }>();
    for (const shard of [0, 1, 2]) {
      const stale = router.staleRangesOf(shard).map((r) => `${r.from}-${r.to}`).join(',');
      const client = await test.pools[shard].connect();
      try {
        await client.query('BEGIN');
        await client.query("SELECT set_config('pa.stale_buckets', $1, true), set_config('search_path', 'pa_read, public', true)", [stale]);
        const { rows } = await client.query<{ machine_id: string; snapshots: number; rows: number }>(
          `SELECT machine_id, count(*)::int AS snapshots, sum(n_processes)::int AS rows FROM snapshots WHERE machine_id LIKE 'mv-%' GROUP BY 1`,
        );
        const samples = await client.query<{ machine_id: string; n: number }>(`SELECT machine_id, count(*)::int AS n FROM process_samples WHERE machine_id LIKE 'mv-%' GROUP BY 1`);
        await client.query('COMMIT');
        const sampleCount = new Map(samples.rows.map((r) => [r.machine_id, r.n]));
        for (const r of rows) {
          const before = seen.get(r.machine_id) ?? { snapshots: 0, rows: 0 };
          seen.set(r.machine_id, { snapshots: before.snapshots + r.snapshots, rows: before.rows + (sampleCount.get(r.machine_id) ?? 0) });
        }
      } finally {
        client.release();
      }
    }
    return seen;
  }

  async function expectEachSnapshotOnce(): Promise<void> {
    const seen = await visible();
    const wrong = [...new Set(seeded.map((s) => s.machine_id))].filter((m) => {
      const v = seen.get(m);
      return v?.snapshots !== SNAPSHOTS_PER_MACHINE || v.rows !== SNAPSHOTS_PER_MACHINE * PROCESSES;
    });
    expect(wrong.map((m) => `${m}: ${JSON.stringify(seen.get(m))}`)).toEqual([]);
  }

  /** What each node physically holds of the seeded machines (no views). */
  async function heldBy(shard: number): Promise<number> {
    const { rows } = await test.pools[shard].query<{ n: number }>("SELECT count(*)::int AS n FROM public.snapshots WHERE machine_id LIKE 'mv-%'");
    return rows[0].n;
  }

  function crashAt(point: MovePoint, step: MoveStep) {
    return (p: MovePoint, s: MoveStep) => {
      if (p === point && s === step) throw new Error(`killed at ${point} of ${step}`);
    };
  }

  const CRASHES: [MovePoint, MoveStep][] = [
    ['published', 'exclude'],
    ['published', 'dual_write'],
    ['fenced', 'dual_write'],
    ['slice-copied', 'dual_write'],
    ['step-done', 'dual_write'],
    ['published', 'switch_reads'],
    ['published', 'switch_writes'],
    ['fenced', 'switch_writes'],
    ['step-done', 'switch_writes'],
  ];

  it.each(CRASHES)('killed at %s of %s: every snapshot visible once meanwhile; the next run finishes the move', async (point, step) => {
    const { map } = await cluster.state();
    // Move node 0's first range to the node that does not hold it, back and forth across the cases.
    const range = map.ranges.find((r) => r.from === 0) as { from: number; to: number; shard: number };
    const target = range.shard === 0 ? 2 : 0;
    await expect(mover({ onPoint: crashAt(point, step) }).move(0, Math.min(range.to, 1023), target)).rejects.toThrow(`killed at ${point}`);
    await expectEachSnapshotOnce();
    const finished = await mover().resume();
    expect(finished?.step).toBe('done');
    await expectEachSnapshotOnce();
    const { map: after } = await cluster.state();
    expect(after.stale).toEqual([]);
    expect(after.ranges.find((r) => r.from === 0)?.shard).toBe(target);
  });

  it('leaves nothing of the moved range on the source, and fences writers of an older map there', async () => {
    const { map } = await cluster.state();
    const owner = map.ranges.find((r) => r.from === 0)?.shard as number;
    const source = owner === 0 ? 2 : 0;
    const moved = [...new Set(seeded.map((s) => s.machine_id))].filter((m) => bucketOf(m) <= 1023);
    expect(moved.length).toBeGreaterThan(0);
    const { rows } = await test.pools[source].query<{ n: number }>('SELECT count(*)::int AS n FROM public.snapshots WHERE machine_id = ANY($1)', [moved]);
    expect(rows[0].n).toBe(0);
    const fenced = await writeShardBatch(test.pools[source], seeded.slice(0, 1), source, 1).catch((e: unknown) => e);
    expect(isFencedError(fenced)).toBe(true);
  });

  it('aborts a move killed while copying: the source keeps the range, the target keeps nothing', async () => {
    const { map } = await cluster.state();
    const owner = map.ranges.find((r) => r.from === 0)?.shard as number;
    const target = owner === 0 ? 2 : 0;
    const heldBefore = await heldBy(target);
    await expect(mover({ onPoint: crashAt('slice-copied', 'dual_write') }).move(0, 1023, target)).rejects.toThrow('killed at slice-copied');
    expect(await heldBy(target)).toBeGreaterThan(heldBefore);
    await mover().abort();
    const { map: after } = await cluster.state();
    expect(after.ranges.find((r) => r.from === 0)?.shard).toBe(owner);
    expect(after.stale).toEqual([]);
    expect(await heldBy(target)).toBe(heldBefore);
    await expectEachSnapshotOnce();
  });

  it('logs progress and a verification per bucket and day', () => {
    expect(logs.some((l) => /rows \(\d+%\)|copied \d+ snapshots, \d+ rows/.test(l))).toBe(true);
    expect(logs.some((l) => /verified \d+ machines, per bucket and day/.test(l))).toBe(true);
  });

  it('refuses a move of buckets that are not all on one node', async () => {
    await expect(mover().move(2000, 2100, 2)).rejects.toThrow(/not all on node/);
  });
});

