import { archivedRange } from './archived-range';

const DAY = 86_400_000;
const now = Date.parse('2026-12-02T05:00:00Z');

describe('archivedRange', () => {
  it('names the part of the window before the raw retention (whole days, as the lifecycle drops them)', () => {
    expect(archivedRange({ from: '2026-10-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }, now, 30 * DAY)).toBe('2026-10-01T00:00:00.000Z/2026-11-02T00:00:00.000Z');
    expect(archivedRange({ at: '2026-11-01T23:59:59Z' }, now, 30 * DAY)).toBe('2026-11-01T23:59:59.000Z/2026-11-02T00:00:00.000Z');
    expect(archivedRange({ date: '2026-11-01' }, now, 30 * DAY)).toBe('2026-11-01T00:00:00.000Z/2026-11-02T00:00:00.000Z');
  });

  it('says nothing for windows inside it, or without a time', () => {
    expect(archivedRange({ from: '2026-11-02T00:00:00Z' }, now, 30 * DAY)).toBeUndefined();
    expect(archivedRange({ date: '2026-11-02' }, now, 30 * DAY)).toBeUndefined();
    expect(archivedRange({ prefix: 'web-' }, now, 30 * DAY)).toBeUndefined();
    expect(archivedRange({ from: 'yesterday' }, now, 30 * DAY)).toBeUndefined();
  });
});
