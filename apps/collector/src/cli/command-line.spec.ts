import { parseCommandLine, UsageError } from './command-line';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const parse = (line: string) => parseCommandLine(line.split(' ').filter(Boolean), NOW);

describe('parseCommandLine', () => {
  it('defaults to sampling this machine every 5s over HTTP', () => {
    expect(parse('')).toEqual({ kind: 'sample', intervalMs: 5_000, maxTicks: undefined, useKafka: false });
  });

  it('reads --once as one tick', () => {
    expect(parse('--once --interval 500ms --kafka')).toEqual({ kind: 'sample', intervalMs: 500, maxTicks: 1, useKafka: true });
  });

  it('reads every simulate flag', () => {
    expect(
      parse('simulate --machines 3 --processes 20 --interval 1m --ticks 7 --start 2026-11-28T00:00:00Z --seed abc --prefix lab-'),
    ).toEqual({
      kind: 'simulate',
      intervalMs: 60_000,
      maxTicks: 7,
      useKafka: false,
      machines: 3,
      processes: 20,
      startMs: Date.parse('2026-11-28T00:00:00Z'),
      seed: 'abc',
      prefix: 'lab-',
    });
  });

  it('has simulate defaults of 200 machines x 150 processes every 10s', () => {
    expect(parse('simulate')).toMatchObject({ machines: 200, processes: 150, intervalMs: 10_000, seed: '1', prefix: 'sim-' });
  });

  it('returns help for --help', () => {
    expect(parse('simulate --help')).toEqual({ kind: 'help' });
  });

  it.each([
    ['--bogus', /Unknown option '--bogus'/],
    ['--interval 5', /use a number with a unit/],
    ['--interval 10ms', /from 100ms to 24h/],
    ['--interval', /argument missing/],
    ['--once --ticks 3', /either --once or --ticks/],
    ['--machines 5', /only applies to "collector simulate"/],
    ['sample', /unexpected argument "sample"/],
    ['simulate --machines 0', /--machines must be a whole number from 1/],
    ['simulate --processes 1.5', /--processes must be a whole number/],
    ['simulate --start yesterday', /--start must be an RFC 3339 time/],
    ['simulate --start 2026-11-28T00:00:00', /--start must be an RFC 3339 time/],
    ['simulate --start 2026-11-30T00:00:00Z', /in the future/],
    ['simulate --prefix a/b', /--prefix may hold only/],
  ])('refuses %j', (line, message) => {
    expect(() => parse(line)).toThrow(UsageError);
    expect(() => parse(line)).toThrow(message);
  });
});
