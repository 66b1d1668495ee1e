import { UserDirectory } from './user-directory';

describe('UserDirectory', () => {
  it('caches, and re-reads for an unknown uid at most once per period', async () => {
    let now = 0;
    let reads = 0;
    let passwd = 'root:x:0:0::/root:/bin/sh\n';
    const users = new UserDirectory(async () => (reads++, passwd), 60_000, () => now);

    expect(await users.nameOf(0)).toBe('root');
    expect(await users.nameOf(1000)).toBe('1000');
    passwd += 'alice:x:1000:1000::/home/alice:/bin/sh\n';
    expect(await users.nameOf(1000)).toBe('1000');
    expect(reads).toBe(1);

    now = 60_000;
    expect(await users.nameOf(1000)).toBe('alice');
    expect(await users.nameOf(0)).toBe('root');
    expect(reads).toBe(2);
  });

  it('shows uids as numbers when passwd cannot be read', async () => {
    const users = new UserDirectory(async () => Promise.reject(new Error('EACCES')));
    expect(await users.nameOf(33)).toBe('33');
  });
});
