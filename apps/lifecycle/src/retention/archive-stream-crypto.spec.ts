import { randomBytes } from 'node:crypto';
import { ArchiveAuthError } from './archive-crypto';
import { CHUNK_PLAIN, ChunkOpener, ChunkSealer } from './archive-stream-crypto';

const key = randomBytes(32);

function seal(label: string, plain: Buffer, pieces = 7): Buffer {
  const sealer = new ChunkSealer(key, label);
  const out = [sealer.head()];
  const step = Math.ceil(plain.length / pieces) || 1;
  for (let at = 0; at < plain.length; at += step) out.push(...sealer.push(plain.subarray(at, at + step)));
  out.push(sealer.end());
  return Buffer.concat(out);
}

const opener = (label: string, file: Buffer) =>
  ChunkOpener.open(key, label, async (position, length) => file.subarray(position, position + length), file.length);

describe('streamed archive encryption (format 2)', () => {
  it.each([0, 1, CHUNK_PLAIN - 1, CHUNK_PLAIN, CHUNK_PLAIN + 1, 3 * CHUNK_PLAIN + 12_345])('round-trips %i bytes, at any offset', async (size) => {
    const plain = randomBytes(size);
    const file = seal('0/2026-01-01/samples', plain);
    const o = await opener('0/2026-01-01/samples', file);
    expect(o.byteLength).toBe(size);
    expect(Buffer.from(await o.slice(0, size)).equals(plain)).toBe(true);
    const from = Math.floor(size / 3);
    const to = Math.min(size, from + CHUNK_PLAIN + 17);
    expect(Buffer.from(await o.slice(from, to)).equals(plain.subarray(from, to))).toBe(true);
  });

  it('refuses a flipped byte, a truncation at a chunk boundary, swapped chunks, another label', async () => {
    const plain = randomBytes(2 * CHUNK_PLAIN + 10);
    const file = seal('l', plain);
    const flipped = Buffer.from(file);
    flipped[file.length - 100] ^= 1;
    await expect((await opener('l', flipped)).slice(0, plain.length)).rejects.toThrow(ArchiveAuthError);
    const chunk = CHUNK_PLAIN + 16;
    const truncated = file.subarray(0, 15 + 2 * chunk);
    await expect((await opener('l', truncated)).slice(0, 2 * CHUNK_PLAIN)).rejects.toThrow(ArchiveAuthError);
    const swapped = Buffer.concat([file.subarray(0, 15), file.subarray(15 + chunk, 15 + 2 * chunk), file.subarray(15, 15 + chunk), file.subarray(15 + 2 * chunk)]);
    await expect((await opener('l', swapped)).slice(0, 10)).rejects.toThrow(ArchiveAuthError);
    await expect((await opener('other', file)).slice(0, 10)).rejects.toThrow(ArchiveAuthError);
  });
});

