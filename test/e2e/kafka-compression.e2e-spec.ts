import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { encodeSnapshotV2 } from '@pa/contracts';
import { buildSnapshot, pollUntil, uniqueSuffix } from '@pa/testing';
import { pipelineSuite } from './support/pipeline-suite';
import { Pipeline } from './support/pipeline';
import { countsByShard, duplicateRows, total } from './support/shard-queries';
import { recordsInTopic } from './support/topic-offsets';
import { machinesOnShard } from './support/test-stack';

/** Bytes of `topic`'s log segments in the test broker's data directory (infra/start-kafka.sh: $PA_STATE_DIR/kafka/data). */
function topicLogBytes(topic: string): number {
  const dataDir = join(process.env.PA_STATE_DIR ?? 'var/test', 'kafka', 'data');
  const partitions = readdirSync(dataDir).filter((name) => name.startsWith(`${topic}-`) && /^\d+$/.test(name.slice(topic.length + 1)));
  return partitions
    .flatMap((dir) => readdirSync(join(dataDir, dir)).filter((f) => f.endsWith('.log')).map((f) => statSync(join(dataDir, dir, f)).size))
    .reduce((a, b) => a + b, 0);
}

// zstd is the default (libs/config); `none` is still a choice an operator may make.
describe.each([
  ['zstd', (logBytes: number, valueBytes: number) => expect(logBytes).toBeLessThan(valueBytes / 3)],
  ['none', (logBytes: number, valueBytes: number) => expect(logBytes).toBeGreaterThan(valueBytes)],
])('gateway record batches with KAFKA_COMPRESSION=%s', (compression, expectLogBytes) => {
  const { pipeline, pools } = pipelineSuite(new Pipeline({}, { KAFKA_COMPRESSION: compression }));

  it('stores every posted snapshot exactly once and exactly; the broker holds the batches as configured', async () => {
    const prefix = `e2e-zstd-${uniqueSuffix()}`;
    const machines = [...machinesOnShard(prefix, 0, 10), ...machinesOnShard(prefix, 1, 10)];
    const snapshots = machines.map((m) => buildSnapshot(m, 100));
    const body = snapshots.map((s) => JSON.stringify(s)).join('\n') + '\n';
    const response = await pipeline.post(body, { 'content-type': 'application/x-ndjson' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 20, duplicates: 0 });

    const counts = await pollUntil(() => countsByShard(pools, prefix), (c) => total(c).rows === 2_000, { timeoutMs: 30_000, what: '2,000 rows' });
    expect(counts.every((c) => c.snapshots === 10 && c.rows === 1_000)).toBe(true);
    expect(await duplicateRows(pools, prefix)).toBe(0);
    const [first] = snapshots;
    const { rows } = await pools[0].query('SELECT pid, name, cmdline, cpu_pct, rss_bytes FROM process_samples WHERE machine_id = $1 ORDER BY pid', [first.machine_id]);
    expect(rows.map((r) => ({ pid: Number(r.pid), name: r.name, cmdline: r.cmdline, cpu_pct: r.cpu_pct, rss_bytes: Number(r.rss_bytes) }))).toEqual(
      first.processes.map((p) => ({ pid: p.pid, name: p.name, cmdline: p.cmdline, cpu_pct: p.cpu_pct, rss_bytes: p.rss_bytes })),
    );

    // zstd: far fewer bytes on the broker than the records' values; none: the values and the batch
    // framing. The values are what the gateway produces: schema version 2 by default (GATEWAY_RECORD_FORMAT).
    expect(await recordsInTopic(pipeline.topic)).toBe(20);
    expectLogBytes(topicLogBytes(pipeline.topic), snapshots.reduce((n, s) => n + encodeSnapshotV2(s).length, 0));
  });
});
