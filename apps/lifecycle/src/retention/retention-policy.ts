const DAY_MS = 86_400_000;

/** Midnight UTC of a `YYYY-MM-DD` day, ms. */
export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** `YYYY-MM-DD` of the UTC day holding `ms`. */
export function dayOf(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A day is past the raw retention once its END lies more than `retentionMs` in the past: every
 * sample of it is then older than the retention, which the gateway and the writer refuse, so no
 * row can arrive into it any more.
 */
export function isPastRetention(day: string, nowMs: number, retentionMs: number): boolean {
  return dayStartMs(day) + DAY_MS <= nowMs - retentionMs;
}

/** The first instant whose samples are still kept as raw rows: the start of the oldest day not past the retention. */
export function rawRetentionStartMs(nowMs: number, retentionMs: number): number {
  return Math.floor((nowMs - retentionMs) / DAY_MS) * DAY_MS;
}

/**
 * Rollup buckets before the returned instant may be deleted: whole days older than `keepMs`, and
 * never the day of the oldest pending outbox entry or later (a recomputation still to run there
 * must find its rollup rows, and must not be cut off by the retention).
 */
export function rollupDeleteBeforeMs(nowMs: number, keepMs: number, oldestPendingFromMs: number | undefined): number {
  const cutoff = Math.floor((nowMs - keepMs) / DAY_MS) * DAY_MS;
  if (oldestPendingFromMs === undefined) return cutoff;
  return Math.min(cutoff, Math.floor(oldestPendingFromMs / DAY_MS) * DAY_MS);
}

/** How long ago a restore happened still holds its day on the node (not dropped again). */
export function isRestoreHeld(restoredAtMs: number | undefined, droppedAtMs: number | undefined, nowMs: number, holdMs: number): boolean {
  if (restoredAtMs === undefined) return false;
  if (droppedAtMs !== undefined && droppedAtMs > restoredAtMs) return false;
  return nowMs - restoredAtMs < holdMs;
}
