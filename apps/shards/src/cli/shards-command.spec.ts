import { parseShardsCommand } from './shards-command';

describe('parseShardsCommand', () => {
  it('reads a copy rate limit on move and rebalance, absent by default', () => {
    expect(parseShardsCommand(['move', '--buckets', '0-99', '--to', '2', '--rate', '20000'])).toMatchObject({ kind: 'move', from: 0, to: 99, target: 2, rate: 20_000 });
    expect(parseShardsCommand(['rebalance', '--rate', '0'])).toMatchObject({ kind: 'rebalance', rate: 0 });
    expect(parseShardsCommand(['move', '--resume', '--rate', '5000'])).toMatchObject({ kind: 'move', resume: true, rate: 5_000 });
    expect(parseShardsCommand(['rebalance'])).toEqual({ kind: 'rebalance', dryRun: false, graceMs: undefined, rate: undefined });
  });

  it('refuses a rate that is not a whole number of rows per second, naming the flag', () => {
    for (const bad of ['-5', '1.5', 'fast', '']) expect(() => parseShardsCommand(['rebalance', '--rate', bad])).toThrow(/--rate must be a whole number/);
  });
});
