import { loadAuthConfig } from './auth.config';

describe('loadAuthConfig', () => {
  it('defaults: the catalog on the first shard node, the secret under var/secrets, sane limits', () => {
    const { auth } = loadAuthConfig({ PG_SHARDS: 'postgres://postgres@127.0.0.1:5433/pa' });
    expect(auth).toEqual({
      catalogUrl: 'postgres://postgres@127.0.0.1:5433/pa_catalog',
      secretFile: 'var/secrets/api-key-hmac',
      pollMs: 2_000,
      lastUsedFlushMs: 60_000,
      failures: { limit: 20, windowMs: 60_000 },
      quota: { limit: 60_000, windowMs: 60_000 },
    });
  });

  it('refuses a key poll slower than 4 s (a revoke must hold within 5 s) and names every bad variable', () => {
    expect(() => loadAuthConfig({ API_KEYS_POLL_MS: '10000', AUTH_FAILURES_LIMIT: '0' })).toThrow(/API_KEYS_POLL_MS[\s\S]*AUTH_FAILURES_LIMIT|AUTH_FAILURES_LIMIT[\s\S]*API_KEYS_POLL_MS/);
  });
});
