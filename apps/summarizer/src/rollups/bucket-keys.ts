const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Dirty buckets of one resolution as the two parallel arrays the SQL unnests. */
export interface BucketKeys {
  machines: string[];
  buckets: string[];
}

/**
 * The distinct (machine, bucket) keys of width `widthMs` that contain the given minute buckets.
 * UTC arithmetic on epoch ms: hours and days since the epoch start at multiples of their width.
 */
export function coarsen(minutes: { machine_id: string; bucket_ms: number }[], widthMs: number): BucketKeys {
  const seen = new Set<string>();
  const keys: BucketKeys = { machines: [], buckets: [] };
  for (const { machine_id, bucket_ms } of minutes) {
    const start = Math.floor(bucket_ms / widthMs) * widthMs;
    const key = `${machine_id}|${start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    keys.machines.push(machine_id);
    keys.buckets.push(new Date(start).toISOString());
  }
  return keys;
}

/** `keys` in slices of at most `size` buckets, in order. */
export function sliceKeys(keys: BucketKeys, size: number): BucketKeys[] {
  const slices: BucketKeys[] = [];
  for (let i = 0; i < keys.machines.length; i += size) {
    slices.push({ machines: keys.machines.slice(i, i + size), buckets: keys.buckets.slice(i, i + size) });
  }
  return slices;
}

export const WIDTH_MS = { minute: 60_000, hour: HOUR_MS, day: DAY_MS } as const;
