import { gzipSync } from 'node:zlib';
import { IHeaders } from 'kafkajs';
import { ProcessSnapshot, encodeSnapshotV2 } from '@pa/contracts';
import { SNAPSHOT_RECORD_HEADERS, SNAPSHOT_V2_RECORD_HEADERS, buildSnapshot, recordsIn, snapshotRecord, uniqueSuffix } from '@pa/testing';
import { waitCaughtUp } from '../support/consumer-lag';
import { readDeadLetters } from '../support/dead-letters';
import { exactlyOnceProblems } from '../support/exactly-once';
import { Pipeline } from '../support/pipeline';
import { pipelineSuite } from '../support/pipeline-suite';
import { Prng, seededPrng } from '../support/seeded';
import { snapshotKey } from '../support/steady-load';
import { testKafka } from '../support/test-stack';
import { recordsInTopic } from '../support/topic-offsets';

const BODY_LIMIT = 256 * 1024;
const RECORD_LIMIT = 64 * 1024;
const MALFORMED_REQUESTS = 10_000;
const VALID_EVERY = 10; // one valid request after every 10 malformed ones
const MALFORMED_RECORDS = 1_000;
/** Records over 1 MiB (the stack's broker takes 32 MiB) whose dead letters a 1 MiB DLQ refuses. */
const OVERSIZED_RECORDS = 3;
const OVERSIZED_BYTES = 1_100_000;
/** Kafka's default message.max.bytes, set on this suite's DLQ topic. */
const DLQ_LIMIT = 1_048_588;
const IN_FLIGHT = 32;

const JSON_TYPE = { 'content-type': 'application/json' };
/** 1 MiB of spaces in 1 KiB of gzip: four times the body limit once decompressed. */
const GZIP_BOMB = gzipSync(' '.repeat(BODY_LIMIT * 4));

/** A malformed request: what to send, the status it must get, and words its problem must contain. */
interface BadRequest {
  kind: string;
  body: string | Buffer;
  headers: Record<string, string>;
  status: number;
  reason: string;
}

/** A malformed Kafka record and words its dlq-reason must contain. */
interface BadRecord {
  kind: string;
  value: Buffer | null;
  headers?: IHeaders;
  /** the start of the record's key when the kind is about the key (made unique; otherwise `bad-N`) */
  key?: string;
  reason: string;
}

const nested = (depth: number, open: string, leaf: string, close: string) => open.repeat(depth) + leaf + close.repeat(depth);
/** JSON text of `snapshot` with `raw` spliced in as the value of `field` (for what JSON.stringify cannot write). */
const withRaw = (snapshot: ProcessSnapshot, field: string, raw: string) =>
  JSON.stringify({ ...snapshot, [field]: '@@RAW@@' }).replace('"@@RAW@@"', raw);
const withInvalidUtf8 = (json: string) => {
  const bytes = Buffer.from(json);
  const at = bytes.indexOf('proc-');
  bytes[at] = 0xc3; // a lead byte followed by an ASCII byte: not UTF-8
  return bytes;
};

const V2 = SNAPSHOT_V2_RECORD_HEADERS;
const v2 = (snapshot: ProcessSnapshot) => encodeSnapshotV2(snapshot);
const v2WithInvalidUtf8 = (ok: ProcessSnapshot) => {
  const bytes = v2({ ...ok, processes: [{ ...ok.processes[0], cmdline: 'AAAA' }] });
  bytes[bytes.indexOf('AAAA')] = 0xff;
  return bytes;
};

/** Every kind of malformed request, varied by the PRNG; `ok` is a valid snapshot to corrupt. */
function badRequest(prng: Prng, ok: ProcessSnapshot): BadRequest {
  const p0 = ok.processes[0];
  const json = (value: unknown) => JSON.stringify(value);
  const kinds: (() => BadRequest)[] = [
    () => ({ kind: 'cpu as text', body: json({ ...ok, processes: [{ ...p0, cpu_pct: 'high' }] }), headers: JSON_TYPE, status: 400, reason: '/processes/0/cpu_pct: must be a number' }),
    () => ({ kind: 'fractional pid', body: json({ ...ok, processes: [{ ...p0, pid: 1.5 }] }), headers: JSON_TYPE, status: 400, reason: '/processes/0/pid: must be an integer' }),
    () => ({ kind: 'numeric machine_id', body: json({ ...ok, machine_id: prng.int(1, 1e9) }), headers: JSON_TYPE, status: 400, reason: '/machine_id: must be a string' }),
    () => ({ kind: 'no machine_id', body: json({ ...ok, machine_id: undefined }), headers: JSON_TYPE, status: 400, reason: '/machine_id: is required' }),
    () => ({ kind: 'no processes', body: json({ ...ok, processes: undefined }), headers: JSON_TYPE, status: 400, reason: '/processes: is required' }),
    () => ({ kind: 'process without name', body: json({ ...ok, processes: [{ ...p0, name: undefined }] }), headers: JSON_TYPE, status: 400, reason: '/processes/0/name: is required' }),
    () => ({ kind: 'processes as object', body: json({ ...ok, processes: { pid: 1 } }), headers: JSON_TYPE, status: 400, reason: '/processes: must be an array' }),
    () => ({ kind: 'negative mem', body: json({ ...ok, processes: [{ ...p0, mem_pct: -prng.between(0.1, 50) }] }), headers: JSON_TYPE, status: 400, reason: '/processes/0/mem_pct: must be a number ≥ 0' }),
    () => ({ kind: 'NUL in name', body: json({ ...ok, processes: [{ ...p0, name: 'a\u0000b' }] }), headers: JSON_TYPE, status: 400, reason: 'without NUL characters' }),
    () => ({ kind: 'ts not a date', body: json({ ...ok, ts: 'yesterday' }), headers: JSON_TYPE, status: 400, reason: '/ts: must be an RFC 3339 date-time' }),
    () => ({ kind: 'ts in the future', body: json({ ...ok, ts: new Date(Date.now() + prng.int(1, 30) * 86_400_000).toISOString() }), headers: JSON_TYPE, status: 400, reason: 'in the future' }),
    () => ({ kind: 'ts too old', body: json({ ...ok, ts: '2020-01-01T00:00:00Z' }), headers: JSON_TYPE, status: 400, reason: 'older than the retention' }),
    () => ({ kind: 'huge cmdline', body: json({ ...ok, processes: [{ ...p0, cmdline: 'x'.repeat(prng.int(32_769, 40_000)) }] }), headers: JSON_TYPE, status: 400, reason: 'must be at most 32768 characters' }),
    () => ({ kind: 'huge machine_id', body: json({ ...ok, machine_id: 'm'.repeat(prng.int(129, 5_000)) }), headers: JSON_TYPE, status: 400, reason: '/machine_id: must be at most 128 characters' }),
    // Over the limit in the record the gateway produces (schema version 2: 400 processes ≈ 82 KB, 117 KB of JSON).
    () => ({ kind: 'snapshot over the record limit', body: json(buildSnapshot(ok.machine_id, prng.int(400, 600), Date.parse(ok.ts))), headers: JSON_TYPE, status: 413, reason: `more than the ${RECORD_LIMIT} one snapshot may have` }),
    () => ({ kind: 'body over the limit', body: json({ ...ok, padding: 'x'.repeat(BODY_LIMIT) }), headers: JSON_TYPE, status: 413, reason: 'Payload Too Large' }),
    () => ({ kind: 'invalid UTF-8', body: withInvalidUtf8(json(ok)), headers: JSON_TYPE, status: 400, reason: 'not valid UTF-8' }),
    () => ({ kind: 'deeply nested processes', body: withRaw(ok, 'processes', nested(prng.int(1_000, 10_000), '[', '', ']')), headers: JSON_TYPE, status: 400, reason: '/processes/0: must be an object' }),
    () => ({ kind: 'deeply nested machine_id', body: withRaw(ok, 'machine_id', nested(prng.int(1_000, 10_000), '{"a":', '1', '}')), headers: JSON_TYPE, status: 400, reason: '/machine_id: must be a string' }),
    () => ({ kind: 'gigantic array', body: withRaw(ok, 'processes', `[${Array(prng.int(10_001, 20_000)).fill('0').join(',')}]`), headers: JSON_TYPE, status: 400, reason: '/processes: must have at most 10000 items' }),
    () => ({ kind: 'truncated gzip', body: gzipSync(json(ok)).subarray(0, prng.int(10, 40)), headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, status: 400, reason: 'gzip body could not be decoded' }),
    () => ({ kind: 'gzip bomb', body: GZIP_BOMB, headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, status: 413, reason: 'once decompressed' }),
    () => ({ kind: 'gzip that is not gzip', body: json(ok), headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, status: 400, reason: 'gzip body could not be decoded' }),
    () => ({ kind: 'text/plain', body: json(ok), headers: { 'content-type': 'text/plain' }, status: 415, reason: 'content-type text/plain is not supported' }),
    // A Buffer: for a string body fetch would add text/plain itself.
    () => ({ kind: 'no content type', body: Buffer.from(json(ok)), headers: {}, status: 415, reason: 'content-type (none) is not supported' }),
    () => ({ kind: 'form data', body: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, reason: 'is not supported' }),
    () => ({ kind: 'latin-1 charset', body: json(ok), headers: { 'content-type': 'application/json; charset=iso-8859-1' }, status: 415, reason: 'charset iso-8859-1 is not supported' }),
    () => ({ kind: 'brotli', body: json(ok), headers: { ...JSON_TYPE, 'content-encoding': 'br' }, status: 415, reason: 'content-encoding br is not supported' }),
    () => ({ kind: 'truncated JSON', body: json(ok).slice(0, prng.int(1, 60)), headers: JSON_TYPE, status: 400, reason: 'is not valid JSON' }),
    () => ({ kind: 'empty body', body: '', headers: JSON_TYPE, status: 400, reason: 'body is empty' }),
    () => ({ kind: 'JSON array', body: json([ok]), headers: JSON_TYPE, status: 400, reason: 'must be an object' }),
    () => ({ kind: 'JSON null', body: 'null', headers: JSON_TYPE, status: 400, reason: 'must be an object' }),
    () => {
      const lines = Array.from({ length: prng.int(2, 20) }, () => json(ok));
      const bad = prng.int(0, lines.length - 1);
      lines[bad] = json({ ...ok, processes: [{ ...p0, rss_bytes: -1 }] });
      return { kind: 'NDJSON with one bad line', body: lines.join('\n'), headers: { 'content-type': 'application/x-ndjson' }, status: 400, reason: `/snapshots/${bad}/processes/0/rss_bytes: must be a number ≥ 0 (line ${bad + 1})` };
    },
  ];
  return prng.pick(kinds)();
}

/** Every kind of malformed record a producer could write straight into the topic (each ≤ 40 KB: a send's batch per partition stays under the broker's 1 MB). */
function badRecord(prng: Prng, ok: ProcessSnapshot): BadRecord {
  const p0 = ok.processes[0];
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const kinds: (() => BadRecord)[] = [
    () => ({ kind: 'not JSON', value: Buffer.from(`not json ${prng.int(0, 1e6)}`), reason: 'value is not valid JSON' }),
    () => ({ kind: 'truncated JSON', value: json(ok).subarray(0, prng.int(1, 60)), reason: 'value is not valid JSON' }),
    () => ({ kind: 'invalid UTF-8', value: withInvalidUtf8(JSON.stringify(ok)), reason: 'value is not valid UTF-8' }),
    () => ({ kind: 'no value', value: null, reason: 'record has no value' }),
    () => ({ kind: 'empty value', value: Buffer.alloc(0), reason: 'record has no value' }),
    () => ({ kind: 'schema version 3', value: json(ok), headers: { 'schema-version': '3' }, reason: 'unsupported schema-version 3' }),
    () => ({ kind: 'JSON labelled schema version 2', value: json(ok), headers: V2, reason: 'is not a schema version 2 snapshot' }),
    // Schema version 2 (binary): the same rules, checked on the bytes.
    () => ({ kind: 'v2 truncated', value: v2(ok).subarray(0, -prng.int(1, 200)), headers: V2, reason: 'is truncated' }),
    () => ({ kind: 'v2 trailing bytes', value: Buffer.concat([v2(ok), Buffer.alloc(prng.int(1, 9))]), headers: V2, reason: 'bytes after its 3 processes' }),
    () => ({ kind: 'v2 NaN cpu_pct', value: v2({ ...ok, processes: [{ ...p0, cpu_pct: NaN }] }), headers: V2, reason: '/processes/0/cpu_pct: must be a number (not NaN)' }),
    () => ({ kind: 'v2 NUL in name', value: v2({ ...ok, processes: [p0, { ...p0, name: 'a\u0000b' }] }), headers: V2, reason: '/processes/1/name: must not contain NUL characters' }),
    () => ({ kind: 'v2 invalid UTF-8 in cmdline', value: v2WithInvalidUtf8(ok), headers: V2, reason: '/processes/0/cmdline: must be valid UTF-8' }),
    () => ({ kind: 'v2 huge pid', value: v2({ ...ok, processes: [{ ...p0, pid: 2 ** 32 }] }), headers: V2, reason: '/processes/0/pid: must be a number ≤ 4294967295' }),
    () => ({ kind: 'v2 ts in the future', value: v2({ ...ok, ts: new Date(Date.now() + 86_400_000).toISOString() }), headers: V2, reason: '/ts: is more than' }),
    () => ({ kind: 'v2 key of another machine', value: v2(ok), headers: V2, key: `${ok.machine_id}-other`, reason: 'record key is not its machine_id' }),
    () => ({ kind: 'gzip bytes', value: gzipSync(JSON.stringify(ok)), reason: 'value is not valid' }),
    () => ({ kind: 'no ts', value: json({ ...ok, ts: undefined }), reason: '/ts: is required' }),
    () => ({ kind: 'cpu as text', value: json({ ...ok, processes: [{ ...p0, cpu_pct: 'x' }] }), reason: '/processes/0/cpu_pct: must be a number' }),
    () => ({ kind: 'NUL in cmdline', value: json({ ...ok, processes: [{ ...p0, cmdline: '\u0000' }] }), reason: 'without NUL characters' }),
    () => ({ kind: 'machine_id with a space', value: json({ ...ok, machine_id: 'a b' }), reason: '/machine_id: must contain only' }),
    () => ({ kind: 'ts in the future', value: json({ ...ok, ts: new Date(Date.now() + 86_400_000).toISOString() }), reason: 'in the future' }),
    () => ({ kind: 'ts too old', value: json({ ...ok, ts: '2001-09-09T01:46:40Z' }), reason: 'older than the retention' }),
    () => ({ kind: 'huge cmdline', value: json({ ...ok, processes: [{ ...p0, cmdline: 'y'.repeat(prng.int(32_769, 40_000)) }] }), reason: 'must be at most 32768 characters' }),
    () => ({ kind: 'deep nesting', value: Buffer.from(withRaw(ok, 'processes', nested(prng.int(1_000, 10_000), '[', '', ']'))), reason: '/processes/0: must be an object' }),
    () => ({ kind: 'gigantic array', value: Buffer.from(withRaw(ok, 'processes', `[${Array(prng.int(10_001, 12_000)).fill('1').join(',')}]`)), reason: 'must have at most 10000 items' }),
    () => ({ kind: 'JSON number', value: Buffer.from(String(prng.int(0, 1e9))), reason: 'must be an object' }),
    () => ({ kind: 'no schema-version header', value: json(ok), headers: {}, reason: 'no schema-version header' }),
    () => ({ kind: 'key of another machine', value: json(ok), key: `${ok.machine_id}-other`, reason: 'record key is not its machine_id' }),
    () => ({ kind: 'lone surrogate in name', value: Buffer.from(withRaw(ok, 'processes', '[{"pid":1,"name":"a\\ud800b","cpu_pct":1,"mem_pct":1,"rss_bytes":1}]')), reason: 'no lone surrogates' }),
    () => ({ kind: 'urn:uuid batch_id', value: json({ ...ok, batch_id: 'urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8' }), reason: '/batch_id: must be a UUID' }),
    () => ({ kind: 'ts with a space for T', value: json({ ...ok, ts: ok.ts.replace('T', ' ') }), reason: '/ts: must be an RFC 3339 date-time' }),
  ];
  return prng.pick(kinds)();
}

/** Runs `task(0 … count-1)` with at most `limit` at once. */
async function bounded(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

describe('fault: bad input at volume', () => {
  const pipeline = new Pipeline({}, { GATEWAY_BODY_LIMIT_BYTES: String(BODY_LIMIT), GATEWAY_MAX_RECORD_BYTES: String(RECORD_LIMIT) });

  // Before the pipeline starts (so before the writer would create it): a DLQ with Kafka's default
  // size limit, which a record of the source topic plus the dead-letter headers can exceed.
  beforeAll(async () => {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const topic = pipeline.dlqTopic;
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(DLQ_LIMIT) }] }] });
    } finally {
      await admin.disconnect();
    }
  });
  const { pools } = pipelineSuite(pipeline);

  it(`${MALFORMED_REQUESTS} malformed requests and ${MALFORMED_RECORDS} malformed records: each refused with a reason, the valid ones in between all land`, async () => {
    const { prng } = seededPrng('bad-input-volume');
    const prefix = `e2e-badvol-${uniqueSuffix()}`;
    const valid = new Map<string, number>();
    let validTs = Date.now() - 3_600_000;
    const nextValid = (machine: string) => {
      const s = buildSnapshot(`${prefix}-${machine}`, 3, validTs++);
      valid.set(snapshotKey(s.machine_id, Date.parse(s.ts)), 3);
      return s;
    };
    const template = buildSnapshot(`${prefix}-bad`, 3, Date.now() - 60_000);

    // HTTP: every 11th request valid, the rest malformed, 32 in flight.
    const wrong: string[] = [];
    const byKind = new Map<string, number>();
    const total = MALFORMED_REQUESTS + Math.floor(MALFORMED_REQUESTS / VALID_EVERY);
    const requests = Array.from({ length: total }, (_, i) => ((i + 1) % (VALID_EVERY + 1) === 0 ? undefined : badRequest(prng, template)));
    const httpStarted = Date.now();
    await bounded(total, IN_FLIGHT, async (i) => {
      const bad = requests[i];
      if (!bad) {
        const response = await pipeline.post(JSON.stringify(nextValid('http')));
        await response.arrayBuffer();
        if (response.status !== 202) wrong.push(`valid request ${i}: ${response.status}`);
        return;
      }
      byKind.set(bad.kind, (byKind.get(bad.kind) ?? 0) + 1);
      const response = await pipeline.post(bad.body, bad.headers);
      const text = await response.text();
      const problem = response.headers.get('content-type')?.includes('application/problem+json') ? (JSON.parse(text) as { detail?: string }) : {};
      if (response.status !== bad.status || !problem.detail || !text.includes(bad.reason)) {
        wrong.push(`${bad.kind}: ${response.status} ${text.slice(0, 300)}`);
      }
    });
    const httpSeconds = (Date.now() - httpStarted) / 1000;
    process.stdout.write(`bad-input-volume: ${total} requests in ${httpSeconds.toFixed(1)} s (${(total / httpSeconds).toFixed(0)}/s); by kind ${JSON.stringify(Object.fromEntries(byKind))}\n`);
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(requests.filter(Boolean).length).toBeGreaterThanOrEqual(MALFORMED_REQUESTS);
    expect(byKind.size).toBe(33); // every kind was sent

    // Kafka: malformed records with unique keys, one valid snapshot after every 4.
    const records = Array.from({ length: MALFORMED_RECORDS }, (_, i) => {
      const r = badRecord(prng, template);
      return { ...r, key: r.key === undefined ? `bad-${i}` : `${r.key}-${i}` };
    });
    const producer = testKafka().producer();
    await producer.connect();
    try {
      for (let i = 0; i < records.length; i += 100) {
        const messages = records.slice(i, i + 100).flatMap((r, j) => {
          const bad = { key: r.key, value: r.value, headers: r.headers ?? SNAPSHOT_RECORD_HEADERS };
          if (j % 4 !== 3) return [bad];
          // The valid ones in both wire formats, alternately.
          const s = nextValid('kafka');
          return [bad, (i / 100) % 2 === 0 ? snapshotRecord(s) : recordsIn('v2')(s)];
        });
        await producer.send({ topic: pipeline.topic, messages });
      }
      for (let i = 0; i < OVERSIZED_RECORDS; i++) {
        const r = { kind: 'oversized dead letter', key: `big-${i}`, value: Buffer.alloc(OVERSIZED_BYTES, 'x'), reason: `value of ${OVERSIZED_BYTES} bytes not kept` };
        records.push(r);
        await producer.send({ topic: pipeline.topic, messages: [{ key: r.key, value: r.value, headers: SNAPSHOT_RECORD_HEADERS }] });
      }
    } finally {
      await producer.disconnect();
    }
    await waitCaughtUp(pipeline.groupId, pipeline.topic, 120_000);

    const dlq = pipeline.dlqTopic;
    const deadLetters = MALFORMED_RECORDS + OVERSIZED_RECORDS;
    expect(await recordsInTopic(dlq)).toBe(deadLetters);
    const letters = await readDeadLetters(dlq, deadLetters, 60_000);
    const expectedReason = new Map(records.map((r) => [r.key, r]));
    const misfiled = letters.filter((l) => !l.reason.includes(expectedReason.get(l.key)?.reason ?? '\u0000') || l.sourceTopic !== pipeline.topic);
    expect(misfiled.slice(0, 5).map((l) => `${expectedReason.get(l.key)?.kind}: ${l.reason}`)).toEqual([]);
    expect(new Set(letters.map((l) => l.key)).size).toBe(deadLetters);

    // Nothing malformed was published by the gateway; every valid snapshot (HTTP and Kafka) landed once.
    expect(valid.size).toBe(Math.floor(MALFORMED_REQUESTS / VALID_EVERY) + MALFORMED_RECORDS / 4);
    expect(await recordsInTopic(pipeline.topic)).toBe(valid.size + deadLetters);
    expect(await exactlyOnceProblems(pools, prefix, valid)).toEqual([]);
    expect(pipeline.gateway.exitStatus).toBeUndefined();
    expect(pipeline.writer.exitStatus).toBeUndefined();
    const health = (await (await fetch(`${pipeline.writerUrl}/healthz`)).json()) as { counters: { deadLettered: number } };
    expect(health.counters.deadLettered).toBe(deadLetters);
  }, 600_000);
});
