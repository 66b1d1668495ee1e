import { createHash } from 'node:crypto';

/** What identifies a fleet-wide answer: the question, and the version of every shard's data. */
export interface CacheKeyParts {
  /** route name, e.g. "top" */
  endpoint: string;
  /** the parsed, defaulted parameters (not the raw query string: `limit=010` and `limit=10` are one question) */
  params: Record<string, unknown>;
  /** version of the shard map: a rebalance changes which rows a shard holds */
  mapVersion: number;
  /** which shard nodes (host:port/database): two deployments may share one Redis and prefix */
  shards: string[];
  /** one data watermark per shard, in shard order */
  watermarks: string[];
}

/** `<prefix><endpoint>:<sha256>` of the canonical JSON of all parts (object keys sorted). */
export function cacheKey(prefix: string, parts: CacheKeyParts): string {
  const material = canonicalJson([parts.endpoint, parts.params, parts.mapVersion, parts.shards, parts.watermarks]);
  return `${prefix}${parts.endpoint}:${createHash('sha256').update(material).digest('hex')}`;
}

/** JSON with object keys sorted at every depth, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
