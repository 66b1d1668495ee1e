import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveAuthError, encryptArchive } from './archive-crypto';
import { PlainFile, SAMPLE_COLUMNS, TextRow, parquetRowGroupWriter, readColumnGroups, readRowGroups } from './archive-parquet';
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
    const parquet = await parquetRowGroupWriter(SAMPLE_COLUMNS, { 'pa.day': archive.day }, sink, 1000);
    // Batches that do not line up with the row groups, as FETCH hands them over.
    for (let at = 0; at < rows.length; at += 700) await parquet.push(rows.slice(at, at + 700));
    await parquet.finish();
    expect(parquet.rowGroups).toBe(5);
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
    const parquet = await parquetRowGroupWriter(SAMPLE_COLUMNS, {}, { write: async (bytes) => { plain.push(bytes); await sink.write(bytes); } }, 1000);
    await parquet.push([rowOf(1), rowOf(2)]);
    await parquet.finish();
    const entry = await sink.close(2);
    writeFileSync(join(archive.dir, 'old.parquet.enc'), encryptArchive(key, '1/2026-01-02/old.parquet.enc', Buffer.concat(plain)));
    const old = await openArchiveFile(archive, { ...entry, name: 'old.parquet.enc' });
    const read: TextRow[] = [];
    for await (const group of readRowGroups(SAMPLE_COLUMNS, old)) read.push(...group);
    expect(read).toEqual([rowOf(1), rowOf(2)]);
    await expect(openArchiveFile(archive, { ...entry, plainSha256: '0'.repeat(64) })).rejects.toThrow(ArchiveAuthError);
  });

  // The lifecycle's memory is one row group, whatever the day's size (docs/lifecycle.md, "Memory"):
  // these two fail if the writer starts keeping groups or the reader starts reading the whole file.
  it('never holds more than one row group of rows: each group goes to the sink before the next is taken', async () => {
    const writes: number[] = [];
    const parquet = await parquetRowGroupWriter(SAMPLE_COLUMNS, {}, { write: async (bytes) => void writes.push(bytes.length) }, 1000);
    let most = 0;
    for (let at = 0; at < 5_500; at += 300) {
      await parquet.push(Array.from({ length: 300 }, (_, k) => rowOf(at + k)));
      most = Math.max(most, parquet.bufferedRows);
      // Every whole group is already encoded and handed over: only the rows of the group being filled are held.
      expect(parquet.rowGroups).toBe(Math.floor((at + 300) / 1000));
      expect(parquet.bufferedRows).toBe((at + 300) % 1000);
    }
    expect(most).toBeLessThan(1000);
    // One write per row group (the first with the file's magic), none held back.
    expect(writes).toHaveLength(5);
    await parquet.finish();
    expect(parquet.rowGroups).toBe(6);
    expect(parquet.bufferedRows).toBe(0);
  });

  it('reads back one row group at a time: no read of the file is larger than its largest row group', async () => {
    const plain: Uint8Array[] = [];
    const parquet = await parquetRowGroupWriter(SAMPLE_COLUMNS, {}, { write: async (bytes) => void plain.push(bytes) }, 500);
    const rows = Array.from({ length: 3_000 }, (_, i) => rowOf(i));
    await parquet.push(rows);
    await parquet.finish();
    const whole = Buffer.concat(plain);
    // One write per row group, then the footer (page indexes and metadata).
    const groupBytes = plain.slice(0, -1).map((b) => b.length);
    const reads: number[] = [];
    const file: PlainFile = {
      byteLength: whole.length,
      slice: (start, end = whole.length) => {
        reads.push(end - start);
        return whole.buffer.slice(whole.byteOffset + start, whole.byteOffset + end) as ArrayBuffer;
      },
    };
    const groups: TextRow[][] = [];
    for await (const columns of readColumnGroups(SAMPLE_COLUMNS, file)) groups.push(Array.from({ length: columns[0].length }, (_, r) => columns.map((c) => c[r])));
    expect(groups.map((g) => g.length)).toEqual([500, 500, 500, 500, 500, 500]);
    expect(groups.flat()).toEqual(rows);
    expect(groupBytes).toHaveLength(6);
    // First the footer (hyparquet reads the file's last 512 KiB at most, here all of it), then one read per row group, none larger than a group.
    const [footer, ...perGroup] = reads;
    expect(footer).toBeLessThanOrEqual(1 << 19);
    expect(perGroup).toHaveLength(6);
    for (const bytes of perGroup) expect(bytes).toBeLessThanOrEqual(Math.max(...groupBytes));
  });
});
