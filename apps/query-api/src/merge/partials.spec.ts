import { mergeAggregates, mergeKeyed, parseAggregate, rankTop } from './partials';

describe('partials', () => {
  it('parses shard rows: floats as numbers, byte sums as BigInt, null maxima kept', () => {
    expect(parseAggregate({ sum: '1.5', count: '3', max: '0.75' }, false)).toEqual({ sum: 1.5, count: 3, max: 0.75 });
    expect(parseAggregate({ sum: '18014398509481985', count: 2, max: null }, true)).toEqual({ sum: 18014398509481985n, count: 2, max: null });
  });

  it('merges partials of the same key across shards exactly', () => {
    const shard0 = [
      { key: 'nginx', value: { sum: 9007199254740993n, count: 2, max: 7 } },
      { key: 'java', value: { sum: 1n, count: 1, max: 1 } },
    ];
    const shard1 = [{ key: 'nginx', value: { sum: 2n, count: 1, max: null } }];
    const merged = mergeKeyed([shard0, shard1], mergeAggregates);
    expect(merged.get('nginx')).toEqual({ sum: 9007199254740995n, count: 3, max: 7 });
    expect(merged.get('java')).toEqual({ sum: 1n, count: 1, max: 1 });
  });

  it('refuses to add a float sum to an integer sum', () => {
    expect(() => mergeAggregates({ sum: 1, count: 1, max: 1 }, { sum: 1n, count: 1, max: 1 })).toThrow(TypeError);
  });

  it('ranks by sum, avg or max, ties by key, and drops groups without samples', () => {
    const groups = new Map([
      ['b', { sum: 10, count: 2, max: 9 }],
      ['a', { sum: 10, count: 5, max: 3 }],
      ['c', { sum: 4, count: 1, max: 4 }],
      ['empty', { sum: 0, count: 0, max: null }],
    ]);
    expect(rankTop(groups, 'sum', 10).map((i) => i.key)).toEqual(['a', 'b', 'c']);
    expect(rankTop(groups, 'avg', 10).map((i) => i.key)).toEqual(['b', 'c', 'a']);
    expect(rankTop(groups, 'max', 2).map((i) => i.key)).toEqual(['b', 'c']);
    expect(rankTop(groups, 'sum', 1)).toEqual([{ key: 'a', sum: 10, count: 5, avg: 2, max: 3 }]);
  });
});
