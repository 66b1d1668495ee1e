import { execFileSync } from 'node:child_process';
import { directFraming, directProduceRequest, encodeProduce, kafkajsParts, useDirectProduceEncoding } from './direct-produce-encoder';

type Frame = (args: { correlationId: number; clientId: string | null; request: unknown }) => Promise<{ buffer: Buffer }>;
type Factory = (args: unknown) => { encode: () => Promise<{ buffer: Buffer }> };

/** kafkajs's own produce v3 request and framing, and the direct ones built on them, from one registry of its own. */
function encoders(): { kafkajs: (args: unknown, clientId?: string | null) => Promise<Buffer>; direct: (args: unknown, clientId?: string | null) => Promise<Buffer>; frameAs: { kafkajs: Frame; direct: Frame } } {
  let result: ReturnType<typeof encoders> | undefined;
  jest.isolateModules(() => {
    const v3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as Factory;
    const frame = require('kafkajs/src/protocol/request.js') as Frame;
    const parts = kafkajsParts(require);
    const direct = directProduceRequest(v3 as never, parts) as unknown as Factory;
    const framing = directFraming(parts) as unknown as Frame;
    const run = (factory: Factory, f: Frame) => async (args: unknown, clientId: string | null = 'ingest-gateway') =>
      (await f({ correlationId: 41, clientId, request: factory(args) })).buffer;
    result = { kafkajs: run(v3, frame), direct: run(direct, framing), frameAs: { kafkajs: frame, direct: framing } };
  });
  return result as NonNullable<typeof result>;
}

const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255));

function produceArgs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const json = (n: number) => JSON.stringify({ machine_id: 'm-1', text: 'é✓😀'.repeat(n) });
  const partitions: { partition: number; firstSequence?: number; messages: Record<string, unknown>[] }[] = Array.from({ length: 4 }, (_, p) => ({
    partition: p,
    firstSequence: p * 3,
    messages: [
      { key: `m-${p}`, value: json(10 + p * 5_000), headers: { 'content-type': 'application/json', 'schema-version': '1' } },
      { key: null, value: bytes(p === 2 ? 300_000 : 70_000 + p, p), headers: { a: ['1', 'é'], b: bytes(5, 1) } },
      { key: bytes(16, p), value: null },
      { key: 'k', value: bytes(3, p), headers: {} },
      { value: 'no key' },
    ],
  }));
  // 150 records in one batch: offset deltas from 64 on take two varint bytes.
  partitions.push({ partition: 11, firstSequence: 2_000_000_000, messages: Array.from({ length: 150 }, (_, i) => ({ key: `m-${i}`, value: bytes(i * 7, i), headers: { n: String(i) } })) });
  partitions.push({ partition: 5, firstSequence: 0, messages: [] });
  return {
    acks: -1,
    timeout: 30_000,
    compression: 0,
    producerId: 4_321_987_654,
    producerEpoch: 3,
    topicData: [
      { topic: 'proc.snapshots.v1', partitions },
      { topic: 'proc.snapshots.tenant-é', partitions: [{ partition: 0, messages: [{ key: 'x', value: 'y' }] }] },
    ],
    ...overrides,
  };
}

describe('the direct produce encoding for kafkajs', () => {
  beforeEach(() => {
    // kafkajs stamps each partition's batch with Date.now(): the same instant for both.
    jest.spyOn(Date, 'now').mockReturnValue(1_764_763_200_123);
  });
  afterEach(() => jest.restoreAllMocks());

  it('frames a produce request byte for byte as kafkajs does (strings, multi-byte UTF-8, Buffers up to 300 KB, null keys and values, header arrays, 150 records, an empty partition, two topics)', async () => {
    const { kafkajs, direct } = encoders();
    expect(encodeProduce(produceArgs() as never, kafkajsParts(require))).toBeDefined();
    for (const overrides of [{}, { transactionalId: 'tx-é', acks: 1 }, { producerId: undefined, producerEpoch: undefined }, { producerId: '9007199254740993' }]) {
      const expected = await kafkajs(produceArgs(overrides));
      const actual = await direct(produceArgs(overrides));
      expect(actual.length).toBe(expected.length);
      expect(actual.equals(expected)).toBe(true);
    }
  });

  it('writes the request once, with the framing in its headroom, when the client id fits there; copies it once when not', async () => {
    const { kafkajs, direct } = encoders();
    for (const clientId of [null, '', 'c'.repeat(240), 'c'.repeat(300)]) {
      expect((await direct(produceArgs(), clientId)).equals(await kafkajs(produceArgs(), clientId))).toBe(true);
    }
  });

  it('leaves to kafkajs what it does not encode itself: compressed batches, messages with their own timestamps, values that are neither strings nor Buffers', async () => {
    const parts = kafkajsParts(require);
    const withTimestamp = produceArgs({ topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'a', value: 'b', timestamp: 1_700_000_000_000 }] }] }] });
    const withNumber = produceArgs({ topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'a', value: 5 }] }] }] });
    const withUndefinedHeader = produceArgs({ topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'a', value: 'b', headers: { h: undefined } }] }] }] });
    for (const args of [produceArgs({ compression: 1 }), withTimestamp, withNumber, withUndefinedHeader]) {
      expect(encodeProduce(args as never, parts)).toBeUndefined();
    }
    const { kafkajs, direct } = encoders();
    for (const args of [produceArgs({ compression: 1 }), withTimestamp]) {
      expect((await direct(args)).equals(await kafkajs(args))).toBe(true);
    }
    // kafkajs refuses a number value: so does the direct way, with kafkajs's own error.
    const refusal = await kafkajs(withNumber).catch((e: Error) => e.message);
    await expect(direct(withNumber)).rejects.toThrow(refusal as string);
  });

  it('frames any other request in one copy, byte for byte as kafkajs does', async () => {
    const { frameAs } = encoders();
    const Encoder = kafkajsParts(require).Encoder as unknown as new () => { writeString(s: string): unknown; writeInt32(n: number): unknown };
    const request = {
      apiKey: 3,
      apiVersion: 6,
      encode: async () => {
        const e = new Encoder();
        e.writeString('proc.snapshots.v1');
        e.writeInt32(-1);
        return e;
      },
    };
    for (const clientId of ['gateway', null]) {
      const expected = (await frameAs.kafkajs({ correlationId: 9, clientId, request })).buffer;
      expect((await frameAs.direct({ correlationId: 9, clientId, request })).buffer.equals(expected)).toBe(true);
    }
  });

  it('is what kafkajs’s produce requests use once installed first (a real Node process, not Jest’s registry), and stays kafkajs’s own with KAFKA_DIRECT_PRODUCE=off', () => {
    const script = `
      require(${JSON.stringify(require.resolve('./native-crc32c'))});
      const { useDirectProduceEncoding } = require(${JSON.stringify(require.resolve('./direct-produce-encoder'))});
      require('kafkajs');
      const v3 = require('kafkajs/src/protocol/requests/produce/v3/request.js');
      process.stdout.write(String(useDirectProduceEncoding() && Object.getOwnPropertySymbols(v3).length === 1));`;
    const run = (env: Record<string, string>) =>
      execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(run({})).toBe('true');
    expect(run({ KAFKA_DIRECT_PRODUCE: 'off' })).toBe('false');
    expect(useDirectProduceEncoding({ KAFKA_DIRECT_PRODUCE: 'off' })).toBe(false);
  });
});
