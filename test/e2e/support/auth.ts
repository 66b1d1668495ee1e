import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');

/** The run's admin key (global-setup.ts makes it): every scope, every machine. */
export function adminKey(): string {
  const key = process.env.E2E_ADMIN_KEY;
  if (!key) throw new Error('E2E_ADMIN_KEY is not set: the e2e global setup makes it (test/e2e/global-setup.ts)');
  return key;
}

/** `authorization: Bearer <key>` (the admin key unless another is given). */
export function authHeaders(key = adminKey()): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}

/** `headers` with the admin key added, unless they carry an authorization of their own. */
export function withAuth(headers: Record<string, string> = {}): Record<string, string> {
  const hasOwn = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  return hasOwn ? headers : { ...headers, ...authHeaders() };
}

/** Runs `npm run keys -- <args>` (the built CLI) against the run's catalog; its stdout. */
export function runKeys(args: string[], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, [resolve(ROOT, 'dist/apps/keys/src/main.js'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A new key made by the CLI (e.g. `['--scope', 'read', '--read-prefix', 'team-a-']`); its id and text. */
export function createKey(name: string, args: string[], expires = '1d'): { keyId: string; token: string } {
  const token = runKeys(['create', '--name', name, '--expires', expires, ...args]).trim();
  return { keyId: token.split('_')[1], token };
}

/** The run's catalog (CATALOG_URL, else pa_catalog on the first test shard node), where api_keys and audit_log live. */
export function catalogUrl(shardUrls: string[]): string {
  if (process.env.CATALOG_URL) return process.env.CATALOG_URL;
  const url = new URL(shardUrls[0]);
  url.pathname = '/pa_catalog';
  return url.toString();
}
