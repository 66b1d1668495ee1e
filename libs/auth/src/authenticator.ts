import { parseApiKey } from './api-key';
import { ApiKeyRecord, Principal } from './api-key.record';
import { hashApiKey, isSameHash } from './key-hash';

/** Why a request's key was refused (for the audit log; clients get one generic answer). */
export type RefusalReason = 'no key' | 'not a bearer token' | 'malformed' | 'bad checksum' | 'unknown key' | 'wrong secret' | 'expired' | 'revoked';

export type Authentication = { principal: Principal } | { refused: RefusalReason; keyId?: string };

/** Where keys are looked up by id (the KeyStore's current set). */
export type KeyLookup = (keyId: string) => ApiKeyRecord | undefined;

/**
 * Checks an `Authorization` header value against the known keys at `nowMs`: shape and checksum
 * first (no lookup for a typo), then id, then the secret's HMAC in constant time (the current
 * hash, or the previous one during a rotation's overlap), then revocation and expiry.
 */
export function authenticate(header: string | undefined, lookup: KeyLookup, serverSecret: Buffer, nowMs: number): Authentication {
  return verify(header, lookup, serverSecret, nowMs).result;
}

/** Which of a key's hashes the presented secret matched. */
type Match = 'current' | 'previous';

function verify(header: string | undefined, lookup: KeyLookup, serverSecret: Buffer, nowMs: number): { result: Authentication; key?: ApiKeyRecord; match?: Match } {
  if (!header) return { result: { refused: 'no key' } };
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) return { result: { refused: 'not a bearer token' } };
  const parts = parseApiKey(match[1]);
  if (typeof parts === 'string') return { result: { refused: parts } };
  const key = lookup(parts.keyId);
  if (!key) return { result: { refused: 'unknown key', keyId: parts.keyId } };
  const hash = hashApiKey(serverSecret, parts);
  const matched: Match | undefined = isSameHash(hash, key.hmac) ? 'current' : key.previousHmac && isSameHash(hash, key.previousHmac) ? 'previous' : undefined;
  if (!matched) return { result: { refused: 'wrong secret', keyId: key.keyId } };
  return { result: decide(key, matched, nowMs), key, match: matched };
}

/** The checks after the secret matched: the previous hash only during the overlap, then revocation and expiry. */
function decide(key: ApiKeyRecord, match: Match, nowMs: number, principal?: Principal): Authentication {
  if (match === 'previous' && !(nowMs < (key.previousValidUntilMs ?? 0))) return { refused: 'wrong secret', keyId: key.keyId };
  if (key.revokedAtMs !== undefined) return { refused: 'revoked', keyId: key.keyId };
  if (nowMs >= key.expiresAtMs) return { refused: 'expired', keyId: key.keyId };
  return { principal: principal ?? { keyId: key.keyId, scopes: key.scopes, writePrefixes: key.writePrefixes, readPrefixes: key.readPrefixes } };
}

interface Verified {
  keyId: string;
  /** the record the secret was checked against: the entry holds only while the key store holds this very object */
  key: ApiKeyRecord;
  match: Match;
  principal: Principal;
}

/**
 * authenticate() that remembers which key record each presented Authorization header verified
 * against, so a client sending the same key again skips the HMAC (2.4% of the gateway's busy
 * thread under item 4's load, with the regex and checksum: V8 profile, 2026-12-03). An entry
 * holds only while the key store holds the very record it was checked against: every reload
 * (LISTEN, or the poll every API_KEYS_POLL_MS) makes new records, so a revoked, rotated or changed
 * key is checked in full at its first request after the reload, as without the cache. Expiry and
 * a rotation's overlap are decided at every request. Only keys that verified are held (refusals
 * are not: a client spraying wrong keys fills nothing), at most `maxEntries` (the oldest goes;
 * 0 turns the cache off). The headers held carry secrets: they are only compared, never logged
 * or exposed; a Map looks them up by V8's seeded string hash, then full equality.
 */
export class VerifiedKeys {
  private readonly entries = new Map<string, Verified>();

  constructor(readonly maxEntries: number) {}

  authenticate(header: string | undefined, lookup: KeyLookup, serverSecret: Buffer, nowMs: number): Authentication {
    if (this.maxEntries <= 0 || !header) return authenticate(header, lookup, serverSecret, nowMs);
    const hit = this.entries.get(header);
    if (hit) {
      if (lookup(hit.keyId) === hit.key) return decide(hit.key, hit.match, nowMs, hit.principal);
      this.entries.delete(header);
    }
    const { result, key, match } = verify(header, lookup, serverSecret, nowMs);
    if (key && match && 'principal' in result) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(header, { keyId: key.keyId, key, match, principal: result.principal });
    }
    return result;
  }

  get size(): number {
    return this.entries.size;
  }
}
