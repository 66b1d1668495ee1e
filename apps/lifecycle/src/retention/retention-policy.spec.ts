import { dayOf, isPastRetention, isRestoreHeld, rawRetentionStartMs, rollupDeleteBeforeMs } from './retention-policy';

const DAY = 86_400_000;
const now = Date.parse('2026-12-02T05:00:00Z');

describe('retention policy', () => {
  it('a day is past the retention once its end is older than the retention', () => {
    expect(isPastRetention('2026-11-01', now, 30 * DAY)).toBe(true); // ended 2026-11-02, 30 d 5 h ago
    expect(isPastRetention('2026-11-02', now, 30 * DAY)).toBe(false); // ends 2026-11-03, 29 d 5 h ago
    expect(isPastRetention('2026-11-29', Date.parse('2026-12-02T00:00:00Z'), 2 * DAY)).toBe(true); // exactly at the edge
    expect(isPastRetention('2026-11-29', Date.parse('2026-12-01T23:59:59Z'), 2 * DAY)).toBe(false);
  });

  it('raw rows are kept from the start of the oldest day not past the retention', () => {
    expect(new Date(rawRetentionStartMs(now, 30 * DAY)).toISOString()).toBe('2026-11-02T00:00:00.000Z');
    expect(isPastRetention(dayOf(rawRetentionStartMs(now, 30 * DAY)), now, 30 * DAY)).toBe(false);
    expect(isPastRetention(dayOf(rawRetentionStartMs(now, 30 * DAY) - 1), now, 30 * DAY)).toBe(true);
  });

  it('rollups are deleted by whole days, never from the day of a pending recomputation on', () => {
    expect(new Date(rollupDeleteBeforeMs(now, 30 * DAY, undefined)).toISOString()).toBe('2026-11-02T00:00:00.000Z');
    const pending = Date.parse('2026-10-20T13:45:00Z');
    expect(new Date(rollupDeleteBeforeMs(now, 30 * DAY, pending)).toISOString()).toBe('2026-10-20T00:00:00.000Z');
    expect(new Date(rollupDeleteBeforeMs(now, 30 * DAY, Date.parse('2026-11-30T00:00:00Z'))).toISOString()).toBe('2026-11-02T00:00:00.000Z');
  });

  it('a restored day is held for the hold time, unless dropped again since', () => {
    expect(isRestoreHeld(undefined, undefined, now, DAY)).toBe(false);
    expect(isRestoreHeld(now - 1000, now - 5000, now, DAY)).toBe(true);
    expect(isRestoreHeld(now - 2 * DAY, now - 5 * DAY, now, DAY)).toBe(false);
    expect(isRestoreHeld(now - 5000, now - 1000, now, DAY)).toBe(false);
  });
});
