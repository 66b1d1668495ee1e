import { partitionOf } from './day-compressor';
import { describeSeal } from '../service/lifecycle-runner';
import { formOf } from '../status/day-status';

describe('day names and forms', () => {
  it('names the writer\'s partition of a day, and refuses anything else (it goes into SQL)', () => {
    expect(partitionOf('2026-11-28')).toBe('process_samples_20261128');
    expect(() => partitionOf("2026-11-28; DROP TABLE x")).toThrow(RangeError);
  });

  it('tells the form of a day from its heap rows and segments', () => {
    expect(formOf(10, 0)).toBe('heap');
    expect(formOf(0, 5)).toBe('compressed');
    expect(formOf(3, 5)).toBe('compressed+late');
    expect(formOf(0, 0)).toBe('empty');
  });

  it('says what a seal did in one line', () => {
    const base = { day: '2026-11-28', heapRows: 100, oldSegments: 0, newSegments: 4 };
    expect(describeSeal(1, { ...base, status: 'done' })).toBe('shard 1 2026-11-28: compressed 100 rows into 4 segments');
    expect(describeSeal(0, { ...base, oldSegments: 3, heapRows: 2, status: 'done' })).toBe('shard 0 2026-11-28: merged 2 late rows into 3 segments -> 4');
    expect(describeSeal(0, { ...base, status: 'failed', detail: 'verification failed for 1 machine-hours' })).toBe(
      'shard 0 2026-11-28: NOT compressed, heap kept: verification failed for 1 machine-hours',
    );
  });
});
