import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveAuthError, encryptArchive } from './archive-crypto';
import { SAMPLE_COLUMNS, TextRow, parquetRowGroupWriter, readRowGroups } from './archive-parquet';
import { dayArchive, openArchiveFile, openArchiveFileWriter } from './archive-store';

// hyparquet(-writer) are ES modules and the codec is Node's zstd: this spec needs Node >= 24 (package.json engines),
// where Jest loads ES modules from CommonJS (require(esm)) and zlib has zstd.
const key = randomBytes(32);

const rowOf = (i: number): TextRow => [
  String(1_767_225_600_000_000 + i * 10_000_000), `m-${i % 7}`, String(i), i % 5 === 0 ? null : '1', 'proc', null, i % 3 === 0 ? 'x'.repeat(200) : '/bin/p',
  i % 11 === 0 ? '-0' : String(i / 7), '0.0001', String(4096 * i), null, '3', 'S', null, String(2 ** 53 + i), null,
];

describe('archive files written and read by row group', () => {
  it('streams several row groups through encryption and reads them back identically, one group at a time', async () => {
    const archive = dayArchive(mkdtempSync(join(tmpdir(), 'pa-archive-')), 0, '2026-01-01', key, 1000);
    const rows = Array.from({ length: 4_321 }, (_, i) => rowOf(i));
    const sink = await openArchiveFileWriter(archive, 'samples.parquet.enc');
    const parquet = await parquetRowGroupWriter(SAMPLE_COLUMNS, { 'pa.day': archive.day }, sink);
    for (let at = 0; at < rows.length; at += 1000) await parquet.append(rows.slice(at, at + 1000));
    await parquet.finish();
    const entry = await sink.close(rows.length);
    expect(readFileSync(join(archive.dir, entry.name)).subarray(0, 7).toString()).toBe('PAARC2\n');

    const file = await openArchiveFile(archive, entry);
    const groups: TextRow[][] = [];
    for await (const group of readRowGroups(SAMPLE_COLUMNS, file)) groups.push(group);
    await file.close();
    expect(groups.map((g) => g.length)).toEqual([1000, 1000, 1000, 1000, 321]);
    expect(groups.flat()).toEqual(rows);
  });

  it('reads files of format 1 (one GCM message) as before, and refuses a SHA-256 that is not the manifest\'s', async () => {
    const archive = dayArchive(mkdtempSync(join(tmpdir(), 'pa-archive-')), 1, '2026-01-02', key);
    const sink = await openArchiveFileWriter(archive, 'x.parquet.enc');
    const plain: Uint8Array[] = [];
    const parquet = await parquetRowGroupWriter(SAMPLE_COLUMNS, {}, { write: async (bytes) => { plain.push(bytes); await sink.write(bytes); } });
    await parquet.append([rowOf(1), rowOf(2)]);
    await parquet.finish();
    const entry = await sink.close(2);
    writeFileSync(join(archive.dir, 'old.parquet.enc'), encryptArchive(key, '1/2026-01-02/old.parquet.enc', Buffer.concat(plain)));
    const old = await openArchiveFile(archive, { ...entry, name: 'old.parquet.enc' });
    const read: TextRow[] = [];
    for await (const group of readRowGroups(SAMPLE_COLUMNS, old)) read.push(...group);
    expect(read).toEqual([rowOf(1), rowOf(2)]);
    await expect(openArchiveFile(archive, { ...entry, plainSha256: '0'.repeat(64) })).rejects.toThrow(ArchiveAuthError);
  });
});
