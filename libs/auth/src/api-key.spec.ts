import { formatApiKey, generateApiKey, isKeyId, parseApiKey } from './api-key';

describe('API key text', () => {
  it('round-trips: a generated key parses back to its id and secret', () => {
    const key = generateApiKey();
    expect(key.token).toMatch(/^pa1_[0-9A-Za-z]{10}_[0-9A-Za-z]{32}_[0-9A-Za-z]{6}$/);
    expect(parseApiKey(key.token)).toEqual({ keyId: key.keyId, secret: key.secret });
    expect(isKeyId(key.keyId)).toBe(true);
  });

  it('has a secret of at least 128 bits (32 base62 characters: 190 bits)', () => {
    expect(32 * Math.log2(62)).toBeGreaterThan(128);
  });

  it('gives fresh ids and secrets each time', () => {
    const keys = Array.from({ length: 200 }, () => generateApiKey());
    expect(new Set(keys.map((k) => k.keyId)).size).toBe(200);
    expect(new Set(keys.map((k) => k.secret)).size).toBe(200);
  });

  it('catches every one-character typo by its checksum, before any lookup', () => {
    const { token } = generateApiKey();
    const start = 'pa1_'.length;
    for (let i = start; i < token.length; i++) {
      if (token[i] === '_') continue;
      const typo = token.slice(0, i) + (token[i] === 'a' ? 'b' : 'a') + token.slice(i + 1);
      expect(parseApiKey(typo)).toBe('bad checksum');
    }
  });

  it.each([
    ['empty', ''],
    ['another prefix', 'pa2_abcdefghij_abcdefghijabcdefghijabcdefghijab_abcdef'],
    ['a short secret', 'pa1_abcdefghij_abc_abcdef'],
    ['a character outside base62', 'pa1_abcdefghi-_abcdefghijabcdefghijabcdefghijab_abcdef'],
    ['trailing text', `${generateApiKey().token}x`],
  ])('refuses %s as malformed', (_what, text) => {
    expect(parseApiKey(text)).toBe('malformed');
  });

  it('formats the same parts to the same text', () => {
    expect(formatApiKey({ keyId: 'ABCDEFGHIJ', secret: 'a'.repeat(32) })).toBe(formatApiKey({ keyId: 'ABCDEFGHIJ', secret: 'a'.repeat(32) }));
  });
});
