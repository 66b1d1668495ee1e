import { generateApiKey } from './api-key';
import { ApiKeyRecord } from './api-key.record';
import { VerifiedKeys, authenticate } from './authenticator';
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

describe('VerifiedKeys (authenticate, remembering keys that verified)', () => {
  const key = generateApiKey();
  const header = `Bearer ${key.token}`;
  /** A key store whose current record can be swapped, as a reload does (new objects every time). */
  const lookupOfRecord = (record: ApiKeyRecord) => (id: string) => (id === record.keyId ? record : undefined);
  function storeOf(record: ApiKeyRecord) {
    const store = { record, lookup: (id: string) => (id === store.record.keyId ? store.record : undefined) };
    return store;
  }
  /** The record, counting how often its hash is read (once per secret checked against it). */
  function counted(record: ApiKeyRecord): { record: ApiKeyRecord; reads: () => number } {
    let reads = 0;
    const { hmac } = record;
    Object.defineProperty(record, 'hmac', { get: () => (reads++, hmac) });
    return { record, reads: () => reads };
  }

  it('answers as authenticate does, and checks the secret only on the first request while the record stays the same', () => {
    const first = counted(keyFor(key));
    const store = storeOf(first.record);
    const verified = new VerifiedKeys(10);
    const expected = authenticate(header, lookupOfRecord(keyFor(key)), SECRET, NOW);
    for (let i = 0; i < 3; i++) expect(verified.authenticate(header, store.lookup, SECRET, NOW + i)).toEqual(expected);
    expect(first.reads()).toBe(1);
    // A reload makes a new record: checked in full again.
    const reloaded = counted(keyFor(key));
    store.record = reloaded.record;
    expect(verified.authenticate(header, store.lookup, SECRET, NOW)).toEqual(expected);
    expect(reloaded.reads()).toBe(1);
  });

  it('refuses a key revoked, deleted or rotated since it verified, at the first request after the reload', () => {
    const store = storeOf(keyFor(key));
    const verified = new VerifiedKeys(10);
    expect(verified.authenticate(header, store.lookup, SECRET, NOW)).toHaveProperty('principal');
    store.record = keyFor(key, { revokedAtMs: NOW });
    expect(verified.authenticate(header, store.lookup, SECRET, NOW)).toEqual({ refused: 'revoked', keyId: key.keyId });
    store.record = keyFor(generateApiKey(key.keyId));
    expect(verified.authenticate(header, store.lookup, SECRET, NOW)).toEqual({ refused: 'wrong secret', keyId: key.keyId });
    store.record = keyFor(generateApiKey());
    expect(verified.authenticate(header, store.lookup, SECRET, NOW)).toEqual({ refused: 'unknown key', keyId: key.keyId });
  });

  it('decides expiry and the end of a rotation’s overlap at every request, from the same record', () => {
    const store = storeOf(keyFor(key, { expiresAtMs: NOW + 5_000 }));
    const verified = new VerifiedKeys(10);
    expect(verified.authenticate(header, store.lookup, SECRET, NOW)).toHaveProperty('principal');
    expect(verified.authenticate(header, store.lookup, SECRET, NOW + 5_000)).toEqual({ refused: 'expired', keyId: key.keyId });
    const rotated = generateApiKey(key.keyId);
    store.record = keyFor(rotated, { previousHmac: hashApiKey(SECRET, key), previousValidUntilMs: NOW + 1_000 });
    expect(verified.authenticate(header, store.lookup, SECRET, NOW)).toHaveProperty('principal');
    expect(verified.authenticate(header, store.lookup, SECRET, NOW + 1_000)).toEqual({ refused: 'wrong secret', keyId: key.keyId });
    expect(verified.authenticate(`Bearer ${rotated.token}`, store.lookup, SECRET, NOW + 1_000)).toHaveProperty('principal');
  });

  it('holds only keys that verified, at most maxEntries of them; 0 hashes every request', () => {
    const keys = [generateApiKey(), generateApiKey(), generateApiKey()];
    const records = new Map(keys.map((k) => [k.keyId, keyFor(k)]));
    const lookup = (id: string) => records.get(id);
    const verified = new VerifiedKeys(2);
    expect(verified.authenticate(`Bearer ${generateApiKey(keys[0].keyId).token}`, lookup, SECRET, NOW)).toMatchObject({ refused: 'wrong secret' });
    expect(verified.authenticate('Bearer pa1_nope', lookup, SECRET, NOW)).toMatchObject({ refused: 'malformed' });
    expect(verified.size).toBe(0);
    for (const k of keys) expect(verified.authenticate(`Bearer ${k.token}`, lookup, SECRET, NOW)).toHaveProperty('principal');
    expect(verified.size).toBe(2);
    const off = new VerifiedKeys(0);
    const one = counted(keyFor(keys[0]));
    for (let i = 0; i < 2; i++) expect(off.authenticate(`Bearer ${keys[0].token}`, storeOf(one.record).lookup, SECRET, NOW)).toHaveProperty('principal');
    expect(one.reads()).toBe(2);
    expect(off.size).toBe(0);
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
