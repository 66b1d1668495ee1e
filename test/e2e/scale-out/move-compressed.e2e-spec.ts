// Issues 10 and 12 together: a bucket range whose history holds a sealed (compressed) day moves
// whole. The mover copies and verifies heap rows and the lifecycle's segments alike (decoded, as
// heap rows on the target), and cleans both forms off the source: no row lost, none doubled.
import { ValidSnapshot } from '@pa/contracts';
import { SAMPLE_COLUMNS, ShardRouter, evenShardMap, writeShardBatch } from '@pa/pg-shards';
import { Cluster, Mover } from '@pa/catalog';
import { buildSnapshot, uniqueSuffix } from '@pa/testing';
import { runLifecycleOk } from '../support/lifecycle';
import { TestCluster, createTestCluster } from '../support/test-cluster';

const DAY_MS = 86_400_000;
const PREFIX = 'mvc-';

describe('a bucket move of a range holding a compressed day', () => {
  let test: TestCluster;
  let cluster: Cluster;
  const sealedDay = new Date(Date.now() - 5 * DAY_MS).toISOString().slice(0, 10);

  beforeAll(async () => {
    test = await createTestCluster(`mvc_${uniqueSuffix().replace(/-/g, '_')}`, 2);
    cluster = new Cluster(test.config(2));
    const router = new ShardRouter(evenShardMap(2), 2);
    const machines = Array.from({ length: 60 }, (_, m) => `${PREFIX}${String(m).padStart(3, '0')}`).filter((id) => router.shardOf(id) === 0).slice(0, 8);
    const snapshots: ValidSnapshot[] = [];
    for (const [m, id] of machines.entries()) {
      // Every 20 minutes over the sealed day, and a few today (heap).
      for (let i = 0; i < 72; i++) snapshots.push(at(id, Date.parse(`${sealedDay}T00:00:00Z`) + i * 1_200_000 + m));
      for (let i = 0; i < 4; i++) snapshots.push(at(id, Date.now() - (i + 1) * 60_000 - m));
    }
    for (const day of new Set(snapshots.map((s) => new Date(s.tsMs).toISOString().slice(0, 10)))) {
      await test.pools[0].query('SELECT pa_ensure_day_partition($1::date)', [day]);
    }
    for (let i = 0; i < snapshots.length; i += 100) await writeShardBatch(test.pools[0], snapshots.slice(i, i + 100), 0, 1);
    await runLifecycleOk([sealedDay], { PG_SHARDS: test.urls.join(','), CATALOG_URL: test.catalogUrl });
  });
  afterAll(async () => {
    await cluster.end();
    await test.drop();
  });

  it('copies, verifies and cleans up both forms: the target holds exactly the rows the source held', async () => {
    const before = await rowsOf(0);
    expect(await segmentsOf(0)).toBeGreaterThan(0);
    expect(await heapRowsOf(0, sealedDay)).toBe(0);
    expect(before.length).toBe(8 * 76 * 2);

    const { map } = await cluster.state();
    const range = map.ranges.find((r) => r.shard === 0);
    if (!range) throw new Error('node 0 owns nothing');
    await new Mover(cluster, { graceMs: 20, sliceRows: 300, verifyAttempts: 3, verifyPauseMs: 20, log: () => undefined }).move(range.from, range.to, 1);

    expect(await rowsOf(1)).toEqual(before);
    expect(await rowsOf(0)).toEqual([]);
    expect(await segmentsOf(0)).toBe(0);
  });

  function at(machineId: string, tsMs: number): ValidSnapshot {
    return { ...buildSnapshot(machineId, 2, tsMs), tsMs };
  }

  /** Every process row of the test's machines on a node, heap and compressed, as text, sorted. */
  async function rowsOf(node: number): Promise<string[]> {
    const columns = SAMPLE_COLUMNS.join(', ');
    const { rows } = await test.pools[node].query<{ row: string }>(
      `SELECT p::text AS row FROM (SELECT ${columns} FROM process_samples WHERE machine_id LIKE '${PREFIX}%'
         UNION ALL SELECT ${columns} FROM process_segment_rows WHERE machine_id LIKE '${PREFIX}%') p ORDER BY 1`,
    );
    return rows.map((r) => r.row);
  }

  async function segmentsOf(node: number): Promise<number> {
    const { rows } = await test.pools[node].query<{ n: number }>(`SELECT count(*)::int AS n FROM process_segments WHERE machine_id LIKE '${PREFIX}%'`);
    return rows[0].n;
  }

  async function heapRowsOf(node: number, day: string): Promise<number> {
    const { rows } = await test.pools[node].query<{ n: number }>(
      `SELECT count(*)::int AS n FROM process_samples WHERE machine_id LIKE '${PREFIX}%' AND ts >= $1::date AND ts < $1::date + 1`,
      [day],
    );
    return rows[0].n;
  }
});
