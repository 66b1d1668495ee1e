import { AuthConfig, readAuthConfig } from './auth.config';
import { readRawRetentionMs } from './retention.config';
import { EnvReader } from './env-reader';
import { HttpConfig, ShardsConfig, readHttpConfig, readShardsConfig } from './common.config';
import { readServerTls } from './https.config';
import { statePath } from './state-paths';

export interface QueryCacheConfig {
  /** redis:// or rediss:// URL of the cache; with several (comma-separated), the seed nodes of a Redis Cluster */
  url: string;
  /** the nodes of a Redis Cluster (REDIS_URL listing more than one URL); absent for a single Redis */
  clusterUrls?: string[];
  /** lifetime of a cached answer, s; answers never go stale (the key holds the data version), this only bounds memory */
  ttlSeconds: number;
  /** longest wait for one cache command before answering without the cache, ms */
  commandTimeoutMs: number;
  /** prefix of every key, so several deployments can share one Redis */
  keyPrefix: string;
  /** PEM CA the server certificate must chain to, for rediss:// URLs (REDIS_CA_FILE, default the local CA) */
  caFile?: string;
  /** a file holding only the password of the URL's user (REDIS_PASSWORD_FILE); read at boot, never logged */
  passwordFile?: string;
}

export interface QueryLimitsConfig {
  /** widest [from, to) window of any query, days */
  maxWindowDays: number;
  /** widest window answered from raw rows when `resolution=raw` is forced, hours */
  maxRawWindowHours: number;
  /** widest span read from 1-minute rollups (a step or `resolution=1m` that needs more is a 400), hours */
  maxMinuteWindowHours: number;
  /** most buckets in one series answer (default 10,081: the last 7 days at 1-minute steps, partial minutes at both ends) */
  maxPointsPerSeries: number;
  /** largest `limit` of /v1/top */
  maxTopLimit: number;
  /** largest page (`limit`) of /v1/machines and /v1/summary/daily */
  maxPageSize: number;
}

export interface QueryConfig {
  /** API keys: every route but /healthz and /readyz needs one */
  auth: AuthConfig;
  http: HttpConfig;
  shards: ShardsConfig;
  /** absent: no REDIS_URL, answers are always computed */
  cache?: QueryCacheConfig;
  limits: QueryLimitsConfig;
  /** the raw retention (RETENTION_DAYS, shared with the gateway, writer and lifecycle): older windows get x-archived-range */
  rawRetentionMs: number;
  /**
   * fleet-wide answers (/v1/top by process, no tenant) read the fleet rollups (migration 017) for
   * their clean buckets; false: per-machine rollups only (the comparison baseline of bench item 6)
   */
  fleetRollups: boolean;
  /**
   * /v1/top runs as a named statement per shape with a generic plan (planned once per connection,
   * plan_cache_mode=force_generic_plan); false: planned for every request (the comparison baseline
   * of bench item 6)
   */
  topGenericPlans: boolean;
  /**
   * where those generic plans get plan_cache_mode: `pool`, a connection setting of a pool of their
   * own per shard (one round trip per statement); `transaction`, set_config in the statement's
   * transaction (BEGIN, set_config, statement, COMMIT: the comparison baseline of bench item 6)
   */
  topGenericPlansBy: TopGenericPlansBy;
}

export const TOP_GENERIC_PLANS_BY = ['pool', 'transaction'] as const;
export type TopGenericPlansBy = (typeof TOP_GENERIC_PLANS_BY)[number];

/** Reads the query API's environment; throws one ConfigError naming every bad variable. */
export function loadQueryConfig(env: Record<string, string | undefined>): Readonly<QueryConfig> {
  const r = new EnvReader(env);
  return r.finish({
    http: { ...readHttpConfig(r, 'QUERY_PORT', 8081), tls: readServerTls(r) },
    auth: readAuthConfig(r),
    shards: readShardsConfig(r, 10),
    cache: readCacheConfig(r),
    rawRetentionMs: readRawRetentionMs(r),
    limits: {
      maxWindowDays: r.int('QUERY_MAX_WINDOW_DAYS', 93, { min: 1, max: 3650 }),
      maxRawWindowHours: r.int('QUERY_MAX_RAW_WINDOW_HOURS', 48, { min: 1, max: 87_600 }),
      maxMinuteWindowHours: r.int('QUERY_MAX_MINUTE_WINDOW_HOURS', 168, { min: 1, max: 87_600 }),
      maxPointsPerSeries: r.int('QUERY_MAX_POINTS', 10_081, { min: 10, max: 1_000_000 }),
      maxTopLimit: r.int('QUERY_MAX_TOP_LIMIT', 1_000, { min: 1, max: 100_000 }),
      maxPageSize: r.int('QUERY_MAX_PAGE_SIZE', 1_000, { min: 1, max: 100_000 }),
    },
    fleetRollups: r.bool('QUERY_FLEET_ROLLUPS', true),
    topGenericPlans: r.bool('QUERY_TOP_GENERIC_PLANS', true),
    topGenericPlansBy: r.oneOf('QUERY_TOP_GENERIC_PLANS_BY', TOP_GENERIC_PLANS_BY, 'pool'),
  });
}

function readCacheConfig(r: EnvReader): QueryCacheConfig | undefined {
  const url = r.optionalString('REDIS_URL');
  const cache = {
    ttlSeconds: r.int('QUERY_CACHE_TTL_S', 3_600, { min: 1, max: 7 * 86_400 }),
    commandTimeoutMs: r.int('QUERY_CACHE_TIMEOUT_MS', 100, { min: 1, max: 60_000 }),
    keyPrefix: r.string('QUERY_CACHE_PREFIX', 'pa:query:'),
  };
  if (url === undefined) return undefined;
  const urls = url.split(',').map((u) => u.trim());
  const transport = {
    caFile: urls.some((u) => u.startsWith('rediss://')) ? r.string('REDIS_CA_FILE', statePath(r, 'tls', 'ca.crt')) : undefined,
    passwordFile: r.optionalString('REDIS_PASSWORD_FILE'),
  };
  if (!urls.every((u) => /^rediss?:\/\/[^\s,]+$/.test(u))) {
    // The value is not echoed: it may carry a password.
    r.problem('REDIS_URL: must be a redis:// or rediss:// URL, or several comma-separated for a Redis Cluster (or unset: no cache)');
  }
  return urls.length > 1 ? { url: urls[0], clusterUrls: urls, ...cache, ...transport } : { url, ...cache, ...transport };
}
