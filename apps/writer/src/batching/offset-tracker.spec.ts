import { OffsetTracker } from './offset-tracker';

describe('OffsetTracker', () => {
  it('commits the end of what was processed when nothing is parked', () => {
    const t = new OffsetTracker();
    t.markProcessed('t:3', 100n);
    expect(t.committable('t:3', undefined)).toBe(100n);
  });

  it('holds the commit at the lowest parked offset', () => {
    const t = new OffsetTracker();
    t.markProcessed('t:3', 100n);
    expect(t.committable('t:3', 42n)).toBe(42n);
  });

  it('offers nothing new once that offset is committed, and moves on when more is processed', () => {
    const t = new OffsetTracker();
    t.markProcessed('t:0', 10n);
    t.markCommitted('t:0', 10n);
    expect(t.committable('t:0', undefined)).toBeUndefined();
    t.markProcessed('t:0', 5n); // a stale, lower mark never moves it back
    t.markProcessed('t:0', 20n);
    expect(t.committable('t:0', undefined)).toBe(20n);
  });

  it('knows nothing of a partition it never processed, nor anything after a reset', () => {
    const t = new OffsetTracker();
    expect(t.committable('t:1', undefined)).toBeUndefined();
    t.markProcessed('t:1', 7n);
    t.reset();
    expect(t.committable('t:1', undefined)).toBeUndefined();
  });
});
