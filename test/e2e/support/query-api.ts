import { DEFAULT_RETENTION_MS } from '@pa/contracts';
import { ServiceProcess, freePort } from '@pa/testing';
import { authHeaders } from './auth';
import { SHARD_URLS } from './test-stack';

/** A query API of our own on the test shards; no cache unless REDIS_URL is given. */
export async function startQueryApi(extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const env = { PG_SHARDS: SHARD_URLS.join(','), QUERY_PORT: String(port), REDIS_URL: '', OTEL_SDK_DISABLED: 'true', ...extraEnv };
  return new ServiceProcess('query-api', env).start().waitReady(`https://127.0.0.1:${port}/readyz`);
}

export interface JsonAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** GET `path` (with `params` as the query string) and its JSON body, with `key` (the run's admin key by default). */
export async function getJson<T = Record<string, unknown>>(
  api: ServiceProcess,
  path: string,
  params: Record<string, string | number | boolean | undefined> = {},
  key?: string,
): Promise<JsonAnswer<T>> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value));
  const url = api.url(path) + (query.size ? `?${query}` : '');
  const response = await fetch(url, { headers: authHeaders(key) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`GET ${url}: ${response.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * First difference between two JSON-like values, numbers compared to a relative 1e-9 (float sums
 * depend on the order of addition); undefined when equal.
 */
export function difference(actual: unknown, expected: unknown, path = '$'): string | undefined {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const close = actual === expected || Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(actual), Math.abs(expected));
    return close ? undefined : `${path}: got ${actual}, expected ${expected}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: got ${JSON.stringify(actual)}, expected an array`;
    if (actual.length !== expected.length) return `${path}: ${actual.length} items, expected ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const diff = difference(actual[i], expected[i], `${path}[${i}]`);
      if (diff) return diff;
    }
    return undefined;
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') return `${path}: got ${JSON.stringify(actual)}, expected an object`;
    for (const [key, value] of Object.entries(expected)) {
      const diff = difference((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
      if (diff) return diff;
    }
    return undefined;
  }
  return actual === expected ? undefined : `${path}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`;
}

/** The oldest day a suite's history may start: two days inside the default raw retention (the gateway refuses older samples). */
const LATEST_DAYS_AGO = Math.floor(DEFAULT_RETENTION_MS / 86_400_000) - 2;

/**
 * Midnight (UTC) of a random past day between `minDaysAgo` and LATEST_DAYS_AGO days ago. Each run
 * writes its history into days of its own (mostly): earlier runs' rows in the same partitions would
 * be appended out of time order and make every BRIN time scan of that day read the whole partition.
 */
export function randomPastDay(minDaysAgo: number): number {
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const daysAgo = minDaysAgo + Math.floor(Math.random() * (LATEST_DAYS_AGO - minDaysAgo));
  return today - daysAgo * 86_400_000;
}
