import { EnvReader } from './env-reader';
import { readCatalogUrl } from './common.config';

export interface RateLimitConfig {
  /** events allowed per window */
  limit: number;
  /** window length, ms */
  windowMs: number;
}

/** API keys (libs/auth): where they are, how they are followed, and the rate limits. */
export interface AuthConfig {
  /** the catalog database holding api_keys and audit_log (CATALOG_URL, else pa_catalog on the first shard node) */
  catalogUrl: string;
  /** file with the server-side HMAC secret (0600) */
  secretFile: string;
  /** how often keys are re-read besides LISTEN, ms: bounds how long a revoked key works should a notification be lost */
  pollMs: number;
  /** how often last_used_at is written, ms */
  lastUsedFlushMs: number;
  /** failed authentications per client address, then 429 until the window ends */
  failures: RateLimitConfig;
  /** requests per key and service process, then 429 until the window ends */
  quota: RateLimitConfig;
}

export const DEFAULT_API_KEY_SECRET_FILE = 'var/secrets/api-key-hmac';

/** The auth settings every HTTP service reads (the same variables for all). */
export function readAuthConfig(env: EnvReader): AuthConfig {
  return {
    catalogUrl: readCatalogUrl(env),
    secretFile: env.string('PA_API_KEY_SECRET_FILE', DEFAULT_API_KEY_SECRET_FILE),
    // At most 4 s, so a revoke holds everywhere within 5 s even without notifications.
    pollMs: env.int('API_KEYS_POLL_MS', 2_000, { min: 100, max: 4_000 }),
    lastUsedFlushMs: env.int('API_KEYS_LAST_USED_FLUSH_MS', 60_000, { min: 100, max: 3_600_000 }),
    failures: {
      limit: env.int('AUTH_FAILURES_LIMIT', 20, { min: 1, max: 1_000_000 }),
      windowMs: env.int('AUTH_FAILURES_WINDOW_MS', 60_000, { min: 1_000, max: 86_400_000 }),
    },
    quota: {
      limit: env.int('API_KEY_QUOTA', 60_000, { min: 1, max: 100_000_000 }),
      windowMs: env.int('API_KEY_QUOTA_WINDOW_MS', 60_000, { min: 1_000, max: 86_400_000 }),
    },
  };
}

/** Config of tools that only manage keys (`npm run keys`). */
export function loadAuthConfig(env: Record<string, string | undefined>): Readonly<{ auth: AuthConfig }> {
  const r = new EnvReader(env);
  return r.finish({ auth: readAuthConfig(r) });
}
