import { generateApiKey } from './api-key';
import { ApiKeyRecord } from './api-key.record';
import { authenticate } from './authenticator';
import { hashApiKey, isSameHash } from './key-hash';
import { hasScope } from './scopes';

const SECRET = Buffer.from('s'.repeat(32));
const NOW = Date.parse('2026-12-01T00:00:00Z');

function keyFor(parts: { keyId: string; secret: string }, extra: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    keyId: parts.keyId,
    name: 'test',
    hmac: hashApiKey(SECRET, parts),
    scopes: ['read'],
    writePrefixes: [],
    readPrefixes: ['team-a-'],
    expiresAtMs: NOW + 60_000,
    createdAtMs: NOW - 60_000,
    ...extra,
  };
}

describe('authenticate', () => {
  const key = generateApiKey();
  const header = `Bearer ${key.token}`;
  const lookupOf = (record: ApiKeyRecord) => (id: string) => (id === record.keyId ? record : undefined);

  it('accepts the key and hands over its scopes and tenants', () => {
    expect(authenticate(header, lookupOf(keyFor(key)), SECRET, NOW)).toEqual({
      principal: { keyId: key.keyId, scopes: ['read'], writePrefixes: [], readPrefixes: ['team-a-'] },
    });
  });

  it.each([
    ['no header', undefined, 'no key'],
    ['another scheme', `Basic ${key.token}`, 'not a bearer token'],
    ['a malformed key', 'Bearer pa1_nope', 'malformed'],
    ['a typo', `Bearer ${key.token.slice(0, -1)}${key.token.endsWith('a') ? 'b' : 'a'}`, 'bad checksum'],
  ])('refuses %s', (_what, value, reason) => {
    expect(authenticate(value, lookupOf(keyFor(key)), SECRET, NOW)).toMatchObject({ refused: reason });
  });

  it('refuses an unknown id, a wrong secret, a revoked and an expired key, naming the key id', () => {
    const other = generateApiKey();
    expect(authenticate(`Bearer ${other.token}`, lookupOf(keyFor(key)), SECRET, NOW)).toEqual({ refused: 'unknown key', keyId: other.keyId });
    const sameIdOtherSecret = generateApiKey(key.keyId);
    expect(authenticate(`Bearer ${sameIdOtherSecret.token}`, lookupOf(keyFor(key)), SECRET, NOW)).toEqual({ refused: 'wrong secret', keyId: key.keyId });
    expect(authenticate(header, lookupOf(keyFor(key, { revokedAtMs: NOW - 1 })), SECRET, NOW)).toEqual({ refused: 'revoked', keyId: key.keyId });
    expect(authenticate(header, lookupOf(keyFor(key, { expiresAtMs: NOW })), SECRET, NOW)).toEqual({ refused: 'expired', keyId: key.keyId });
  });

  it('a key hashed under another server secret does not verify', () => {
    const record = { ...keyFor(key), hmac: hashApiKey(Buffer.from('t'.repeat(32)), key) };
    expect(authenticate(header, lookupOf(record), SECRET, NOW)).toMatchObject({ refused: 'wrong secret' });
  });

  it('after a rotation, the previous secret works until the overlap ends, the new one throughout', () => {
    const rotated = generateApiKey(key.keyId);
    const record = keyFor(rotated, { previousHmac: hashApiKey(SECRET, key), previousValidUntilMs: NOW + 1_000 });
    expect(authenticate(header, lookupOf(record), SECRET, NOW)).toHaveProperty('principal');
    expect(authenticate(header, lookupOf(record), SECRET, NOW + 1_000)).toMatchObject({ refused: 'wrong secret' });
    expect(authenticate(`Bearer ${rotated.token}`, lookupOf(record), SECRET, NOW + 1_000)).toHaveProperty('principal');
  });
});

describe('hashes and scopes', () => {
  it('compares hashes of different lengths as different, without throwing', () => {
    expect(isSameHash(Buffer.alloc(32), Buffer.alloc(31))).toBe(false);
    expect(isSameHash(Buffer.alloc(32, 1), Buffer.alloc(32, 1))).toBe(true);
  });

  it('admin implies every scope; others only themselves', () => {
    expect(hasScope(['admin'], 'metrics')).toBe(true);
    expect(hasScope(['read'], 'read')).toBe(true);
    expect(hasScope(['read'], 'ingest')).toBe(false);
    expect(hasScope(['ingest', 'metrics'], 'read')).toBe(false);
  });
});
