import { ApiKeyRecord } from '@pa/auth';

/** What `keys list` shows of a key: everything but its hashes. */
export function describeKey(key: ApiKeyRecord, nowMs: number) {
  const state = key.revokedAtMs !== undefined ? 'revoked' : key.expiresAtMs <= nowMs ? 'expired' : 'live';
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    key_id: key.keyId,
    name: key.name,
    state,
    scopes: key.scopes,
    write_prefixes: key.writePrefixes,
    read_prefixes: key.readPrefixes,
    expires_at: iso(key.expiresAtMs),
    created_at: iso(key.createdAtMs),
    last_used_at: iso(key.lastUsedAtMs),
    revoked_at: iso(key.revokedAtMs),
    previous_secret_valid_until: key.previousValidUntilMs !== undefined && key.previousValidUntilMs > nowMs ? iso(key.previousValidUntilMs) : null,
  };
}

export function printKeys(keys: ApiKeyRecord[], json: boolean, nowMs: number): void {
  const rows = keys.map((key) => describeKey(key, nowMs));
  if (json) return void console.log(JSON.stringify(rows, null, 2));
  if (rows.length === 0) return void console.log('no keys');
  console.log(['key id', 'state', 'name', 'scopes', 'write', 'read', 'expires', 'last used'].join('\t'));
  for (const r of rows) {
    const tenants = (p: string[]) => (p.length ? p.join(',') : '*');
    console.log([r.key_id, r.state, r.name, r.scopes.join(','), tenants(r.write_prefixes), tenants(r.read_prefixes), r.expires_at, r.last_used_at ?? 'never'].join('\t'));
  }
}
