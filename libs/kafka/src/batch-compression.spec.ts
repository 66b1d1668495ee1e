import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { zstdCompressSync } from 'node:zlib';
import { compressionType, frameContentSize } from './batch-compression';

describe('batch compression', () => {
  it('registers a zstd codec with kafkajs that gives back the exact bytes', async () => {
    const codec = CompressionCodecs[CompressionTypes.ZSTD]();
    const batch = Buffer.from(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ pid: i, cmdline: `/usr/bin/worker --id ${i} --queue jobs` }))));
    const compressed: Buffer = await codec.compress({ buffer: batch });
    expect(compressed.length).toBeLessThan(batch.length / 4);
    expect((await codec.decompress(compressed)).equals(batch)).toBe(true);
  });

  it('gives back the exact bytes of batches small and large, whether their frames state a size or not', async () => {
    const codec = CompressionCodecs[CompressionTypes.ZSTD]();
    for (const length of [0, 1, 63, 64, 255, 256, 65_791, 70_000, 1 << 20, (1 << 20) + 1, 3_000_000, 17_000_000]) {
      // Bytes that barely compress and bytes that compress 1000-fold: the guessed output size is
      // wrong both ways. Past 16 MiB (the largest output chunk) only the cheap one.
      const noisy = Buffer.allocUnsafe(length);
      if (length < 16 << 20) for (let i = 0, x = 1; i < length; i++) noisy[i] = (x = (x * 1_103_515_245 + 12_345) >>> 0) >>> 24;
      for (const batch of length < 16 << 20 ? [noisy, Buffer.alloc(length, 'a')] : [Buffer.alloc(length, 'a')]) {
        // The codec's frames (streamed) state no size; zstdCompressSync's state it.
        const streamed: Buffer = await codec.compress({ buffer: batch });
        expect(frameContentSize(streamed)).toBeUndefined();
        const sized = zstdCompressSync(batch);
        expect(frameContentSize(sized)).toBe(length);
        for (const frame of [streamed, sized]) expect((await codec.decompress(frame)).equals(batch)).toBe(true);
      }
    }
    // About 45 MB through zstd both ways: 1-2 s on an idle box, past jest's default 5 s at load 10.
  }, 30_000);

  it('reads no size from what is not a zstd frame with one', () => {
    expect(frameContentSize(Buffer.from('not zstd at all'))).toBeUndefined();
    expect(frameContentSize(Buffer.alloc(3))).toBeUndefined();
    // A streamed frame (no content size in the header): descriptor 0x00, then a window byte.
    expect(frameContentSize(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x48, 0, 0, 0]))).toBeUndefined();
  });

  it('refuses a frame whose header understates its size, as zstd did before the size was used', async () => {
    const codec = CompressionCodecs[CompressionTypes.ZSTD]();
    const batch = Buffer.from('x'.repeat(5_000) + 'y'.repeat(5_000));
    const sized = zstdCompressSync(batch);
    expect(frameContentSize(sized)).toBe(batch.length);
    const understated = Buffer.from(sized);
    const at = 5 + ((understated[4] & 0x20) !== 0 ? 0 : 1);
    if ((understated[4] >> 6) === 1) understated.writeUInt16LE(0, at);
    else if ((understated[4] >> 6) === 2) understated.writeUInt32LE(100, at);
    expect(frameContentSize(understated)).toBeLessThan(batch.length);
    // zstd checks the stated size against the content: a corrupt batch either way.
    await expect(codec.decompress(understated)).rejects.toThrow();
  });

  it('maps each configured name to the kafkajs compression type', () => {
    expect(compressionType('none')).toBe(CompressionTypes.None);
    expect(compressionType('gzip')).toBe(CompressionTypes.GZIP);
    expect(compressionType('zstd')).toBe(CompressionTypes.ZSTD);
  });
});
