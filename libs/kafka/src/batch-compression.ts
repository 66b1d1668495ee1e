// Kafka batch compression (KAFKA_COMPRESSION, off by default: libs/config common.config.ts says why).
// kafkajs ships gzip only and asks for a codec to be registered for the others; Node 24's zlib has
// zstd built in (zlib.zstdCompress, libzstd inside Node), so zstd costs no dependency and no native
// download. Registered when this module loads (kafka-client.ts imports it), in producers and
// consumers alike: a consumer must decompress whatever a producer chose.
import { promisify } from 'node:util';
import { constants, zstdCompress, zstdDecompress, zstdDecompressSync } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import type { BatchCompression } from '@pa/config';

const compress = promisify(zstdCompress);
const decompress = promisify(zstdDecompress);

/**
 * zstd level 1: record batches are small (tens to hundreds of KiB) and the producer is on the
 * request path; higher levels cost CPU for little more on such JSON (measured in bench item 4).
 */
const ZSTD_LEVEL = 1;
/** output size guessed per compressed byte when a frame does not state its size (JSON batches: 6-7×) */
const GUESSED_RATIO = 8;
/** output chunk bounds: zlib's smallest chunk (Z_MIN_CHUNK) for a stated size, 64 KiB for a guess; at most 16 MiB */
const MIN_CHUNK_BYTES = 64;
const MIN_GUESSED_CHUNK_BYTES = 64 * 1024;
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
/** largest (stated or guessed) output decompressed on the event loop: about half a millisecond of zstd */
const SYNC_OUTPUT_MAX_BYTES = 1024 * 1024;
const ZSTD_MAGIC = 0xfd2fb528;

const zstdCodec = () => ({
  async compress(encoder: { buffer: Buffer }): Promise<Buffer> {
    return compress(encoder.buffer, { params: { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } });
  },
  async decompress(buffer: Buffer): Promise<Buffer> {
    // kafkajs decompresses each record batch on its own, and producers spreading records over
    // many partitions send batches of one or a few records (the bench's zstd topic: about one
    // 66 KB JSON record per batch). Each call paid a fixed cost larger than the work: a 1 MiB
    // output buffer, a trip to the thread pool and back. Now the output buffer is sized from the
    // frame header (or guessed from the compressed size: our producers' streamed frames state
    // none) and small batches are decompressed on the spot. Measured by hand (node, 66 KB fleet
    // records, 2026-12-02, load 15-19), CPU per row: 1-record batches 1.3-1.5 µs with 1 MiB chunks
    // through the pool, 0.41-0.51 µs now; 10-record batches 0.42-0.49 before, 0.31-0.54 now. The
    // writer on bench item 1's zstd topic: 12.2-14.8 CPU-s per million rows before, 5.8-8.4 after
    // (bench/results/2026-12-02T163351Z.json), as much as uncompressed batches cost it.
    // A frame whose content disagrees with its stated size is refused either way ("corruption").
    const stated = frameContentSize(buffer);
    const expected = stated ?? buffer.length * GUESSED_RATIO;
    const chunkSize = Math.min(MAX_CHUNK_BYTES, Math.max(stated === undefined ? MIN_GUESSED_CHUNK_BYTES : MIN_CHUNK_BYTES, expected));
    return expected <= SYNC_OUTPUT_MAX_BYTES ? zstdDecompressSync(buffer, { chunkSize }) : decompress(buffer, { chunkSize });
  },
});

CompressionCodecs[CompressionTypes.ZSTD] = zstdCodec;

/**
 * The decompressed size a zstd frame's header states (RFC 8878 §3.1.1.1), or undefined when it
 * states none or `frame` is not a zstd frame. Only the first frame is read.
 */
export function frameContentSize(frame: Buffer): number | undefined {
  if (frame.length < 5 || frame.readUInt32LE(0) !== ZSTD_MAGIC) return undefined;
  const descriptor = frame[4];
  const sizeFlag = descriptor >> 6;
  const isSingleSegment = (descriptor & 0x20) !== 0;
  const at = 5 + (isSingleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3];
  const bytes = sizeFlag === 0 ? (isSingleSegment ? 1 : 0) : [0, 2, 4, 8][sizeFlag];
  if (bytes === 0 || at + bytes > frame.length) return undefined;
  if (bytes === 1) return frame[at];
  if (bytes === 2) return frame.readUInt16LE(at) + 256;
  if (bytes === 4) return frame.readUInt32LE(at);
  const size = frame.readBigUInt64LE(at);
  return size > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(size);
}

/** kafkajs's compression type for a configured name. */
export function compressionType(name: BatchCompression): CompressionTypes {
  if (name === 'gzip') return CompressionTypes.GZIP;
  if (name === 'zstd') return CompressionTypes.ZSTD;
  return CompressionTypes.None;
}
