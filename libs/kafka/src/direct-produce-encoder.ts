// kafkajs 2.2.4 encodes an uncompressed produce request in nested Encoders (record, batch body,
// batch, record set, partition, topic, request, then two more in its framing, protocol/request.js),
// each copying the one inside it: every record's value is copied nine times, with a Buffer.from
// for every varint and BigInt Longs on the way. Under item 4's load that was the gateway's
// `_copyActual` (6%), most of `createUnsafeBuffer` and `FastBuffer` (3%) and part of its GC (V8
// profile, 2026-12-03). This writes the same bytes (direct-produce-encoder.spec.ts compares them
// with kafkajs's) into one Buffer sized up front, each value copied once, with room in front for
// the framing, which then writes its header there instead of copying the request twice more.
// Item 4, same rounds: 1.71 against 2.51 CPU-ms per snapshot (0.72×; 0.73× and 0.74× in two
// earlier runs; bench/results/2026-12-03T130750Z.json, …125727Z, …125155Z); GC 11.5% → 8.1% of
// the busy thread (V8 profiles of both, one run); what is left is the native CRC32C and one copy.
//
// kafkajs's modules take each other with `require` when first loaded (produce v4-v7 wrap v3's
// request, the connection holds protocol/request.js), so both are replaced in Node's require
// cache before anything loads kafkajs, as native-crc32c.ts does: @pa/kafka's index imports this
// first. Compressed requests, messages with their own timestamps and any shape it does not know
// keep kafkajs's own encoding. KAFKA_DIRECT_PRODUCE=off keeps kafkajs's own for all (the bench
// compares both).

const PATHS = {
  produceV3: 'kafkajs/src/protocol/requests/produce/v3/request.js',
  produceV4: 'kafkajs/src/protocol/requests/produce/v4/request.js',
  framing: 'kafkajs/src/protocol/request.js',
  connection: 'kafkajs/src/network/connection.js',
  encoder: 'kafkajs/src/protocol/encoder.js',
  long: 'kafkajs/src/utils/long.js',
  crc32c: 'kafkajs/src/protocol/recordBatch/crc32C/index.js',
} as const;

/** kafkajs's Encoder as this module uses it: its buffer and the bytes written to it. */
export interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
  size(): number;
}

interface LongLike {
  getHighBits(): number;
  getLowBits(): number;
}

/** What this needs of kafkajs (its own modules, so the bytes are computed as kafkajs computes them). */
export interface KafkajsParts {
  Encoder: { prototype: KafkajsEncoder };
  Long: { fromValue(value: unknown): LongLike; fromInt(value: number): LongLike };
  crc32C: (buffer: Buffer) => number;
}

interface ProduceMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  timestamp?: unknown;
}

interface ProduceArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: { topic: string; partitions: { partition: number; firstSequence?: number; messages: ProduceMessage[] }[] }[];
}

type ProduceRequest = { encode: () => Promise<KafkajsEncoder> } & Record<string, unknown>;
type ProduceRequestFactory = (args: ProduceArgs) => ProduceRequest;
type Framing = (args: { correlationId: number; clientId: string | null; request: { apiKey: number; apiVersion: number; encode: () => unknown } }) => Promise<KafkajsEncoder>;

/** Bytes left free in front of a direct request for the framing's header (size, api key and version, correlation id, client id). */
const HEADROOM_BYTES = 256;
/** On a direct request's Encoder: the Buffer it is a view of, whose first HEADROOM_BYTES are free. */
const WHOLE = Symbol('pa.directProduce.whole');
const INSTALLED = Symbol('pa.directProduce');
const COMPRESSION_NONE = 0;
const MAGIC_BYTE = 2;
const TRANSACTIONAL_MASK = 16;

/**
 * True when kafkajs encodes uncompressed produce requests as above (false when turned off, or when
 * kafkajs's produce requests or connection were loaded before this could replace them). Idempotent.
 */
export function useDirectProduceEncoding(env: Record<string, string | undefined> = process.env): boolean {
  if (env.KAFKA_DIRECT_PRODUCE === 'off') return false;
  const v3Path = require.resolve(PATHS.produceV3);
  const framingPath = require.resolve(PATHS.framing);
  const v3 = require.cache[v3Path];
  if (v3 && (v3.exports as { [INSTALLED]?: true })[INSTALLED]) return true;
  if (v3 || require.cache[require.resolve(PATHS.produceV4)] || require.cache[require.resolve(PATHS.connection)]) return false;
  const parts = kafkajsParts();
  const v3Module = require.cache[v3Path] ?? loaded(v3Path);
  v3Module.exports = directProduceRequest(v3Module.exports as ProduceRequestFactory, parts);
  const framingModule = require.cache[framingPath] ?? loaded(framingPath);
  framingModule.exports = directFraming(parts);
  return true;
}

function loaded(path: string): NodeJS.Module {
  require(path);
  return require.cache[path] as NodeJS.Module;
}

/** kafkajs's Encoder, Long and the CRC32C its record batches use (the native one when installed first). */
export function kafkajsParts(load: (path: string) => unknown = require): KafkajsParts {
  return {
    Encoder: load(PATHS.encoder) as KafkajsParts['Encoder'],
    Long: load(PATHS.long) as KafkajsParts['Long'],
    crc32C: load(PATHS.crc32c) as KafkajsParts['crc32C'],
  };
}

/** kafkajs's produce request v3 (which v4-v7 wrap), encoding directly what it can. */
export function directProduceRequest(original: ProduceRequestFactory, parts: KafkajsParts): ProduceRequestFactory {
  const factory = (args: ProduceArgs): ProduceRequest => {
    const request = original(args);
    const encodeAsKafkajs = request.encode;
    request.encode = async () => encodeProduce(args, parts) ?? encodeAsKafkajs();
    return request;
  };
  return Object.assign(factory, { [INSTALLED]: true as const });
}

/** kafkajs's protocol/request.js: size, api key, api version, correlation id, client id, then the request. */
export function directFraming(parts: KafkajsParts): Framing {
  return async ({ correlationId, clientId, request: { apiKey, apiVersion, encode } }) => {
    const payload = (await encode()) as KafkajsEncoder & { [WHOLE]?: Buffer };
    const clientIdBytes = clientId == null ? 0 : Buffer.byteLength(clientId, 'utf8');
    const headerBytes = 4 + 2 + 2 + 4 + 2 + clientIdBytes;
    const payloadBytes = payload.size();
    const whole = payload[WHOLE];
    let frame: Buffer;
    if (whole && headerBytes <= HEADROOM_BYTES) {
      // The request was written after HEADROOM_BYTES free ones: the header goes just before it.
      frame = whole.subarray(HEADROOM_BYTES - headerBytes, HEADROOM_BYTES + payloadBytes);
    } else {
      frame = Buffer.allocUnsafe(headerBytes + payloadBytes);
      payload.buffer.copy(frame, headerBytes);
    }
    const header = frame.subarray(0, headerBytes);
    header.writeInt32BE(headerBytes - 4 + payloadBytes, 0);
    header.writeInt16BE(apiKey, 4);
    header.writeInt16BE(apiVersion, 6);
    header.writeInt32BE(correlationId, 8);
    header.writeInt16BE(clientId == null ? -1 : clientIdBytes, 12);
    if (clientId != null) header.write(clientId, 14, clientIdBytes, 'utf8');
    return encoderOver(parts, frame);
  };
}

/** A kafkajs Encoder holding `bytes` (all written). */
function encoderOver(parts: KafkajsParts, bytes: Buffer): KafkajsEncoder {
  const encoder = Object.create(parts.Encoder.prototype) as KafkajsEncoder;
  encoder.buf = bytes;
  encoder.offset = bytes.length;
  return encoder;
}

/** A record's key, value or header value as bytes to write: a Buffer, a string (UTF-8), or null (-1). */
type Bytes = Buffer | string | null;

interface RecordPlan {
  key: Bytes;
  value: Bytes;
  headers: [string, Buffer | string][];
  bodyBytes: number;
}

/**
 * The produce request's body (transactional id, acks, timeout, topic data) as kafkajs's v3 request
 * encodes it uncompressed, in one Buffer; undefined for what this leaves to kafkajs (compression,
 * timestamps given by the caller, keys, values or headers that are not strings or Buffers).
 */
export function encodeProduce(args: ProduceArgs, parts: KafkajsParts): KafkajsEncoder | undefined {
  if ((args.compression ?? COMPRESSION_NONE) !== COMPRESSION_NONE || !Array.isArray(args.topicData)) return undefined;
  const transactionalId = args.transactionalId === undefined ? null : args.transactionalId;
  if (transactionalId !== null && typeof transactionalId !== 'string') return undefined;
  if (args.producerId === null) return undefined;
  const producerId = args.producerId === undefined ? parts.Long.fromInt(-1) : parts.Long.fromValue(args.producerId);
  const producerEpoch = args.producerEpoch ?? 0;
  // Plan: every record's size, so that the whole request is one allocation.
  const plans: RecordPlan[][][] = [];
  let bytes = stringBytes(transactionalId) + 2 + 4 + 4;
  for (const { topic, partitions } of args.topicData) {
    if (typeof topic !== 'string' || !Array.isArray(partitions)) return undefined;
    const topicPlans: RecordPlan[][] = [];
    bytes += stringBytes(topic) + 4;
    for (const { messages } of partitions) {
      if (!Array.isArray(messages)) return undefined;
      const records: RecordPlan[] = [];
      // partition, record set size, first offset, batch length, leader epoch, magic, CRC, then the batch body's header
      bytes += 4 + 4 + 8 + 4 + 4 + 1 + 4 + (2 + 4 + 8 + 8 + 8 + 2 + 4 + 4);
      for (let i = 0; i < messages.length; i++) {
        const plan = planRecord(messages[i], i);
        if (!plan) return undefined;
        records.push(plan);
        bytes += varIntBytes(plan.bodyBytes) + plan.bodyBytes;
      }
      topicPlans.push(records);
    }
    plans.push(topicPlans);
  }
  const whole = Buffer.allocUnsafe(HEADROOM_BYTES + bytes);
  const out = whole.subarray(HEADROOM_BYTES);
  let w = writeString(out, 0, transactionalId);
  w = out.writeInt16BE(args.acks, w);
  w = out.writeInt32BE(args.timeout, w);
  w = out.writeInt32BE(args.topicData.length, w);
  args.topicData.forEach(({ topic, partitions }, t) => {
    w = writeString(out, w, topic);
    w = out.writeInt32BE(partitions.length, w);
    partitions.forEach(({ partition, firstSequence }, p) => {
      w = writeBatch(out, w, parts, plans[t][p], {
        partition,
        firstSequence: firstSequence ?? 0,
        transactional: !!transactionalId,
        producerId,
        producerEpoch,
      });
    });
  });
  if (w !== bytes) throw new Error(`direct produce encoding wrote ${w} bytes of the ${bytes} planned`);
  const encoder = encoderOver(parts, out) as KafkajsEncoder & { [WHOLE]?: Buffer };
  encoder[WHOLE] = whole;
  return encoder;
}

/** One partition's record set: partition, its size, then the record batch (v2, magic 2) with its CRC32C. */
function writeBatch(
  out: Buffer,
  at: number,
  parts: KafkajsParts,
  records: RecordPlan[],
  batch: { partition: number; firstSequence: number; transactional: boolean; producerId: LongLike; producerEpoch: number },
): number {
  // One Date.now() per partition, as kafkajs's partition encoder takes it when no message has a timestamp.
  const now = parts.Long.fromValue(Date.now());
  let w = out.writeInt32BE(batch.partition, at);
  const recordSetAt = w;
  w += 4;
  w = writeLong(out, w, parts.Long.fromInt(0)); // first offset
  const batchLengthAt = w;
  w += 4;
  w = out.writeInt32BE(0, w); // partition leader epoch
  w = out.writeInt8(MAGIC_BYTE, w);
  const crcAt = w;
  w += 4;
  const bodyAt = w;
  w = out.writeInt16BE(batch.transactional ? TRANSACTIONAL_MASK : 0, w); // attributes: no compression, create time
  w = out.writeInt32BE(records.length - 1, w); // last offset delta
  w = writeLong(out, w, now); // first timestamp
  w = writeLong(out, w, now); // max timestamp
  w = writeLong(out, w, batch.producerId);
  w = out.writeInt16BE(batch.producerEpoch, w);
  w = out.writeInt32BE(batch.firstSequence, w);
  w = out.writeInt32BE(records.length, w);
  for (let i = 0; i < records.length; i++) w = writeRecord(out, w, records[i], i);
  out.writeUInt32BE(parts.crc32C(out.subarray(bodyAt, w)), crcAt);
  out.writeInt32BE(w - crcAt + 4 + 1, batchLengthAt); // from the leader epoch on
  out.writeInt32BE(w - recordSetAt - 4, recordSetAt);
  return w;
}

/** What kafkajs's Record v0 writes for a message without a timestamp, its size computed as kafkajs does; undefined for other shapes. */
function planRecord(message: ProduceMessage, offsetDelta: number): RecordPlan | undefined {
  if (typeof message !== 'object' || message === null || message.timestamp != null) return undefined;
  const key = message.key ?? null;
  const value = message.value ?? null;
  if (!isBytes(key) || !isBytes(value)) return undefined;
  const headers: [string, Buffer | string][] = [];
  const given = message.headers === undefined ? {} : message.headers;
  if (typeof given !== 'object' || given === null) return undefined;
  for (const name of Object.keys(given)) {
    const v = given[name];
    for (const one of Array.isArray(v) ? v : [v]) {
      if (typeof one !== 'string' && !Buffer.isBuffer(one)) return undefined;
      headers.push([name, one]);
    }
  }
  let bodyBytes = 1 + 1 + varIntBytes(offsetDelta) + varIntBytesOf(key) + varIntBytesOf(value) + varIntBytes(headers.length);
  for (const [name, v] of headers) bodyBytes += varIntBytesOf(name) + varIntBytesOf(v);
  return { key, value, headers, bodyBytes };
}

function writeRecord(out: Buffer, at: number, record: RecordPlan, offsetDelta: number): number {
  let w = writeVarInt(out, at, record.bodyBytes);
  out[w++] = 0; // attributes
  out[w++] = 0; // timestamp delta: a varlong 0
  w = writeVarInt(out, w, offsetDelta);
  w = writeVarIntBytes(out, w, record.key);
  w = writeVarIntBytes(out, w, record.value);
  w = writeVarInt(out, w, record.headers.length);
  for (const [name, v] of record.headers) {
    w = writeVarIntBytes(out, w, name);
    w = writeVarIntBytes(out, w, v);
  }
  return w;
}

function isBytes(value: unknown): value is Bytes {
  return value === null || typeof value === 'string' || Buffer.isBuffer(value);
}

function byteLength(value: Buffer | string): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

/** kafkajs's writeString: int16 length (-1 for null), UTF-8. */
function stringBytes(value: string | null): number {
  return 2 + (value === null ? 0 : Buffer.byteLength(value, 'utf8'));
}

function writeString(out: Buffer, at: number, value: string | null): number {
  if (value === null) return out.writeInt16BE(-1, at);
  const w = out.writeInt16BE(Buffer.byteLength(value, 'utf8'), at);
  return w + out.write(value, w, 'utf8');
}

function writeLong(out: Buffer, at: number, value: LongLike): number {
  out.writeInt32BE(value.getHighBits(), at);
  return out.writeInt32BE(value.getLowBits(), at + 4);
}

/** kafkajs's sizeOfVarIntBytes: a zigzag varint length (-1 for null), then the bytes. */
function varIntBytesOf(value: Bytes): number {
  if (value === null) return varIntBytes(-1);
  const n = byteLength(value);
  return varIntBytes(n) + n;
}

function writeVarIntBytes(out: Buffer, at: number, value: Bytes): number {
  if (value === null) return writeVarInt(out, at, -1);
  if (typeof value === 'string') {
    const n = Buffer.byteLength(value, 'utf8');
    const w = writeVarInt(out, at, n);
    return w + out.write(value, w, n, 'utf8');
  }
  const w = writeVarInt(out, at, value.length);
  return w + value.copy(out, w);
}

/** kafkajs's zigzag varint (Encoder.encodeZigZag, then 7 bits a byte), its size. */
function varIntBytes(value: number): number {
  let encoded = (value << 1) ^ (value >> 31);
  let bytes = 1;
  while ((encoded & 0xffffff80) !== 0) {
    bytes++;
    encoded >>>= 7;
  }
  return bytes;
}

function writeVarInt(out: Buffer, at: number, value: number): number {
  let encoded = (value << 1) ^ (value >> 31);
  let w = at;
  while ((encoded & 0xffffff80) !== 0) {
    out[w++] = (encoded & 0x7f) | 0x80;
    encoded >>>= 7;
  }
  out[w++] = encoded & 0x7f;
  return w;
}

useDirectProduceEncoding();
