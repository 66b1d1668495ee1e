// kafkajs 2.2.4's uncompressed produce request v3 (which v4-v7 send unchanged) written into one
// Buffer: its record batches (v2, magic 2) and records (v0) byte for byte as kafkajs's nested
// Encoders write them (direct-produce-encoder.ts installs it; its spec compares the bytes).

export interface LongLike {
  getHighBits(): number;
  getLowBits(): number;
}

export interface ProduceMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  timestamp?: unknown;
}

export interface ProduceArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: { topic: string; partitions: { partition: number; firstSequence?: number; messages: ProduceMessage[] }[] }[];
}

/** What the writer takes of kafkajs: its Long (for 64-bit fields, as its Encoder writes them) and the CRC32C of its record batches. */
export interface RequestWriterParts {
  Long: { fromValue(value: unknown): LongLike; fromInt(value: number): LongLike };
  crc32C: (buffer: Buffer) => number;
}

const COMPRESSION_NONE = 0;
const MAGIC_BYTE = 2;
const TRANSACTIONAL_MASK = 16;

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
 * encodes it uncompressed, written after `headroomBytes` left free, in one Buffer sized up front;
 * undefined for what this leaves to kafkajs (compression, timestamps given by the caller, keys,
 * values or headers that are not strings or Buffers).
 */
export function writeProduceRequest(args: ProduceArgs, parts: RequestWriterParts, headroomBytes: number): Buffer | undefined {
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
  const whole = Buffer.allocUnsafe(headroomBytes + bytes);
  const out = whole.subarray(headroomBytes);
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
  return whole;
}

/** One partition's record set: partition, its size, then the record batch (v2, magic 2) with its CRC32C. */
function writeBatch(
  out: Buffer,
  at: number,
  parts: RequestWriterParts,
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
