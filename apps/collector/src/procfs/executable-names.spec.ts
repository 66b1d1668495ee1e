import { ExecutableNames } from './executable-names';

/** A fake /proc/<pid>/exe: targets by path, every read counted. */
function fakeLinks(targets: Record<string, string>) {
  const reads: string[] = [];
  const readLink = async (path: string) => {
    reads.push(path);
    const target = targets[path];
    if (target === undefined) throw Object.assign(new Error(`EACCES: ${path}`), { code: 'EACCES' });
    return target;
  };
  return { reads, readLink };
}

describe('ExecutableNames', () => {
  it('reads a process exe once and answers later ticks from the cache', async () => {
    const { reads, readLink } = fakeLinks({ '/p/10/exe': '/usr/bin/node' });
    const names = new ExecutableNames('/p', readLink);
    for (let tick = 0; tick < 3; tick++) {
      expect(await names.basenameOf(10, 500, 'MainThread')).toBe('node');
      names.endTick();
    }
    expect(reads).toEqual(['/p/10/exe']);
  });

  it('caches an unreadable link as unknown instead of retrying it every tick', async () => {
    const { reads, readLink } = fakeLinks({});
    const names = new ExecutableNames('/p', readLink);
    expect(await names.basenameOf(1, 1, 'init')).toBeUndefined();
    names.endTick();
    expect(await names.basenameOf(1, 1, 'init')).toBeUndefined();
    expect(reads).toHaveLength(1);
  });

  it('reads again for a recycled pid (new start time) and after an execve (new comm)', async () => {
    const targets = { '/p/7/exe': '/usr/bin/bash' };
    const { reads, readLink } = fakeLinks(targets);
    const names = new ExecutableNames('/p', readLink);
    expect(await names.basenameOf(7, 100, 'bash')).toBe('bash');
    names.endTick();
    targets['/p/7/exe'] = '/usr/bin/sleep';
    expect(await names.basenameOf(7, 100, 'sleep')).toBe('sleep');
    names.endTick();
    targets['/p/7/exe'] = '/usr/sbin/cron';
    expect(await names.basenameOf(7, 900, 'cron')).toBe('cron');
    expect(reads).toHaveLength(3);
  });

  it('forgets processes absent from a tick, so the cache holds only live ones', async () => {
    const { reads, readLink } = fakeLinks({ '/p/5/exe': '/bin/a' });
    const names = new ExecutableNames('/p', readLink);
    await names.basenameOf(5, 1, 'a');
    names.endTick();
    names.endTick(); // a tick in which pid 5 was not seen: it exited
    await names.basenameOf(5, 1, 'a');
    expect(reads).toHaveLength(2);
  });
});
