import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { compressionType } from './batch-compression';

describe('batch compression', () => {
  it('registers a zstd codec with kafkajs that gives back the exact bytes', async () => {
    const codec = CompressionCodecs[CompressionTypes.ZSTD]();
    const batch = Buffer.from(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ pid: i, cmdline: `/usr/bin/worker --id ${i} --queue jobs` }))));
    const compressed: Buffer = await codec.compress({ buffer: batch });
    expect(compressed.length).toBeLessThan(batch.length / 4);
    expect((await codec.decompress(compressed)).equals(batch)).toBe(true);
  });

  it('maps each configured name to the kafkajs compression type', () => {
    expect(compressionType('none')).toBe(CompressionTypes.None);
    expect(compressionType('gzip')).toBe(CompressionTypes.GZIP);
    expect(compressionType('zstd')).toBe(CompressionTypes.ZSTD);
  });
});
