import { gzipSync } from 'node:zlib';
import { WIRE_FORMATS, buildSnapshot, pollUntil, recordsIn, uniqueSuffix } from '@pa/testing';
import { pipelineSuite } from './support/pipeline-suite';
import { waitCaughtUp } from './support/consumer-lag';
import { countsByShard, duplicateRows, total } from './support/shard-queries';
import { machinesOnShard, router, testKafka } from './support/test-stack';

describe('ingest path: gateway → Kafka → writer → shards', () => {
  const { pipeline, pools } = pipelineSuite();

  it('stores a posted snapshot on the shard its bucket maps to, every row with exact values', async () => {
    const prefix = `e2e-exact-${uniqueSuffix()}`;
    const [machine] = machinesOnShard(prefix, 1, 1);
    const snapshot = buildSnapshot(machine, 25);
    const response = await pipeline.post(JSON.stringify(snapshot));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0 });

    const shard = router.shardOf(machine);
    const { rows } = await pollUntil(
      () => pools[shard].query('SELECT * FROM process_samples WHERE machine_id = $1 ORDER BY pid', [machine]),
      (r) => r.rowCount === 25,
      { timeoutMs: 30_000, what: 'rows on the owning shard' },
    );
    const stored = rows.map((r) => ({
      pid: Number(r.pid),
      ppid: Number(r.ppid),
      name: r.name,
      username: r.username,
      cmdline: r.cmdline,
      cpu_pct: r.cpu_pct,
      mem_pct: r.mem_pct,
      rss_bytes: Number(r.rss_bytes),
      vms_bytes: Number(r.vms_bytes),
      threads: r.threads,
      state: r.state,
      io_read_bytes: Number(r.io_read_bytes),
      io_write_bytes: Number(r.io_write_bytes),
      start_time: (r.start_time as Date).toISOString(),
    }));
    expect(stored).toEqual(snapshot.processes);
    expect(rows.every((r) => (r.ts as Date).toISOString() === snapshot.ts)).toBe(true);
    const other = await countsByShard([pools[1 - shard]], machine);
    expect(other[0]).toEqual({ snapshots: 0, rows: 0 });
  });

  it('accepts gzip-encoded NDJSON and lands every snapshot on both shards', async () => {
    const prefix = `e2e-ndjson-${uniqueSuffix()}`;
    const machines = [...machinesOnShard(prefix, 0, 5), ...machinesOnShard(prefix, 1, 5)];
    const body = machines.map((m) => JSON.stringify(buildSnapshot(m, 10))).join('\n') + '\n';
    const response = await pipeline.post(gzipSync(body), {
      'content-type': 'application/x-ndjson',
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 10, duplicates: 0 });
    const counts = await pollUntil(
      () => countsByShard(pools, prefix),
      (c) => total(c).rows === 100,
      { timeoutMs: 30_000, what: '100 rows' },
    );
    expect(counts).toEqual([
      { snapshots: 5, rows: 50 },
      { snapshots: 5, rows: 50 },
    ]);
  });

  it.each(WIRE_FORMATS)('stores a snapshot produced straight into Kafka by a plain kafkajs producer (%s record)', async (format) => {
    const machine = `e2e-direct-${format}-${uniqueSuffix()}`;
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: pipeline.topic,
      messages: [recordsIn(format)(buildSnapshot(machine, 7))],
    });
    await producer.disconnect();
    const counts = await pollUntil(() => countsByShard(pools, machine), (c) => total(c).rows === 7, {
      timeoutMs: 30_000,
      what: 'directly produced rows',
    });
    expect(counts[router.shardOf(machine)]).toEqual({ snapshots: 1, rows: 7 });
  });

  it.each(WIRE_FORMATS)('leaves no duplicates when the same snapshot is posted twice and its records are replayed (%s records)', async (format) => {
    const prefix = `e2e-dup-${format}-${uniqueSuffix()}`;
    const snapshots = [0, 1, 2].map((i) => buildSnapshot(`${prefix}-${i}`, 12, Date.now() - i * 1000));
    const body = snapshots.map((s) => JSON.stringify(s)).join('\n');
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await pipeline.post(body, { 'content-type': 'application/x-ndjson' })).status).toBe(202);
    }
    // A replayed batch: the same records produced again, as after a writer crash before its commit
    // (in v2, the same snapshots in the other format: an exact replay all the same).
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic: pipeline.topic, messages: snapshots.map(recordsIn(format)) });
    await producer.disconnect();
    // Nine deliveries of three snapshots: once the writer has committed them all, count.
    await waitCaughtUp(pipeline.groupId, pipeline.topic);
    expect(total(await countsByShard(pools, `${prefix}-`))).toEqual({ snapshots: 3, rows: 36 });
    expect(await duplicateRows(pools, prefix)).toBe(0);
  });
});
