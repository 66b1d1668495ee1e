// Issue 14, "Conflicts are not silent": a snapshot with the (machine_id, ts) of a stored one is an
// exact replay (absorbed, counted as a duplicate) or a conflict (dead-lettered with a reason and
// counted in pa_writer_conflicts_total), whichever path it came by; never a silent loss.
import { Pool } from 'pg';
import { ProcessSnapshot, encodeSnapshotV2 } from '@pa/contracts';
import { WIRE_FORMATS, buildSnapshot, pollUntil, recordsIn, uniqueSuffix } from '@pa/testing';
import { readDeadLetters } from './support/dead-letters';
import { Pipeline } from './support/pipeline';
import { pipelineSuite } from './support/pipeline-suite';
import { scrape } from './support/prometheus-text';
import { countsByShard, total } from './support/shard-queries';
import { testKafka } from './support/test-stack';

const ndjson = { 'content-type': 'application/x-ndjson' };

describe('replays are absorbed, conflicts are visible', () => {
  const { pipeline, pools } = pipelineSuite(new Pipeline());

  async function conflictsCounted(): Promise<number> {
    const samples = await scrape(`${pipeline.writerUrl}/metrics`);
    return samples.filter((s) => s.name === 'pa_writer_conflicts_total').reduce((n, s) => n + s.value, 0);
  }

  async function cpuStored(machine: string): Promise<number[]> {
    const rows = await Promise.all(
      pools.map((p: Pool) => p.query<{ cpu_pct: number }>('SELECT cpu_pct FROM process_samples WHERE machine_id = $1 ORDER BY pid', [machine])),
    );
    return rows.flatMap((r) => r.rows.map((row) => row.cpu_pct));
  }

  // v2: the Kafka records are schema version 2 and the first was stored from JSON: the content
  // hash is the same across formats, so the replay is exact and the conflict still a conflict.
  it.each(WIRE_FORMATS)('stores the first, absorbs exact replays over HTTP and Kafka (%s records), dead-letters a conflicting one from each path', async (format) => {
    const machine = `e2e-conflict-${format}-${uniqueSuffix()}`;
    const first = buildSnapshot(machine, 3, Date.now() - 60_000);
    const conflicting: ProcessSnapshot = { ...first, processes: first.processes.map((p) => ({ ...p, cpu_pct: p.cpu_pct + 7 })) };
    // The same stored content in other JSON: keys reordered, the instant in another offset, an unknown field.
    const respelled = {
      processes: first.processes.map((p) => ({ note: 'ignored', ...p })),
      ts: new Date(Date.parse(first.ts) + 2 * 3_600_000).toISOString().replace('Z', '+02:00'),
      machine_id: machine,
    };
    const conflictsBefore = await conflictsCounted();

    expect((await pipeline.post(JSON.stringify(first))).status).toBe(202);
    await pollUntil(() => countsByShard(pools, machine), (c) => total(c).rows === 3, { timeoutMs: 30_000 });
    expect((await pipeline.post(JSON.stringify(first))).status).toBe(202);
    expect((await pipeline.post(JSON.stringify(respelled))).status).toBe(202);
    expect((await pipeline.post(JSON.stringify(conflicting))).status).toBe(202);
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic: pipeline.topic, messages: [first, conflicting].map(recordsIn(format)) });
    await producer.disconnect();

    const letters = await readDeadLetters(pipeline.dlqTopic, 2, 30_000, (l) => l.key === machine);
    expect(letters.map((l) => l.reason)).toEqual([
      `conflict: a different snapshot of machine_id ${machine} at ts ${new Date(Date.parse(first.ts)).toISOString()} is already stored (same machine_id and ts, other content); not stored`,
      expect.stringMatching(/^conflict: /),
    ]);
    expect(letters).toHaveLength(2);
    // The HTTP path's letter is the gateway's record: schema version 2, its default (GATEWAY_RECORD_FORMAT).
    expect(letters[0].bytes.equals(encodeSnapshotV2(conflicting))).toBe(true);
    if (format === 'v2') expect(letters[1].bytes.equals(encodeSnapshotV2(conflicting))).toBe(true);
    else expect(JSON.parse(letters[1].value)).toEqual(conflicting);
    await pollUntil(conflictsCounted, (n) => n === conflictsBefore + 2, { timeoutMs: 15_000 });
    expect(total(await countsByShard(pools, machine))).toEqual({ snapshots: 1, rows: 3 });
    expect(await cpuStored(machine)).toEqual(first.processes.map((p) => p.cpu_pct));
  });

  it('answers an NDJSON request with a repeated snapshot with accepted and duplicates counted apart', async () => {
    const machine = `e2e-repeat-${uniqueSuffix()}`;
    const a = buildSnapshot(machine, 2, Date.now() - 30_000);
    const b = buildSnapshot(machine, 2, Date.now() - 20_000);
    const response = await pipeline.post([a, b, a].map((s) => JSON.stringify(s)).join('\n'), ndjson);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 2, duplicates: 1 });
    const counts = await pollUntil(() => countsByShard(pools, machine), (c) => total(c).rows === 4, { timeoutMs: 30_000 });
    expect(total(counts)).toEqual({ snapshots: 2, rows: 4 });
  });

  it('refuses a request that carries two different snapshots of one machine and instant, naming both lines', async () => {
    const machine = `e2e-inner-conflict-${uniqueSuffix()}`;
    const a = buildSnapshot(machine, 2, Date.now() - 30_000);
    const other = { ...a, processes: [a.processes[0], { ...a.processes[1], rss_bytes: a.processes[1].rss_bytes + 1 }] };
    const response = await pipeline.post([a, other].map((s) => JSON.stringify(s)).join('\n'), ndjson);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      detail: '/snapshots/1: has the machine_id and ts of line 1 but other content (a conflict: one of them would be lost) (line 2)',
    });
  });
});
