import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ArchiveAuthError, decryptArchive, encryptArchive } from './archive-crypto';
import { ArchiveFile, ArchiveManifest, parseManifest, serializeManifest } from './archive-manifest';

/** Where one shard's archive of one day lives: `<root>/<shard>/<day>/`. */
export interface DayArchive {
  shard: number;
  day: string;
  dir: string;
  key: Buffer;
}

export const SAMPLES_FILE = 'samples.parquet.enc';
export const SNAPSHOTS_FILE = 'snapshots.parquet.enc';
export const MANIFEST_FILE = 'manifest.json';

export function dayArchive(root: string, shard: number, day: string, key: Buffer): DayArchive {
  return { shard, day, dir: join(root, String(shard), day), key };
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

/** Encrypts and writes one Parquet file of the archive; returns its manifest entry. */
export async function writeArchiveFile(a: DayArchive, name: string, plain: Uint8Array, rows: number): Promise<ArchiveFile> {
  const sealed = encryptArchive(a.key, labelOf(a, name), plain);
  await writeDurably(join(a.dir, name), sealed);
  return { name, rows, bytes: sealed.length, plainSha256: createHash('sha256').update(plain).digest('hex') };
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

/** One file read back, decrypted and checked against its manifest entry; throws ArchiveAuthError on any difference. */
export async function readArchiveFile(a: DayArchive, entry: ArchiveFile): Promise<Buffer> {
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
