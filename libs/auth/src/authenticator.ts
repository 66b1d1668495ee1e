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
  if (!header) return { refused: 'no key' };
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) return { refused: 'not a bearer token' };
  const parts = parseApiKey(match[1]);
  if (typeof parts === 'string') return { refused: parts };
  const key = lookup(parts.keyId);
  if (!key) return { refused: 'unknown key', keyId: parts.keyId };
  const hash = hashApiKey(serverSecret, parts);
  const isCurrent = isSameHash(hash, key.hmac);
  const isPrevious = !!key.previousHmac && isSameHash(hash, key.previousHmac) && nowMs < (key.previousValidUntilMs ?? 0);
  if (!isCurrent && !isPrevious) return { refused: 'wrong secret', keyId: key.keyId };
  if (key.revokedAtMs !== undefined) return { refused: 'revoked', keyId: key.keyId };
  if (nowMs >= key.expiresAtMs) return { refused: 'expired', keyId: key.keyId };
  return { principal: { keyId: key.keyId, scopes: key.scopes, writePrefixes: key.writePrefixes, readPrefixes: key.readPrefixes } };
}
