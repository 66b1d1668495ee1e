import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ArchiveAuthError } from './archive-crypto';

/**
 * Streamed archive files (format 2): `PAARC2\n` | a random 8-byte file nonce | chunks. Each chunk is
 * CHUNK_PLAIN bytes of plaintext (the last one fewer) sealed by AES-256-GCM on its own: the IV is the
 * file nonce and the chunk's index (big-endian uint32), the AAD the file's label, the index and
 * whether it is the last chunk, and its 16-byte tag follows it. This is the STREAM construction
 * (Hoang, Reyhanitabar, Rogaway, Vizár 2015; Tink's streaming AEAD): written in one pass with one
 * chunk in memory, read back at any offset with only the chunks it touches, every chunk
 * authenticated before its bytes are used; reordering, truncating at a chunk boundary (the new last
 * chunk was not sealed as last) or moving the file to another label all fail.
 */
export const MAGIC_V2 = Buffer.from('PAARC2\n');
const NONCE_BYTES = 8;
const TAG_BYTES = 16;
/** 1 MiB: the memory of one chunk, and 16 bytes of tag per MiB (0.0015 %). */
export const CHUNK_PLAIN = 1 << 20;
export const HEAD_BYTES = MAGIC_V2.length + NONCE_BYTES;

function ivOf(nonce: Buffer, index: number): Buffer {
  const iv = Buffer.alloc(12);
  nonce.copy(iv, 0);
  iv.writeUInt32BE(index, NONCE_BYTES);
  return iv;
}

function aadOf(label: string, index: number, last: boolean): Buffer {
  return Buffer.concat([Buffer.from(label), Buffer.from([0]), Buffer.from(`${index}:${last ? 'last' : 'more'}`)]);
}

/** Seals plaintext chunk by chunk: push() bytes, take the sealed bytes it returns, end() for the rest. */
export class ChunkSealer {
  private readonly nonce = randomBytes(NONCE_BYTES);
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;

  constructor(private readonly key: Buffer, private readonly label: string) {}

  /** The file's head: magic and nonce. */
  head(): Buffer {
    return Buffer.concat([MAGIC_V2, this.nonce]);
  }

  /** Sealed bytes of every whole chunk the plaintext so far completes. */
  push(plain: Uint8Array): Buffer[] {
    this.pending.push(Buffer.from(plain));
    this.pendingBytes += plain.length;
    const out: Buffer[] = [];
    while (this.pendingBytes > CHUNK_PLAIN) {
      const all = Buffer.concat(this.pending);
      out.push(this.seal(all.subarray(0, CHUNK_PLAIN), false));
      const rest = all.subarray(CHUNK_PLAIN);
      this.pending = [rest];
      this.pendingBytes = rest.length;
    }
    return out;
  }

  /** The last chunk (possibly empty), sealed as last. */
  end(): Buffer {
    const last = this.seal(Buffer.concat(this.pending), true);
    this.pending = [];
    this.pendingBytes = 0;
    return last;
  }

  private seal(plain: Buffer, last: boolean): Buffer {
    const cipher = createCipheriv('aes-256-gcm', this.key, ivOf(this.nonce, this.index));
    cipher.setAAD(aadOf(this.label, this.index, last));
    this.index += 1;
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }
}

/** Reads `length` bytes at `position` of the sealed file (fewer at its end). */
export type ReadAt = (position: number, length: number) => Promise<Buffer>;

/** The plaintext's length of a sealed file of `fileBytes` bytes; throws ArchiveAuthError when it cannot be one. */
export function plainLengthOf(label: string, fileBytes: number): number {
  const body = fileBytes - HEAD_BYTES;
  const chunks = Math.ceil(body / (CHUNK_PLAIN + TAG_BYTES));
  const lastSealed = body - (chunks - 1) * (CHUNK_PLAIN + TAG_BYTES);
  if (body < TAG_BYTES || lastSealed < TAG_BYTES) throw new ArchiveAuthError(`${label}: truncated (${fileBytes} bytes)`);
  return (chunks - 1) * CHUNK_PLAIN + lastSealed - TAG_BYTES;
}

/**
 * Random access to a sealed file's plaintext: `slice(start, end)` reads, authenticates and
 * decrypts only the chunks it covers (the last two are kept: hyparquet reads a column chunk's pages
 * in order). Throws ArchiveAuthError on any changed, missing or reordered byte.
 */
export class ChunkOpener {
  readonly byteLength: number;
  private readonly chunks: number;
  private cache: { index: number; plain: Buffer }[] = [];

  private constructor(private readonly key: Buffer, private readonly label: string, private readonly nonce: Buffer, private readonly readAt: ReadAt, fileBytes: number) {
    this.byteLength = plainLengthOf(label, fileBytes);
    // The sealer keeps a full last chunk pending until end(), so a file never ends in an empty chunk after a full one.
    this.chunks = Math.max(1, Math.ceil(this.byteLength / CHUNK_PLAIN));
  }

  /** Opens a file of `fileBytes` bytes; throws ArchiveAuthError when it is not a format-2 archive file. */
  static async open(key: Buffer, label: string, readAt: ReadAt, fileBytes: number): Promise<ChunkOpener> {
    const head = await readAt(0, HEAD_BYTES);
    if (head.length < HEAD_BYTES || !head.subarray(0, MAGIC_V2.length).equals(MAGIC_V2)) throw new ArchiveAuthError(`${label}: not an encrypted archive file (format 2)`);
    return new ChunkOpener(key, label, Buffer.from(head.subarray(MAGIC_V2.length)), readAt, fileBytes);
  }

  /** Chunk `index`'s plaintext, authenticated. */
  async chunk(index: number): Promise<Buffer> {
    const hit = this.cache.find((c) => c.index === index);
    if (hit) return hit.plain;
    const sealed = await this.readAt(HEAD_BYTES + index * (CHUNK_PLAIN + TAG_BYTES), CHUNK_PLAIN + TAG_BYTES);
    const last = index === this.chunks - 1;
    if (sealed.length < TAG_BYTES) throw new ArchiveAuthError(`${this.label}: chunk ${index} is missing`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, ivOf(this.nonce, index));
    decipher.setAAD(aadOf(this.label, index, last));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new ArchiveAuthError(`${this.label}: GCM authentication failed in chunk ${index} (the file was changed, truncated, or another key wrote it)`);
    }
    this.cache = [...this.cache.slice(-1), { index, plain }];
    return plain;
  }

  /** Plaintext bytes [start, end) as an ArrayBuffer (hyparquet's AsyncBuffer). */
  async slice(start: number, end = this.byteLength): Promise<ArrayBuffer> {
    const from = Math.max(0, start);
    const to = Math.min(end, this.byteLength);
    const out = new Uint8Array(Math.max(0, to - from));
    for (let at = from; at < to;) {
      const index = Math.floor(at / CHUNK_PLAIN);
      const plain = await this.chunk(index);
      const offset = at - index * CHUNK_PLAIN;
      const take = Math.min(plain.length - offset, to - at);
      out.set(plain.subarray(offset, offset + take), at - from);
      at += take;
    }
    return out.buffer;
  }

  /** Every chunk in order (each authenticated, the last one checked to be the last). */
  async *chunksInOrder(): AsyncGenerator<Buffer> {
    for (let i = 0; i < this.chunks; i++) yield await this.chunk(i);
  }
}
