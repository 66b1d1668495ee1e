import { parseLifecycleCommand } from './lifecycle-command';

describe('parseLifecycleCommand', () => {
  it('knows run, status and status --json', () => {
    expect(parseLifecycleCommand(['run'])).toEqual({ kind: 'run' });
    expect(parseLifecycleCommand(['status'])).toEqual({ kind: 'status', json: false });
    expect(parseLifecycleCommand(['status', '--json'])).toEqual({ kind: 'status', json: true });
    expect(parseLifecycleCommand([])).toEqual({ kind: 'help' });
    expect(parseLifecycleCommand(['--help'])).toEqual({ kind: 'help' });
  });

  it('refuses what it does not know, naming it', () => {
    expect(() => parseLifecycleCommand(['restore'])).toThrow(/unknown command restore/);
    expect(() => parseLifecycleCommand(['run', '--json'])).toThrow(/unknown argument --json/);
  });
});
