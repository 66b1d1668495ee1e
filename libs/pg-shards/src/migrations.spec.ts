import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultMigrationsDir, readMigrations } from './migrations';

function dirWith(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'pa-migrations-'));
  for (const f of files) writeFileSync(join(dir, f), 'SELECT 1;');
  return dir;
}

describe('readMigrations', () => {
  it('reads the real migrations in order with unique numbers', () => {
    const versions = readMigrations(defaultMigrationsDir()).map((m) => m.version);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('rejects a duplicate number', () => {
    expect(() => readMigrations(dirWith(['001-create-a.sql', '001-create-b.sql']))).toThrow(/used twice/);
  });

  it('rejects a misnamed file', () => {
    expect(() => readMigrations(dirWith(['1-Create_A.sql']))).toThrow(/NNN-verb-object/);
  });
});
