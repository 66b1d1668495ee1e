import { Scope } from './scopes';

/** One key as the services hold it (from the catalog's api_keys; no secret, only its hash). */
export interface ApiKeyRecord {
  keyId: string;
  name: string;
  hmac: Buffer;
  /** the hash before the last rotation, still accepted until previousValidUntilMs */
  previousHmac?: Buffer;
  previousValidUntilMs?: number;
  scopes: Scope[];
  /** machine-id prefixes it may write (empty: any machine) */
  writePrefixes: string[];
  /** machine-id prefixes it may read (empty: any machine) */
  readPrefixes: string[];
  expiresAtMs: number;
  createdAtMs: number;
  lastUsedAtMs?: number;
  revokedAtMs?: number;
}

/** Who is calling: what a guard hands to the handlers. */
export interface Principal {
  keyId: string;
  scopes: readonly Scope[];
  writePrefixes: readonly string[];
  readPrefixes: readonly string[];
}
