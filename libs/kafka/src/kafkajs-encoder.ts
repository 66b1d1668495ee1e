// kafkajs 2.2.4 encodes a produce request in nested Encoders (record, record batch, partition,
// topic, request, framing), each copying the one inside it, and an Encoder grows by zero-filled
// Buffer.alloc to the next power of two, copying what it holds at every step. For item 4's
// 65 KiB snapshots that allocated 1.08 MB per record (16×; 12 records per request over 12
// partitions) and cost 1.1 CPU-ms per record to encode, half the gateway's CPU per snapshot
// (FastBuffer, _copyActual and GC at the top of its V8 profile). Sizing each Encoder once for the
// encoders it is given, and growing past 64 KiB by what is needed (plus 4 KiB) without zero
// filling, halves that: 0.57-0.74 CPU-ms per record, 0.45 MB allocated (measured by hand: a v7 produce request of 12 records,
// same box, load 20). The bytes are the same (kafkajs-encoder.spec.ts); `buffer` has always been
// the written part only, so nothing reads the unfilled rest. KAFKA_LEAN_ENCODER=off keeps
// kafkajs's own growth (the bench compares both). Uncompressed produce requests no longer go
// through these Encoders (direct-produce-encoder.ts); compressed ones and every other request do.

/** The part of kafkajs's Encoder (kafkajs/src/protocol/encoder.js) this changes. */
interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
  ensureAvailable(length: number): void;
  writeEncoderArray(value: unknown[]): KafkajsEncoder;
  writeArray(array: unknown[], type?: string, length?: number): KafkajsEncoder;
}

interface KafkajsEncoderClass {
  prototype: KafkajsEncoder;
  nextPowerOfTwo(value: number): number;
}

/** Up to this size an Encoder still doubles (small writes follow); beyond it it grows by what is needed. */
const DOUBLING_BYTES = 64 * 1024;
const SLACK_BYTES = 4 * 1024;

const LEAN = Symbol('pa.leanEncoder');

/** True when kafkajs's Encoder sizes its buffers as above (false when turned off). Idempotent. */
export function useLeanKafkaEncoder(env: Record<string, string | undefined> = process.env): boolean {
  if (env.KAFKA_LEAN_ENCODER === 'off') return false;
  // Loaded from kafkajs itself (no types): the class every kafkajs protocol module requires.
  const Encoder = require('kafkajs/src/protocol/encoder.js') as KafkajsEncoderClass;
  const proto = Encoder.prototype as KafkajsEncoder & { [LEAN]?: true };
  if (proto[LEAN]) return true;
  const { writeEncoderArray, writeArray } = proto;
  proto.ensureAvailable = function ensureAvailable(this: KafkajsEncoder, length: number): void {
    const needed = this.offset + length;
    if (needed <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(needed < DOUBLING_BYTES ? Encoder.nextPowerOfTwo(needed) : needed + SLACK_BYTES);
    this.buf.copy(grown, 0, 0, this.offset);
    this.buf = grown;
  };
  // Room for all the encoders at once: one allocation instead of one per doubling.
  proto.writeEncoderArray = function (this: KafkajsEncoder, value: unknown[]): KafkajsEncoder {
    if (Array.isArray(value)) this.ensureAvailable(encodedBytes(value));
    return writeEncoderArray.call(this, value);
  };
  proto.writeArray = function (this: KafkajsEncoder, array: unknown[], type?: string, length?: number): KafkajsEncoder {
    const bytes = Array.isArray(array) ? encodedBytes(array) : 0;
    if (bytes > 0) this.ensureAvailable(4 + bytes);
    return writeArray.call(this, array, type, length);
  };
  proto[LEAN] = true;
  return true;
}

/** Bytes written so far by the Encoders in `values` (others count 0). */
function encodedBytes(values: unknown[]): number {
  let bytes = 0;
  for (const v of values) {
    if (typeof v === 'object' && v !== null && Buffer.isBuffer((v as KafkajsEncoder).buf)) bytes += (v as KafkajsEncoder).offset;
  }
  return bytes;
}
