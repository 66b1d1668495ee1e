import { generateApiKey } from '@pa/auth';
import { parseDuration, parseKeysCommand } from './keys-command';

describe('parseKeysCommand', () => {
  it('reads create with repeated scopes and prefixes', () => {
    expect(parseKeysCommand(['create', '--scope', 'read', '--scope', 'metrics', '--read-prefix', 'team-a-', '--read-prefix', 'team-c-', '--expires', '90d', '--name', 'grafana'])).toEqual({
      kind: 'create',
      name: 'grafana',
      scopes: ['read', 'metrics'],
      writePrefixes: [],
      readPrefixes: ['team-a-', 'team-c-'],
      expiresInMs: 90 * 86_400_000,
      keyFile: undefined,
    });
  });

  it('requires a name, a known scope and an expiry', () => {
    expect(() => parseKeysCommand(['create', '--scope', 'read', '--expires', '1d'])).toThrow(/--name/);
    expect(() => parseKeysCommand(['create', '--name', 'x', '--scope', 'root', '--expires', '1d'])).toThrow(/--scope/);
    expect(() => parseKeysCommand(['create', '--name', 'x', '--scope', 'read'])).toThrow(/--expires/);
  });

  it('takes the id out of a whole key for revoke, and defaults the rotation overlap to 24 h', () => {
    // A whole key made here, at run time: none is written in the repository.
    expect(parseKeysCommand(['revoke', generateApiKey('ABCDEFGHIJ').token])).toEqual({ kind: 'revoke', keyId: 'ABCDEFGHIJ' });
    expect(parseKeysCommand(['rotate', 'ABCDEFGHIJ'])).toMatchObject({ kind: 'rotate', keyId: 'ABCDEFGHIJ', overlapMs: 86_400_000 });
    expect(() => parseKeysCommand(['revoke', 'nope'])).toThrow(/key id/);
  });

  it('reads durations', () => {
    expect(parseDuration('10s', 'x')).toBe(10_000);
    expect(parseDuration('30m', 'x')).toBe(1_800_000);
    expect(() => parseDuration('0d', '--expires')).toThrow(/--expires/);
    expect(() => parseDuration('1w', '--expires')).toThrow(/--expires/);
  });
});
