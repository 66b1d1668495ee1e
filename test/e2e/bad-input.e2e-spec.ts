import { gzipSync } from 'node:zlib';
import { buildSnapshot, pollUntil, snapshotRecord, uniqueSuffix } from '@pa/testing';
import { readDeadLetters } from './support/dead-letters';
import { Pipeline } from './support/pipeline';
import { pipelineSuite } from './support/pipeline-suite';
import { countsByShard, total } from './support/shard-queries';
import { testKafka } from './support/test-stack';
import { recordsInTopic } from './support/topic-offsets';

const BODY_LIMIT = 64 * 1024;

interface Case {
  name: string;
  status: number;
  body: string | Buffer;
  headers?: Record<string, string>;
  /** a fragment the problem's detail or errors must contain */
  names: string;
}

function cases(): Case[] {
  const ok = buildSnapshot('e2e-bad', 2);
  const json = { 'content-type': 'application/json' };
  const ndjson = { 'content-type': 'application/x-ndjson' };
  const withBadCpu = { ...ok, processes: [ok.processes[0], { ...ok.processes[1], cpu_pct: -3 }] };
  const lines = [ok, ok, ok, { ...ok, processes: ok.processes.map((p, i) => (i === 1 ? { ...p, cpu_pct: 'high' } : p)) }];
  return [
    { name: 'a negative cpu_pct', status: 400, body: JSON.stringify(withBadCpu), headers: json, names: '/processes/1/cpu_pct: must be a number ≥ 0' },
    {
      name: 'a bad field on NDJSON line 4',
      status: 400,
      body: lines.map((l) => JSON.stringify(l)).join('\n'),
      headers: ndjson,
      names: '/snapshots/3/processes/1/cpu_pct: must be a number (line 4)',
    },
    { name: 'a missing machine_id', status: 400, body: JSON.stringify({ ...ok, machine_id: undefined }), headers: json, names: '/machine_id: is required' },
    {
      name: 'a ts 10 minutes in the future',
      status: 400,
      body: JSON.stringify({ ...ok, ts: new Date(Date.now() + 600_000).toISOString() }),
      headers: json,
      names: '/ts: is more than 5 minutes in the future',
    },
    { name: 'invalid JSON', status: 400, body: '{"machine_id": "x", ', headers: json, names: 'is not valid JSON' },
    { name: 'invalid UTF-8', status: 400, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), headers: json, names: 'not valid UTF-8' },
    { name: 'an empty body', status: 400, body: '', headers: json, names: 'body is empty' },
    {
      name: 'truncated gzip',
      status: 400,
      body: gzipSync(JSON.stringify(ok)).subarray(0, 20),
      headers: { ...json, 'content-encoding': 'gzip' },
      names: 'gzip body could not be decoded',
    },
    { name: 'a body over the limit', status: 413, body: 'x'.repeat(BODY_LIMIT + 1), headers: json, names: 'Payload Too Large' },
    {
      name: 'a gzip body over the limit once decompressed',
      status: 413,
      body: gzipSync(' '.repeat(BODY_LIMIT * 4)),
      headers: { ...json, 'content-encoding': 'gzip' },
      names: 'once decompressed',
    },
    { name: 'text/plain', status: 415, body: JSON.stringify(ok), headers: { 'content-type': 'text/plain' }, names: 'content-type text/plain' },
    { name: 'brotli', status: 415, body: JSON.stringify(ok), headers: { ...json, 'content-encoding': 'br' }, names: 'content-encoding br' },
  ];
}

describe('bad input never crashes a service and is never silently dropped', () => {
  const { pipeline, pools } = pipelineSuite(new Pipeline({}, { GATEWAY_BODY_LIMIT_BYTES: String(BODY_LIMIT) }));

  it.each(cases().map((c) => [c.name, c] as const))('answers %s with its status and names the problem', async (_name, c) => {
    const before = await recordsInTopic(pipeline.topic);
    const response = await pipeline.post(c.body, c.headers);
    expect(response.status).toBe(c.status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { status: number };
    expect(problem.status).toBe(c.status);
    expect(JSON.stringify(problem)).toContain(c.names);
    expect(await recordsInTopic(pipeline.topic)).toBe(before);
  });

  it('is still healthy after all of that', async () => {
    expect((await fetch(`${pipeline.gatewayUrl}/healthz`)).status).toBe(200);
  });

  it('sends a poison record to the DLQ with the reason and source, and keeps consuming', async () => {
    const machine = `e2e-poison-${uniqueSuffix()}`;
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: pipeline.topic,
      messages: [
        { ...snapshotRecord(buildSnapshot(machine, 1)), value: 'not json at all' },
        snapshotRecord({ ...buildSnapshot(machine, 1), processes: [{ pid: 'x' } as never] }),
        { ...snapshotRecord(buildSnapshot(machine, 4)), key: null },
        { ...snapshotRecord(buildSnapshot(machine, 5)), headers: {} },
        snapshotRecord(buildSnapshot(machine, 3)),
      ],
    });
    await producer.disconnect();

    // The keyless record may land on any partition: its dead letter comes in any order.
    const letters = await readDeadLetters(pipeline.dlqTopic, 4);
    expect(letters).toHaveLength(4);
    expect(letters.map((l) => l.reason)).toEqual(
      expect.arrayContaining([
        'value is not valid JSON',
        expect.stringContaining('/processes/0/pid: must be an integer'),
        'record has no key (must be its machine_id)',
        'no schema-version header (must be 1 or 2)',
      ]),
    );
    const notJson = letters.find((l) => l.value === 'not json at all');
    const badPid = letters.find((l) => l.reason.includes('/processes/0/pid'));
    expect(notJson).toMatchObject({ reason: 'value is not valid JSON', sourceTopic: pipeline.topic });
    expect(Number(badPid?.sourceOffset)).toBe(Number(notJson?.sourceOffset) + 1);
    const counts = await pollUntil(() => countsByShard(pools, machine), (c) => total(c).rows === 3, { timeoutMs: 30_000 });
    expect(total(counts)).toEqual({ snapshots: 1, rows: 3 });
  });
});
