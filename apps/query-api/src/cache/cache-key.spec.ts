import { cacheKey, canonicalJson } from './cache-key';

describe('cacheKey', () => {
  const base = { endpoint: 'top', params: { metric: 'cpu_pct', limit: 10 }, mapVersion: 1, shards: ['db0:5433/pa', 'db1:5433/pa'], watermarks: ['5/8', '9/8'] };

  it('is the same for the same question in any key order', () => {
    expect(cacheKey('p:', base)).toBe(cacheKey('p:', { ...base, params: { limit: 10, metric: 'cpu_pct' } }));
    expect(cacheKey('p:', base)).toMatch(/^p:top:[0-9a-f]{64}$/);
  });

  it('changes with any shard watermark, the shard map version, the shard nodes or a parameter', () => {
    const key = cacheKey('p:', base);
    expect(cacheKey('p:', { ...base, watermarks: ['5/8', '10/8'] })).not.toBe(key);
    expect(cacheKey('p:', { ...base, shards: ['db0:5433/pa', 'db2:5433/pa'] })).not.toBe(key);
    expect(cacheKey('p:', { ...base, mapVersion: 2 })).not.toBe(key);
    expect(cacheKey('p:', { ...base, params: { metric: 'cpu_pct', limit: 11 } })).not.toBe(key);
  });

  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: { d: 1, c: [{ f: 1, e: 2 }] }, a: null })).toBe('{"a":null,"b":{"c":[{"e":2,"f":1}],"d":1}}');
  });
});
