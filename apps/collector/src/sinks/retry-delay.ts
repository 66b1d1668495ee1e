export interface BackoffOptions {
  /** delay after the first failure, ms */
  initialMs: number;
  /** longest delay, ms; also caps a server's Retry-After */
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (0 = first retry): exponential, with "equal jitter"
 * (half fixed, half random) so a fleet of collectors does not retry in lockstep, as in kafkajs
 * src/retry/index.js. A server's Retry-After is a floor, with a little jitter on top of it too.
 */
export function retryDelayMs(attempt: number, options: BackoffOptions, random: () => number, retryAfterMs?: number): number {
  const exponential = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  const jittered = exponential / 2 + (random() * exponential) / 2;
  if (retryAfterMs === undefined) return Math.round(jittered);
  const floor = Math.min(retryAfterMs, options.maxMs);
  return Math.round(Math.max(jittered, floor + random() * floor * 0.1));
}

/** Retry-After (RFC 9110 §10.2.3) in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
