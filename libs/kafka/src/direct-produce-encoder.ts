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

import { ProduceArgs, RequestWriterParts, writeProduceRequest } from './produce-request-writer';

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

/** What this needs of kafkajs (its own modules, so the bytes are computed as kafkajs computes them). */
export interface KafkajsParts extends RequestWriterParts {
  Encoder: { prototype: KafkajsEncoder };
}

type ProduceRequest = { encode: () => Promise<KafkajsEncoder> } & Record<string, unknown>;
type ProduceRequestFactory = (args: ProduceArgs) => ProduceRequest;
type Framing = (args: { correlationId: number; clientId: string | null; request: { apiKey: number; apiVersion: number; encode: () => unknown } }) => Promise<KafkajsEncoder>;

/** Bytes left free in front of a direct request for the framing's header (size, api key and version, correlation id, client id). */
const HEADROOM_BYTES = 256;
/** On a direct request's Encoder: the Buffer it is a view of, whose first HEADROOM_BYTES are free. */
const WHOLE = Symbol('pa.directProduce.whole');
const INSTALLED = Symbol('pa.directProduce');

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

/**
 * The produce request's body (transactional id, acks, timeout, topic data) as kafkajs's v3 request
 * encodes it uncompressed, as a kafkajs Encoder over one Buffer with HEADROOM_BYTES free in front;
 * undefined for what this leaves to kafkajs (see writeProduceRequest).
 */
export function encodeProduce(args: ProduceArgs, parts: KafkajsParts): KafkajsEncoder | undefined {
  const whole = writeProduceRequest(args, parts, HEADROOM_BYTES);
  if (!whole) return undefined;
  const encoder = encoderOver(parts, whole.subarray(HEADROOM_BYTES)) as KafkajsEncoder & { [WHOLE]?: Buffer };
  encoder[WHOLE] = whole;
  return encoder;
}

useDirectProduceEncoding();
