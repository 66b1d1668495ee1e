import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ArchiveAuthError, decryptArchive } from './archive-crypto';
import { ArchiveFile, ArchiveManifest, parseManifest, serializeManifest } from './archive-manifest';
import { ByteSink, PlainFile } from './archive-parquet';
import { ChunkOpener, ChunkSealer, MAGIC_V2 } from './archive-stream-crypto';

/** Where one shard's archive of one day lives: `<root>/<shard>/<day>/`. */
export interface DayArchive {
  shard: number;
  day: string;
  dir: string;
  key: Buffer;
  /** rows per Parquet row group when the archive is written (ARCHIVE_ROW_GROUP_ROWS) */
  groupRows: number;
}

export const SAMPLES_FILE = 'samples.parquet.enc';
export const SNAPSHOTS_FILE = 'snapshots.parquet.enc';
export const MANIFEST_FILE = 'manifest.json';

export function dayArchive(root: string, shard: number, day: string, key: Buffer, groupRows = 20_000): DayArchive {
  return { shard, day, dir: join(root, String(shard), day), key, groupRows };
}

/** What the encryption authenticates besides the bytes: a file copied to another shard or day fails. */
const labelOf = (a: DayArchive, name: string) => `${a.shard}/${a.day}/${name}`;

/** Writes `data` to a temporary file, fsyncs it, renames it into place and fsyncs the folder: all or nothing. */
async function writeDurably(file: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  const folder = await open(dirname(file), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

async function syncFolder(dir: string): Promise<void> {
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/** An archive file being written: plaintext in (`write`), sealed chunk by chunk to a temporary file, hashed as it goes. */
export interface ArchiveFileWriter extends ByteSink {
  /** Seals the last chunk, fsyncs, renames into place, fsyncs the folder; returns the manifest entry. */
  close(rows: number): Promise<ArchiveFile>;
  /** Removes the temporary file (after a failure). */
  abort(): Promise<void>;
}

/**
 * Opens one file of the archive for streamed writing (format 2, archive-stream-crypto.ts): memory is
 * one 1 MiB chunk besides what the caller hands in; the file appears under its name only when whole.
 */
export async function openArchiveFileWriter(a: DayArchive, name: string): Promise<ArchiveFileWriter> {
  await mkdir(a.dir, { recursive: true, mode: 0o700 });
  const file = join(a.dir, name);
  const tmp = `${file}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  const sealer = new ChunkSealer(a.key, labelOf(a, name));
  const hash = createHash('sha256');
  let bytes = 0;
  const put = async (data: Buffer) => {
    bytes += data.length;
    await handle.write(data);
  };
  await put(sealer.head());
  return {
    async write(plain) {
      hash.update(plain);
      for (const sealed of sealer.push(plain)) await put(sealed);
    },
    async close(rows) {
      await put(sealer.end());
      await handle.sync();
      await handle.close();
      await rename(tmp, file);
      await syncFolder(a.dir);
      return { name, rows, bytes, plainSha256: hash.digest('hex') };
    },
    async abort() {
      await handle.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    },
  };
}

/**
 * One file of the archive opened for reading by byte range, after a first pass that authenticates
 * every chunk and checks the plaintext's SHA-256 against the manifest (bounded memory: a chunk at a
 * time). Files of format 1 (one GCM message) are read whole, as they were written. Throws
 * ArchiveAuthError on any difference. `close` releases the file.
 */
export async function openArchiveFile(a: DayArchive, entry: ArchiveFile): Promise<PlainFile & { close(): Promise<void> }> {
  const path = join(a.dir, entry.name);
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new ArchiveAuthError(`${entry.name}: cannot be read (${error.code ?? error.message})`);
  });
  try {
    const magic = Buffer.alloc(MAGIC_V2.length);
    await handle.read(magic, 0, magic.length, 0);
    if (!magic.equals(MAGIC_V2)) {
      await handle.close();
      const plain = await readArchiveFile(a, entry);
      const buffer = plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.byteLength) as ArrayBuffer;
      return { byteLength: buffer.byteLength, slice: (start, end) => buffer.slice(start, end), close: async () => undefined };
    }
    const size = (await handle.stat()).size;
    const readAt = async (position: number, length: number) => {
      const out = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
      if (out.length > 0) await handle.read(out, 0, out.length, position);
      return out;
    };
    const opener = await ChunkOpener.open(a.key, labelOf(a, entry.name), readAt, size);
    const hash = createHash('sha256');
    for await (const plain of opener.chunksInOrder()) hash.update(plain);
    if (hash.digest('hex') !== entry.plainSha256) throw new ArchiveAuthError(`${entry.name}: its SHA-256 is not the manifest's`);
    return { byteLength: opener.byteLength, slice: (start, end) => opener.slice(start, end), close: () => handle.close() };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/** Writes the manifest, last: an archive folder without one is unfinished and written again. */
export async function writeManifest(a: DayArchive, manifest: ArchiveManifest): Promise<void> {
  await writeDurably(join(a.dir, MANIFEST_FILE), serializeManifest(a.key, manifest));
}

/** The day's manifest, or undefined when there is none; throws ArchiveAuthError when it was changed. */
export async function readManifest(a: DayArchive): Promise<ArchiveManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(a.dir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const manifest = parseManifest(a.key, text);
  if (manifest.shard !== a.shard || manifest.day !== a.day) throw new ArchiveAuthError(`${MANIFEST_FILE}: written for shard ${manifest.shard} ${manifest.day}`);
  return manifest;
}

/** One file of format 1 (one GCM message, written before streaming) read whole, decrypted and checked against its manifest entry; throws ArchiveAuthError on any difference. */
async function readArchiveFile(a: DayArchive, entry: ArchiveFile): Promise<Buffer> {
  const sealed = await readFile(join(a.dir, entry.name)).catch((error: NodeJS.ErrnoException) => {
    throw new ArchiveAuthError(`${entry.name}: cannot be read (${error.code ?? error.message})`);
  });
  const plain = decryptArchive(a.key, labelOf(a, entry.name), sealed);
  if (createHash('sha256').update(plain).digest('hex') !== entry.plainSha256) throw new ArchiveAuthError(`${entry.name}: its SHA-256 is not the manifest's`);
  return plain;
}

/** Bytes on disk of the day's archive files (0 for a missing file). */
export async function archiveBytes(a: DayArchive, names: string[]): Promise<number> {
  let total = 0;
  for (const name of names) total += await stat(join(a.dir, name)).then((s) => s.size, () => 0);
  return total;
}
