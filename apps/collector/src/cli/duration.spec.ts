import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5_000],
    ['1m', 60_000],
    ['2h', 7_200_000],
    ['1.5s', 1_500],
    ['1m30s', 90_000],
    [' 10s ', 10_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['5', '', 's', '5 s', '-5s', '5d', '1e3ms', 'abc'])('refuses %j with a hint', (text) => {
    expect(() => parseDuration(text)).toThrow(/use a number with a unit/);
  });
});

describe('formatDuration', () => {
  it.each([
    [500, '500ms'],
    [5_000, '5s'],
    [90_000, '1m30s'],
    [3_600_500, '1h500ms'],
  ])('formats %d as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
