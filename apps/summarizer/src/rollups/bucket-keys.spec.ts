import { WIDTH_MS, coarsen, sliceKeys } from './bucket-keys';

describe('coarsen', () => {
  const at = (iso: string) => Date.parse(iso);

  it('maps minutes to their UTC hours and days, once per machine', () => {
    const minutes = [
      { machine_id: 'a', bucket_ms: at('2026-11-29T10:05:00Z') },
      { machine_id: 'a', bucket_ms: at('2026-11-29T10:59:00Z') },
      { machine_id: 'a', bucket_ms: at('2026-11-29T23:00:00Z') },
      { machine_id: 'b', bucket_ms: at('2026-11-29T10:05:00Z') },
    ];
    expect(coarsen(minutes, WIDTH_MS.hour)).toEqual({
      machines: ['a', 'a', 'b'],
      buckets: ['2026-11-29T10:00:00.000Z', '2026-11-29T23:00:00.000Z', '2026-11-29T10:00:00.000Z'],
    });
    expect(coarsen(minutes, WIDTH_MS.day)).toEqual({
      machines: ['a', 'b'],
      buckets: ['2026-11-29T00:00:00.000Z', '2026-11-29T00:00:00.000Z'],
    });
  });
});

describe('sliceKeys', () => {
  it('cuts parallel arrays into slices of at most size, keeping every key once and in order', () => {
    const keys = { machines: ['a', 'b', 'c', 'd', 'e'], buckets: ['1', '2', '3', '4', '5'] };
    expect(sliceKeys(keys, 2)).toEqual([
      { machines: ['a', 'b'], buckets: ['1', '2'] },
      { machines: ['c', 'd'], buckets: ['3', '4'] },
      { machines: ['e'], buckets: ['5'] },
    ]);
    expect(sliceKeys({ machines: [], buckets: [] }, 2)).toEqual([]);
  });
});
