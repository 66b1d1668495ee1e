// Kafka batch compression (KAFKA_COMPRESSION, off by default: libs/config common.config.ts says why).
// kafkajs ships gzip only and asks for a codec to be registered for the others; Node 24's zlib has
// zstd built in (zlib.zstdCompress, libzstd inside Node), so zstd costs no dependency and no native
// download. Registered when this module loads (kafka-client.ts imports it), in producers and
// consumers alike: a consumer must decompress whatever a producer chose.
import { promisify } from 'node:util';
import { constants, zstdCompress, zstdDecompress } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import type { BatchCompression } from '@pa/config';

const compress = promisify(zstdCompress);
const decompress = promisify(zstdDecompress);

/**
 * zstd level 1: record batches are small (tens to hundreds of KiB) and the producer is on the
 * request path; higher levels cost CPU for little more on such JSON (measured in bench item 4).
 */
const ZSTD_LEVEL = 1;
const DECOMPRESS_CHUNK_BYTES = 1 << 20;

const zstdCodec = () => ({
  async compress(encoder: { buffer: Buffer }): Promise<Buffer> {
    return compress(encoder.buffer, { params: { [constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } });
  },
  async decompress(buffer: Buffer): Promise<Buffer> {
    // 1 MiB output chunks: with zlib's 16 KiB default, a batch of snapshots (~1 MB of JSON) comes
    // back in 60 pieces and costs twice the CPU (593 vs 276 ns a row, measured by hand on bench rows).
    return decompress(buffer, { chunkSize: DECOMPRESS_CHUNK_BYTES });
  },
});

CompressionCodecs[CompressionTypes.ZSTD] = zstdCodec;

/** kafkajs's compression type for a configured name. */
export function compressionType(name: BatchCompression): CompressionTypes {
  if (name === 'gzip') return CompressionTypes.GZIP;
  if (name === 'zstd') return CompressionTypes.ZSTD;
  return CompressionTypes.None;
}
