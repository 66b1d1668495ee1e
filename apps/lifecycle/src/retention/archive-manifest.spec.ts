import { randomBytes } from 'node:crypto';
import { ArchiveManifest, HourCheck, addChecks, compareChecks, parseManifest, serializeManifest } from './archive-manifest';

const hour = (machine: string, h: number, rows: number, checksum: string): HourCheck => ({ machine_id: machine, hour: `2026-01-01T${String(h).padStart(2, '0')}:00:00.000Z`, rows, checksum });

function manifest(): ArchiveManifest {
  return {
    format: 'pa-archive-1', shard: 1, day: '2026-01-01', createdAt: '2026-02-01T00:00:00.000Z',
    samples: { name: 'samples.parquet.enc', rows: 3, bytes: 100, plainSha256: 'ab', hours: [hour('m1', 0, 3, '-12')] },
    snapshots: { name: 'snapshots.parquet.enc', rows: 1, bytes: 50, plainSha256: 'cd', checksum: '7' },
  };
}

describe('archive manifest', () => {
  const key = randomBytes(32);

  it('round-trips and refuses a changed manifest', () => {
    const text = serializeManifest(key, manifest());
    expect(parseManifest(key, text)).toEqual(manifest());
    expect(() => parseManifest(key, text.replace('"rows": 3', '"rows": 4'))).toThrow(/MAC does not match/);
    expect(() => parseManifest(randomBytes(32), text)).toThrow(/MAC does not match/);
    expect(() => parseManifest(key, '{')).toThrow(/not JSON/);
  });

  it('compares checks per machine and hour, naming what differs', () => {
    const expected = [hour('m1', 0, 3, '10'), hour('m1', 1, 2, '20'), hour('m2', 0, 1, '5')];
    expect(compareChecks(expected, [...expected].reverse())).toBe('');
    expect(compareChecks(expected, [hour('m1', 0, 3, '11'), hour('m1', 1, 1, '20'), hour('m3', 5, 4, '1')])).toBe(
      '4 machine-hours differ, e.g. m1 2026-01-01T00h: 3 rows expected, 3 found, checksums differ; m1 2026-01-01T01h: 2 rows expected, 1 found; m2 2026-01-01T00h: 1 rows expected, 0 found',
    );
  });

  it('adds the checks of disjoint row sets beyond 64 bits', () => {
    const big = '9223372036854775807';
    expect(addChecks([hour('m1', 0, 1, big)], [hour('m1', 0, 2, big), hour('m2', 0, 1, '-1')])).toEqual([hour('m1', 0, 3, '18446744073709551614'), hour('m2', 0, 1, '-1')]);
  });
});
