/**
 * Counts events per name in fixed windows of `windowMs`. Memory is bounded by the names seen in
 * the current window (older windows are dropped whole when a new one starts).
 */
export class FixedWindowCounter {
  private windowStartMs = 0;
  private counts = new Map<string, number>();

  constructor(
    /** events allowed per name and window */
    readonly limit: number,
    /** window length, ms */
    readonly windowMs: number,
  ) {}

  /** Whether `name` is over its limit now, and if so the seconds until the window ends. */
  check(name: string, nowMs: number): { isLimited: boolean; retryAfterS: number } {
    this.roll(nowMs);
    const isLimited = (this.counts.get(name) ?? 0) >= this.limit;
    return { isLimited, retryAfterS: Math.max(1, Math.ceil((this.windowStartMs + this.windowMs - nowMs) / 1000)) };
  }

  /** Counts one event of `name`. */
  add(name: string, nowMs: number): void {
    this.roll(nowMs);
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  private roll(nowMs: number): void {
    if (nowMs < this.windowStartMs + this.windowMs) return;
    this.windowStartMs = nowMs - (nowMs % this.windowMs);
    this.counts = new Map();
  }
}
