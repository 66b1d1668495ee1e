import { parseLifecycleCommand } from './lifecycle-command';

describe('parseLifecycleCommand', () => {
  it('knows run, status, status --json and restore', () => {
    expect(parseLifecycleCommand(['run'])).toEqual({ kind: 'run' });
    expect(parseLifecycleCommand(['status'])).toEqual({ kind: 'status', json: false });
    expect(parseLifecycleCommand(['status', '--json'])).toEqual({ kind: 'status', json: true });
    expect(parseLifecycleCommand(['restore', '--day', '2026-10-01'])).toEqual({ kind: 'restore', day: '2026-10-01', shard: undefined });
    expect(parseLifecycleCommand(['restore', '--shard', '1', '--day', '2026-10-01'])).toEqual({ kind: 'restore', day: '2026-10-01', shard: 1 });
    expect(parseLifecycleCommand([])).toEqual({ kind: 'help' });
    expect(parseLifecycleCommand(['--help'])).toEqual({ kind: 'help' });
  });

  it('refuses what it does not know, naming it', () => {
    expect(() => parseLifecycleCommand(['vacuum'])).toThrow(/unknown command vacuum/);
    expect(() => parseLifecycleCommand(['run', '--json'])).toThrow(/unknown argument --json/);
    expect(() => parseLifecycleCommand(['restore'])).toThrow(/--day YYYY-MM-DD is required/);
    expect(() => parseLifecycleCommand(['restore', '--day', '2026-13-01'])).toThrow(/--day: "2026-13-01" is not a day/);
    expect(() => parseLifecycleCommand(['restore', '--day', '2026-10-01', '--shard', 'x'])).toThrow(/--shard: "x" is not a shard number/);
    expect(() => parseLifecycleCommand(['restore', '--day', '2026-10-01', '--force'])).toThrow(/unknown argument --force/);
  });
});
