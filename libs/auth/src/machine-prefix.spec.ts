import { isValidPrefix, isWithinTenant, matchesPrefix, prefixRanges } from './machine-prefix';

describe('machine-id prefixes match whole segments', () => {
  it.each([
    ['team-a-', 'team-a-x', true],
    ['team-a-', 'team-a-', true],
    ['team-a-', 'team-ab-x', false],
    ['team-a-', 'team-a', false],
    ['team-a', 'team-a', true],
    ['team-a', 'team-a-x', true],
    ['team-a', 'team-a.x', true],
    ['team-a', 'team-a:x', true],
    ['team-a', 'team-a_x', true],
    ['team-a', 'team-ab', false],
    ['team-a', 'team-ab-x', false],
    ['team-a', 'xteam-a-1', false],
    ['eu.', 'eu.host-1', true],
    ['eu.', 'eu-host-1', false],
  ])('%s on %s: %s', (prefix, machineId, expected) => {
    expect(matchesPrefix(machineId, prefix)).toBe(expected);
  });

  it('no prefixes means every machine; several mean any of them', () => {
    expect(isWithinTenant('anything', [])).toBe(true);
    expect(isWithinTenant('team-b-1', ['team-a-', 'team-b-'])).toBe(true);
    expect(isWithinTenant('team-c-1', ['team-a-', 'team-b-'])).toBe(false);
  });

  it('validates prefixes like machine ids', () => {
    expect(isValidPrefix('team-a-')).toBe(true);
    expect(isValidPrefix('')).toBe(false);
    expect(isValidPrefix("team'a")).toBe(false);
    expect(isValidPrefix('team a')).toBe(false);
  });
});

describe('prefixRanges: the ids a prefix matches, as index ranges', () => {
  const ALPHABET = 'ab-._:0Z';
  /** every id over ALPHABET up to `length` characters */
  function ids(length: number): string[] {
    let level = [''];
    const all: string[] = [];
    for (let i = 0; i < length; i++) {
      level = level.flatMap((id) => [...ALPHABET].map((c) => id + c));
      all.push(...level);
    }
    return all;
  }
  const codePointLess = (a: string, b: string) => a < b; // JS compares UTF-16 code units: code points for ASCII
  const inRanges = (id: string, prefix: string) => {
    const { exact, ranges } = prefixRanges(prefix);
    return id === exact || ranges.some((r) => !codePointLess(id, r.from) && codePointLess(id, r.to));
  };

  it.each(['a', 'a-', 'ab', 'a.b_', 'Z:', '0'])('holds exactly the ids %s matches (every id of up to 4 characters)', (prefix) => {
    for (const id of ids(4)) expect([id, inRanges(id, prefix)]).toEqual([id, matchesPrefix(id, prefix)]);
  });
});
