import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ArchiveAuthError, decryptArchive, encryptArchive, loadOrCreateArchiveKey, manifestMac } from './archive-crypto';

describe('archive encryption', () => {
  const key = randomBytes(32);
  const plain = Buffer.from('PAR1 some parquet bytes PAR1');

  it('round-trips, with a fresh IV per file', () => {
    const a = encryptArchive(key, '0/2026-01-01/samples', plain);
    const b = encryptArchive(key, '0/2026-01-01/samples', plain);
    expect(a.equals(b)).toBe(false);
    expect(decryptArchive(key, '0/2026-01-01/samples', a).equals(plain)).toBe(true);
  });

  it('refuses a flipped byte, another label or another key', () => {
    const sealed = encryptArchive(key, 'l', plain);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 3] ^= 0x01;
    expect(() => decryptArchive(key, 'l', flipped)).toThrow(ArchiveAuthError);
    expect(() => decryptArchive(key, 'other', sealed)).toThrow(/GCM authentication failed/);
    expect(() => decryptArchive(randomBytes(32), 'l', sealed)).toThrow(ArchiveAuthError);
    expect(() => decryptArchive(key, 'l', Buffer.from('short'))).toThrow(/not an encrypted archive/);
  });

  it('makes the key file once, owner-only, and reads it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-archive-key-'));
    const file = join(dir, 'secrets', 'archive.key');
    const first = loadOrCreateArchiveKey(file);
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateArchiveKey(file).equals(first)).toBe(true);
    writeFileSync(file, 'nope');
    expect(() => loadOrCreateArchiveKey(file)).toThrow(/not an archive key/);
    expect(readFileSync(file, 'utf8')).toBe('nope');
  });

  it('signs manifests with a derived key', () => {
    expect(manifestMac(key, 'x')).toMatch(/^[0-9a-f]{64}$/);
    expect(manifestMac(key, 'x')).not.toBe(manifestMac(key, 'y'));
  });
});
