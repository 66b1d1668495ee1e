import type { Pool, PoolClient } from 'pg';
import { ApiKeyRecord } from './api-key.record';
import { Scope } from './scopes';

type Queryable = Pick<Pool | PoolClient, 'query'>;

interface ApiKeyRow {
  id: string;
  name: string;
  hmac: Buffer;
  previous_hmac: Buffer | null;
  previous_valid_until: Date | null;
  scopes: Scope[];
  write_prefixes: string[];
  read_prefixes: string[];
  expires_at: Date;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = `id, name, hmac, previous_hmac, previous_valid_until, scopes, write_prefixes, read_prefixes,
  expires_at, created_at, last_used_at, revoked_at`;

// Revoked keys stay loaded for a week, so a refusal says "revoked" in the audit log, not "unknown".
const READ_KEYS = `SELECT ${COLUMNS} FROM api_keys WHERE revoked_at IS NULL OR revoked_at > now() - interval '7 days'`;

/** Every key the services must know (live, expired, recently revoked). */
export async function readApiKeys(db: Queryable): Promise<ApiKeyRecord[]> {
  const { rows } = await db.query<ApiKeyRow>(READ_KEYS);
  return rows.map(toRecord);
}

/** Every key, newest first (for `keys list`). */
export async function listApiKeys(db: Queryable): Promise<ApiKeyRecord[]> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC, id`);
  return rows.map(toRecord);
}

export async function readApiKey(db: Queryable, keyId: string): Promise<ApiKeyRecord | undefined> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [keyId]);
  return rows[0] && toRecord(rows[0]);
}

export interface NewApiKey {
  keyId: string;
  name: string;
  hmac: Buffer;
  scopes: Scope[];
  writePrefixes: string[];
  readPrefixes: string[];
  expiresAtMs: number;
}

export async function insertApiKey(db: Queryable, key: NewApiKey): Promise<void> {
  await db.query(
    `INSERT INTO api_keys (id, name, hmac, scopes, write_prefixes, read_prefixes, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [key.keyId, key.name, key.hmac, key.scopes, key.writePrefixes, key.readPrefixes, new Date(key.expiresAtMs)],
  );
}

/** Marks a key revoked; false when no live key has that id. */
export async function revokeApiKey(db: Queryable, keyId: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [keyId]);
  return rowCount === 1;
}

/**
 * A new secret hash for a live key; the current one stays valid until `overlapEndsMs`. The expiry
 * is moved to `expiresAtMs`. False when no live key has that id.
 */
export async function rotateApiKey(db: Queryable, keyId: string, hmac: Buffer, overlapEndsMs: number, expiresAtMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE api_keys SET previous_hmac = hmac, previous_valid_until = $3, hmac = $2, expires_at = $4
      WHERE id = $1 AND revoked_at IS NULL`,
    [keyId, hmac, new Date(overlapEndsMs), new Date(expiresAtMs)],
  );
  return rowCount === 1;
}

/** Moves last_used_at forward (never back) for each key. */
export async function touchApiKeys(db: Queryable, uses: ReadonlyMap<string, number>): Promise<void> {
  if (uses.size === 0) return;
  await db.query(
    `UPDATE api_keys k SET last_used_at = u.at
       FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at)
      WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)`,
    [[...uses.keys()], [...uses.values()].map((ms) => new Date(ms))],
  );
}

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    keyId: row.id,
    name: row.name,
    hmac: row.hmac,
    previousHmac: row.previous_hmac ?? undefined,
    previousValidUntilMs: row.previous_valid_until?.getTime(),
    scopes: row.scopes,
    writePrefixes: row.write_prefixes,
    readPrefixes: row.read_prefixes,
    expiresAtMs: row.expires_at.getTime(),
    createdAtMs: row.created_at.getTime(),
    lastUsedAtMs: row.last_used_at?.getTime(),
    revokedAtMs: row.revoked_at?.getTime(),
  };
}
