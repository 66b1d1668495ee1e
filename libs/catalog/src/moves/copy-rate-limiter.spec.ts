import { CopyRateLimiter, LimiterClock } from './copy-rate-limiter';

/** A clock that only moves when someone sleeps on it (or the test advances it). */
class FakeClock implements LimiterClock {
  ms = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.ms;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.ms += ms;
  }
}

describe('CopyRateLimiter', () => {
  it('lets a copy through at once when unlimited (undefined or 0)', async () => {
    for (const rate of [undefined, 0]) {
      const clock = new FakeClock();
      const limiter = new CopyRateLimiter(rate, clock);
      expect(limiter.isLimited).toBe(false);
      for (let i = 0; i < 10; i++) expect(await limiter.take(1_000_000)).toBe(0);
      expect(clock.sleeps).toEqual([]);
      expect(limiter.sliceRows(100_000)).toBe(100_000);
    }
  });

  it('holds a copy that runs faster than its rate to that rate on average', async () => {
    const clock = new FakeClock();
    const limiter = new CopyRateLimiter(10_000, clock);
    // Slices of 5,000 rows that take 100 ms each to copy: twice as fast as allowed (5,000 per 500 ms).
    for (let i = 0; i < 40; i++) {
      clock.ms += 100;
      await limiter.take(5_000);
    }
    const rate = (40 * 5_000) / (clock.ms / 1000);
    // The first second's burst is the only excess: 200,000 rows in 19.x s, not 20 s.
    expect(rate).toBeGreaterThan(10_000);
    expect(rate).toBeLessThan(10_600);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(400);
  });

  it('does not wait for a copy that is slower than its rate, nor save up more than a second for later', async () => {
    const clock = new FakeClock();
    const limiter = new CopyRateLimiter(1_000, clock);
    clock.ms += 2_000;
    expect(await limiter.take(1_000)).toBe(0);
    // A minute idle: still only one second's worth of rows may go at once.
    clock.ms += 60_000;
    expect(await limiter.take(1_000)).toBe(0);
    expect(await limiter.take(3_000)).toBe(3_000);
  });

  it('cuts slices to about a second of its rate, at least one row', () => {
    expect(new CopyRateLimiter(20_000).sliceRows(100_000)).toBe(20_000);
    expect(new CopyRateLimiter(500_000).sliceRows(100_000)).toBe(100_000);
    expect(new CopyRateLimiter(0.5).sliceRows(100_000)).toBe(1);
  });

  it('refuses a negative or infinite rate', () => {
    expect(() => new CopyRateLimiter(-1)).toThrow(RangeError);
    expect(() => new CopyRateLimiter(Infinity)).toThrow(/finite number/);
  });
});
