import type { Pool } from 'pg';
import { generateApiKey, hashApiKey, insertApiKey, readServerSecret } from '@pa/auth';

/**
 * The bench's admin key: one per run, registered in every measurement's catalog, so the apps it
 * starts check requests exactly as deployed (auth on). The apps read the server secret from
 * PA_API_KEY_SECRET_FILE, which infra/bench.sh makes.
 */
const BENCH_KEY = generateApiKey();

/** Registers the bench key (every scope, a day to live) in `catalog`, hashed under the secret in `secretFile`. */
export async function registerBenchKey(catalog: Pool, secretFile: string): Promise<void> {
  await insertApiKey(catalog, {
    keyId: BENCH_KEY.keyId,
    name: 'bench',
    hmac: hashApiKey(readServerSecret(secretFile), BENCH_KEY),
    scopes: ['admin'],
    writePrefixes: [],
    readPrefixes: [],
    expiresAtMs: Date.now() + 86_400_000,
  });
}

/** `authorization: Bearer <bench key>` for every request the bench makes to a guarded route. */
export function benchAuthHeaders(): { authorization: string } {
  return { authorization: `Bearer ${BENCH_KEY.token}` };
}

/** The key text, for the dashboard's sessionStorage (item 8). */
export function benchKeyToken(): string {
  return BENCH_KEY.token;
}
