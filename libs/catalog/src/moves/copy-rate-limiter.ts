/** The clock a limiter waits on: real time in production, a fake one in unit tests. */
export interface LimiterClock {
  /** ms, monotonic */
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: LimiterClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Rows a limiter may let through at once after an idle spell: this many seconds of its rate. */
const BURST_SECONDS = 1;

/**
 * Paces a bucket move's copy to `rowsPerSecond` on average (a token bucket holding at most one
 * second of rows): `take(rows)` after each copied slice waits as long as the slice went over
 * the rate. Slices run at full speed and the wait falls between them, outside any transaction,
 * so a limited copy never holds a target transaction (and the ledger rows writers may wait on)
 * longer than an unlimited one. Undefined or 0 = unlimited.
 */
export class CopyRateLimiter {
  private tokens: number;
  private lastMs: number;

  constructor(
    readonly rowsPerSecond: number | undefined,
    private readonly clock: LimiterClock = REAL_CLOCK,
  ) {
    if (rowsPerSecond !== undefined && !(rowsPerSecond >= 0 && Number.isFinite(rowsPerSecond))) {
      throw new RangeError(`rows per second must be a finite number ≥ 0, got ${rowsPerSecond}`);
    }
    this.tokens = this.burst;
    this.lastMs = clock.now();
  }

  get isLimited(): boolean {
    return !!this.rowsPerSecond;
  }

  /** The largest slice that keeps the pacing smooth: about a second of rows, and no more than `max`. */
  sliceRows(max: number): number {
    return this.isLimited ? Math.max(1, Math.min(max, Math.ceil(this.burst))) : max;
  }

  /** Counts `rows` as copied; resolves once the copy is back within its rate. Returns the ms waited. */
  async take(rows: number): Promise<number> {
    if (!this.rowsPerSecond) return 0;
    this.refill();
    this.tokens -= rows;
    if (this.tokens >= 0) return 0;
    const waitMs = (-this.tokens / this.rowsPerSecond) * 1000;
    await this.clock.sleep(waitMs);
    this.refill();
    return waitMs;
  }

  private get burst(): number {
    return (this.rowsPerSecond ?? 0) * BURST_SECONDS;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastMs) / 1000) * (this.rowsPerSecond ?? 0));
    this.lastMs = now;
  }
}
