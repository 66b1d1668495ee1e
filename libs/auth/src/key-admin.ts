import type { Pool } from 'pg';
import { withTransaction } from '@pa/pg-shards';
import { generateApiKey } from './api-key';
import { insertApiKey, readApiKey, revokeApiKey, rotateApiKey } from './api-key.repository';
import { insertAuditEvents } from './audit.repository';
import { hashApiKey } from './key-hash';
import { isValidPrefix } from './machine-prefix';
import { Scope } from './scopes';

export interface KeySpec {
  name: string;
  scopes: Scope[];
  writePrefixes: string[];
  readPrefixes: string[];
  expiresAtMs: number;
}

/** Thrown for a request an operator can fix (unknown key, bad prefix); the CLI prints it. */
export class KeyAdminError extends Error {}

/**
 * Creates a key and its audit row in one transaction; returns the key text (shown once: only its
 * hash is stored). Throws KeyAdminError for an invalid prefix or an expiry in the past.
 */
export async function createKey(catalog: Pool, serverSecret: Buffer, spec: KeySpec, nowMs = Date.now()): Promise<{ keyId: string; token: string }> {
  for (const prefix of [...spec.writePrefixes, ...spec.readPrefixes]) {
    if (!isValidPrefix(prefix)) throw new KeyAdminError(`prefix ${JSON.stringify(prefix)}: 1–128 of A–Z a–z 0–9 . _ : -`);
  }
  if (spec.expiresAtMs <= nowMs) throw new KeyAdminError('the expiry must be in the future');
  const key = generateApiKey();
  await withTransaction(catalog, async (client) => {
    await insertApiKey(client, { ...spec, keyId: key.keyId, hmac: hashApiKey(serverSecret, key) });
    await insertAuditEvents(client, [{ atMs: nowMs, event: 'key.created', keyId: key.keyId, reason: `${spec.name}: ${spec.scopes.join(',')}` }]);
  });
  return { keyId: key.keyId, token: key.token };
}

/** Revokes a key (every service refuses it within seconds) and records it. */
export async function revokeKey(catalog: Pool, keyId: string, nowMs = Date.now()): Promise<void> {
  await withTransaction(catalog, async (client) => {
    if (!(await revokeApiKey(client, keyId))) throw new KeyAdminError(`no live key ${keyId}`);
    await insertAuditEvents(client, [{ atMs: nowMs, event: 'key.revoked', keyId }]);
  });
}

/**
 * A new secret for a key: the old one keeps working for `overlapMs`, then only the new one does.
 * The expiry moves to `expiresAtMs` when given (else it stays). Returns the new key text.
 */
export async function rotateKey(catalog: Pool, serverSecret: Buffer, keyId: string, overlapMs: number, expiresAtMs?: number, nowMs = Date.now()): Promise<string> {
  const key = generateApiKey(keyId);
  await withTransaction(catalog, async (client) => {
    const current = await readApiKey(client, keyId);
    if (!current || current.revokedAtMs !== undefined) throw new KeyAdminError(`no live key ${keyId}`);
    await rotateApiKey(client, keyId, hashApiKey(serverSecret, key), nowMs + overlapMs, expiresAtMs ?? current.expiresAtMs);
    await insertAuditEvents(client, [{ atMs: nowMs, event: 'key.rotated', keyId, reason: `old secret valid until ${new Date(nowMs + overlapMs).toISOString()}` }]);
  });
  return key.token;
}
