import { defaultStep, formatDuration, parseDate, parseDuration, parseInstant } from './time';

const ok = <T>(value: T) => ({ ok: true, value });

describe('parseInstant', () => {
  it('reads RFC 3339 with Z or an offset, to the millisecond', () => {
    expect(parseInstant('2026-11-29T10:00:00Z')).toEqual(ok(Date.UTC(2026, 10, 29, 10)));
    expect(parseInstant('2026-11-29t10:00:00.123z')).toEqual(ok(Date.UTC(2026, 10, 29, 10, 0, 0, 123)));
    expect(parseInstant('2026-11-29T12:30:00+02:30')).toEqual(ok(Date.UTC(2026, 10, 29, 10)));
    expect(parseInstant('2026-11-29T08:00:00-02:00')).toEqual(ok(Date.UTC(2026, 10, 29, 10)));
  });

  it('rounds sub-millisecond digits up (window bounds) or down (at), so whole-millisecond rows select the same', () => {
    expect(parseInstant('2026-11-29T10:00:00.000001Z')).toEqual(ok(Date.UTC(2026, 10, 29, 10, 0, 0, 1)));
    expect(parseInstant('2026-11-29T10:00:00.999000000Z')).toEqual(ok(Date.UTC(2026, 10, 29, 10, 0, 0, 999)));
    expect(parseInstant('2026-11-29T10:00:00.9995Z')).toEqual(ok(Date.UTC(2026, 10, 29, 10, 0, 1)));
    expect(parseInstant('2026-11-29T10:00:00.9995Z', 'floor')).toEqual(ok(Date.UTC(2026, 10, 29, 10, 0, 0, 999)));
    expect(parseInstant('2026-11-29T10:00:00.001Z', 'floor')).toEqual(ok(Date.UTC(2026, 10, 29, 10, 0, 0, 1)));
  });

  it('keeps every instant within 1970 to before 10000, after the zone and the rounding', () => {
    expect(parseInstant('9999-12-31T23:59:59.999Z')).toEqual(ok(Date.UTC(10000, 0, 1) - 1));
    expect(parseInstant('1970-01-01T00:00:00Z')).toEqual(ok(0));
    // Rounded up into year 10000: a valid RFC 3339 text whose instant we refuse.
    const rounded = parseInstant('9999-12-31T23:59:59.9995Z');
    expect(rounded.ok ? '' : rounded.reason).toContain('before 10000-01-01');
    // Out of range once the zone applies (the contract's parser may refuse these itself).
    for (const text of ['9999-12-31T23:00:00-01:00', '1970-01-01T00:30:00+01:00', '1969-12-31T23:59:59Z']) {
      expect([text, parseInstant(text).ok]).toEqual([text, false]);
    }
  });

  it.each([
    ['2026-11-29', 'RFC 3339'],
    ['2026-11-29T10:00:00', 'RFC 3339'],
    ['yesterday', 'RFC 3339'],
    ["2026-11-29T10:00:00Z' OR 1=1 --", 'RFC 3339'],
    ['2026-02-30T10:00:00Z', 'RFC 3339'],
    ['2026-11-29T24:00:00Z', 'RFC 3339'],
    ['0099-01-01T00:00:00Z', '1970'],
    ['2026-11-29T10:00:00+24:00', 'RFC 3339'],
  ])('refuses %s', (text, reason) => {
    const result = parseInstant(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});

describe('parseInstant from a query string', () => {
  it('hints at %2B when the offset sign has become a space', () => {
    const result = parseInstant('2026-11-29T12:30:00 02:30');
    expect(result.ok ? '' : result.reason).toContain('%2B');
    const other = parseInstant('2026-11-29T12:30:00');
    expect(other.ok ? '' : other.reason).not.toContain('%2B');
  });
});

describe('parseDate', () => {
  it('reads a UTC date as its midnight and refuses impossible ones', () => {
    expect(parseDate('2026-11-29')).toEqual(ok(Date.UTC(2026, 10, 29)));
    expect(parseDate('2026-02-29').ok).toBe(false);
    expect(parseDate('2026-11-29T00:00:00Z').ok).toBe(false);
  });

  it('refuses days that do not end before year 10000 or start before 1970', () => {
    expect(parseDate('9999-12-30')).toEqual(ok(Date.UTC(9999, 11, 30)));
    for (const text of ['9999-12-31', '1969-12-31', '0001-01-01', '0000-01-01']) {
      const result = parseDate(text);
      expect([text, result.ok ? '' : result.reason]).toEqual([text, expect.stringContaining('9999-12-30')]);
    }
  });
});

describe('parseDuration / formatDuration', () => {
  it('reads one unit of s, m, h or d', () => {
    expect(parseDuration('30s')).toEqual(ok(30_000));
    expect(parseDuration('5m')).toEqual(ok(300_000));
    expect(parseDuration('1h')).toEqual(ok(3_600_000));
    expect(parseDuration('1d')).toEqual(ok(86_400_000));
  });

  it.each(['0s', '-5m', '1.5h', '5', '1h30m', '10ms', '1w', '', '1e3s', '99999999999d', '1000000000s'])('refuses %j', (text) => {
    expect(parseDuration(text).ok).toBe(false);
  });

  it('writes the largest whole unit', () => {
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(90 * 60_000)).toBe('90m');
    expect(formatDuration(1_500)).toBe('1500ms');
  });
});

describe('defaultStep', () => {
  it('picks the finest round step that stays within the points', () => {
    expect(defaultStep(3_600_000, 300)).toBe(30_000);
    expect(defaultStep(86_400_000, 300)).toBe(300_000);
    expect(defaultStep(7 * 86_400_000, 300)).toBe(3_600_000);
  });

  it('only multiples of the unit, and none when no round step gives few enough points', () => {
    expect(defaultStep(2 * 3_600_000, 300, 60_000)).toBe(60_000);
    expect(defaultStep(2 * 3_600_000, 300)).toBe(30_000);
    expect(defaultStep(93 * 86_400_000, 10)).toBeUndefined();
  });
});
