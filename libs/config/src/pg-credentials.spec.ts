import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './env-reader';
import { loadShardsConfig } from './common.config';
import { withPgCredentials } from './pg-credentials';

describe('PostgreSQL credentials (PG_USER, PG_PASSWORD_FILE, PG_SSLROOTCERT)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pg-credentials-'));
  const passwordFile = join(dir, 'pg-pa_writer.password');
  writeFileSync(passwordFile, 's3cr3t/with:odd@chars\n');

  it('puts the role, the password and verify-full against the CA on every node URL and the catalog', () => {
    const { shards } = loadShardsConfig({
      PG_SHARDS: 'postgres://127.0.0.1:5433/pa,postgres://someone@127.0.0.1:5434/pa?sslmode=require',
      PG_USER: 'pa_writer',
      PG_PASSWORD_FILE: passwordFile,
      PG_SSLROOTCERT: '/var/tls/ca.crt',
    });
    for (const url of [...shards.urls, shards.catalogUrl]) {
      const parsed = new URL(url);
      expect(parsed.username).toBe('pa_writer');
      expect(decodeURIComponent(parsed.password)).toBe('s3cr3t/with:odd@chars');
      expect(parsed.searchParams.get('sslmode')).toBe('verify-full');
      expect(parsed.searchParams.get('sslrootcert')).toBe('/var/tls/ca.crt');
    }
    expect(new URL(shards.catalogUrl).pathname).toBe('/pa_catalog');
  });

  it('leaves URLs as given without those variables', () => {
    expect(loadShardsConfig({ PG_SHARDS: 'postgres://u:p@h:1/pa' }).shards.urls).toEqual(['postgres://u:p@h:1/pa']);
  });

  it('names an unreadable password file without any content', () => {
    expect(() => loadShardsConfig({ PG_PASSWORD_FILE: join(dir, 'missing') })).toThrow(ConfigError);
    expect(() => loadShardsConfig({ PG_PASSWORD_FILE: join(dir, 'missing') })).toThrow(/PG_PASSWORD_FILE=.*missing: cannot read it \(ENOENT\)/);
  });

  it('keeps the URL credentials when only the CA is given', () => {
    expect(withPgCredentials('postgres://a:b@h:1/pa', { sslRootCert: '/ca' })).toBe('postgres://a:b@h:1/pa?sslmode=verify-full&sslrootcert=%2Fca');
  });
});
