import { parseRetryAfter, retryDelayMs } from './retry-delay';

const options = { initialMs: 100, maxMs: 10_000 };

describe('retryDelayMs', () => {
  it('doubles per attempt with at most half of it random, up to the maximum', () => {
    expect(retryDelayMs(0, options, () => 0)).toBe(50);
    expect(retryDelayMs(0, options, () => 0.999_999)).toBe(100);
    expect(retryDelayMs(3, options, () => 0.5)).toBe(600);
    expect(retryDelayMs(50, options, () => 1)).toBe(10_000);
  });

  it('waits at least Retry-After, capped at the maximum', () => {
    expect(retryDelayMs(0, options, () => 0, 2_000)).toBe(2_000);
    expect(retryDelayMs(0, options, () => 1, 2_000)).toBe(2_200);
    expect(retryDelayMs(0, options, () => 0, 3_600_000)).toBe(10_000);
    expect(retryDelayMs(10, options, () => 0, 1)).toBe(5_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');

  it.each([
    ['3', 3_000],
    [' 0 ', 0],
    ['Sun, 29 Nov 2026 12:00:05 GMT', 5_000],
    ['Sun, 29 Nov 2026 11:00:00 GMT', 0],
    [null, undefined],
    ['', undefined],
    ['soon', undefined],
  ])('%j → %j', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
});
