import { ArchiveAuthError, manifestMac } from './archive-crypto';

/** Rows and checksum of one machine's samples in one UTC hour (the checksum of sealing: the sum of a 64-bit hash of each row's text). */
export interface HourCheck {
  machine_id: string;
  /** ISO start of the hour */
  hour: string;
  rows: number;
  /** a decimal integer (a sum of int64 values: wider than int64) */
  checksum: string;
}

/** One encrypted file of the archive. */
export interface ArchiveFile {
  name: string;
  rows: number;
  /** bytes on disk (encrypted) */
  bytes: number;
  /** SHA-256 of the plaintext Parquet, hex */
  plainSha256: string;
  /** Parquet row groups in the file (absent in archives written before streaming: one file built in memory) */
  rowGroups?: number;
}

export const MANIFEST_FORMAT = 'pa-archive-1';

/** What one shard's archive of one day holds: written last, so a folder without it is an unfinished archive. */
export interface ArchiveManifest {
  format: typeof MANIFEST_FORMAT;
  shard: number;
  day: string;
  createdAt: string;
  samples: ArchiveFile & { hours: HourCheck[] };
  snapshots: ArchiveFile & { checksum: string };
}

/** The manifest file's text: the manifest and an HMAC of it under a key derived from the archive key. */
export function serializeManifest(key: Buffer, manifest: ArchiveManifest): string {
  const text = JSON.stringify(manifest);
  return `${JSON.stringify({ mac: manifestMac(key, text), manifest }, null, 1)}\n`;
}

/** A manifest file parsed and authenticated; throws ArchiveAuthError when it was changed. */
export function parseManifest(key: Buffer, fileText: string): ArchiveManifest {
  let parsed: { mac?: unknown; manifest?: ArchiveManifest };
  try {
    parsed = JSON.parse(fileText) as typeof parsed;
  } catch {
    throw new ArchiveAuthError('manifest.json: not JSON');
  }
  if (!parsed.manifest || parsed.manifest.format !== MANIFEST_FORMAT) throw new ArchiveAuthError(`manifest.json: not a ${MANIFEST_FORMAT} manifest`);
  if (parsed.mac !== manifestMac(key, JSON.stringify(parsed.manifest))) throw new ArchiveAuthError('manifest.json: its MAC does not match (the manifest was changed)');
  return parsed.manifest;
}

const keyOf = (c: HourCheck) => `${c.machine_id}\u0000${c.hour}`;

/**
 * How `actual` differs from `expected`, per machine and hour: '' when equal, else a short reason
 * naming up to 3 machine-hours (and how many differ).
 */
export function compareChecks(expected: HourCheck[], actual: HourCheck[]): string {
  const got = new Map(actual.map((c) => [keyOf(c), c]));
  const bad: string[] = [];
  for (const e of expected) {
    const a = got.get(keyOf(e));
    got.delete(keyOf(e));
    if (!a || a.rows !== e.rows || a.checksum !== e.checksum) {
      bad.push(`${e.machine_id} ${e.hour.slice(0, 13)}h: ${e.rows} rows expected, ${a?.rows ?? 0} found${a && a.rows === e.rows ? ', checksums differ' : ''}`);
    }
  }
  for (const a of got.values()) bad.push(`${a.machine_id} ${a.hour.slice(0, 13)}h: 0 rows expected, ${a.rows} found`);
  if (bad.length === 0) return '';
  return `${bad.length} machine-hours differ, e.g. ${bad.slice(0, 3).join('; ')}`;
}

/** Per machine and hour, the checks of two disjoint sets of rows together (counts and checksums add up). */
export function addChecks(a: HourCheck[], b: HourCheck[]): HourCheck[] {
  const sum = new Map<string, HourCheck>();
  for (const c of [...a, ...b]) {
    const prev = sum.get(keyOf(c));
    sum.set(keyOf(c), prev ? { ...prev, rows: prev.rows + c.rows, checksum: (BigInt(prev.checksum) + BigInt(c.checksum)).toString() } : { ...c });
  }
  return [...sum.values()];
}
