import { useLeanKafkaEncoder } from './kafkajs-encoder';

type Encode = (request: unknown) => Promise<Buffer>;

/** A produce request (v7, as the gateway sends to Kafka 4) framed as kafkajs puts it on the socket, encoded by a kafkajs of its own registry. */
function encoderOf(lean: boolean): { encode: (topicData: unknown[], compression: number) => Promise<Buffer>; isLean: boolean } {
  let result: { encode: (topicData: unknown[], compression: number) => Promise<Buffer>; isLean: boolean } | undefined;
  jest.isolateModules(() => {
    // Each registry has its own kafkajs Encoder class: one left as kafkajs ships it, one changed.
    const isLean = lean ? (require('./kafkajs-encoder') as { useLeanKafkaEncoder: typeof useLeanKafkaEncoder }).useLeanKafkaEncoder({}) : false;
    const produce = require('kafkajs/src/protocol/requests/produce/index.js') as { protocol: (v: { version: number }) => (args: unknown) => { request: unknown } };
    const frame = require('kafkajs/src/protocol/request.js') as (args: { correlationId: number; clientId: string; request: unknown }) => Promise<{ buffer: Buffer }>;
    const encode: Encode = async (request) => (await frame({ correlationId: 7, clientId: 'ingest-gateway', request })).buffer;
    result = {
      isLean,
      encode: (topicData, compression) => encode(produce.protocol({ version: 7 })({ acks: -1, timeout: 30_000, compression, topicData }).request),
    };
  });
  return result as NonNullable<typeof result>;
}

function topicData(): unknown[] {
  const value = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255));
  const json = (n: number) => JSON.stringify({ machine_id: 'm-1', text: 'é✓'.repeat(n) });
  const partitions = Array.from({ length: 5 }, (_, p) => ({
    partition: p,
    firstSequence: p * 3,
    messages: [
      { key: `m-${p}`, value: json(10 + p * 20_000), headers: { 'content-type': 'application/json', 'schema-version': '1' }, timestamp: 1_700_000_000_000 + p },
      { key: null, value: value(p === 2 ? 300_000 : 70_000 + p, p), headers: { a: ['1', '2'] }, timestamp: 1_700_000_000_500 },
      { key: 'k', value: value(3, p), timestamp: 1_700_000_001_000 },
    ],
  }));
  return [
    { topic: 'proc.snapshots.v1', partitions },
    { topic: 'proc.snapshots.tenant-a', partitions: [{ partition: 0, firstSequence: 0, messages: [{ key: 'x', value: 'y', timestamp: 1 }] }] },
  ];
}

describe('the lean kafkajs Encoder', () => {
  it('encodes a produce request byte for byte as kafkajs does, uncompressed and gzip (small, 64 KiB-crossing and 300 KB records, strings and buffers)', async () => {
    const kafkajs = encoderOf(false);
    const lean = encoderOf(true);
    expect(lean.isLean).toBe(true);
    for (const compression of [0, 1]) {
      const expected = await kafkajs.encode(topicData(), compression);
      const actual = await lean.encode(topicData(), compression);
      expect(actual.length).toBe(expected.length);
      expect(actual.equals(expected)).toBe(true);
    }
  });

  it('stays kafkajs’s own with KAFKA_LEAN_ENCODER=off', () => {
    expect(useLeanKafkaEncoder({ KAFKA_LEAN_ENCODER: 'off' })).toBe(false);
  });
});
