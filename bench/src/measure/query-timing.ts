import { benchAuthHeaders } from '../support/bench-key';

/** One timed GET: latency to the end of the body, status and the x-cache header. */
export interface TimedAnswer {
  ms: number;
  status: number;
  cache: string | null;
  /** the resolution the answer says it was computed at (raw, 1m, 1h, 1d) */
  resolution?: string;
}

export async function timedGet(url: string): Promise<TimedAnswer> {
  const started = performance.now();
  const response = await fetch(url, { headers: benchAuthHeaders() });
  const text = await response.text();
  const ms = performance.now() - started;
  const resolution = response.status === 200 ? (JSON.parse(text) as { resolution?: string }).resolution : undefined;
  return { ms, status: response.status, cache: response.headers.get('x-cache'), resolution };
}

/**
 * A query variant: which endpoint, window and path it measures: rollups (the API's own choice,
 * fleet rollups included), per-machine (QUERY_FLEET_ROLLUPS=false: per-machine rollups only),
 * custom-plans (QUERY_TOP_GENERIC_PLANS=false: /v1/top planned per request),
 * plans-in-transaction (QUERY_TOP_GENERIC_PLANS_BY=transaction: plan_cache_mode set by set_config
 * in each statement's transaction instead of on the connections of a pool of its own),
 * off-minute (rollups, the window moved 37 s off the minute: raw edges at both ends), forced raw, cached.
 */
export interface QueryVariant {
  endpoint: 'top' | 'series' | 'snapshot';
  /** `at`: one instant (`/v1/machines/{id}/snapshot?at=`) */
  window: '1h' | '24h' | '7d' | 'at';
  path: 'rollups' | 'off-minute' | 'per-machine' | 'custom-plans' | 'plans-in-transaction' | 'raw' | 'cached';
  url: string;
}

/**
 * Every variant `requests` times, round-robin (one request of each in turn, so that the box's noise is
 * spread evenly over them), after one unmeasured request each (warm-up; for `cached` it fills the cache).
 * Throws on a non-200 answer, when a `cached` answer was not a hit, and when another one was.
 */
export async function timeVariants(variants: QueryVariant[], requests: number): Promise<Map<QueryVariant, TimedAnswer[]>> {
  const timings = new Map(variants.map((v) => [v, [] as TimedAnswer[]]));
  for (let round = -1; round < requests; round++) {
    for (const variant of variants) {
      const answer = await timedGet(variant.url);
      if (answer.status !== 200) throw new Error(`GET ${variant.url} answered ${answer.status}`);
      if (round < 0) continue;
      if (variant.path === 'cached' && answer.cache !== 'hit') throw new Error(`GET ${variant.url} was not a cache hit (x-cache: ${answer.cache})`);
      if (variant.path !== 'cached' && answer.cache === 'hit') throw new Error(`GET ${variant.url} was a cache hit: the ${variant.path} figure would be the cache's`);
      timings.get(variant)?.push(answer);
    }
  }
  return timings;
}
