import { Sample } from './bench-context';
import { medianOf, pairedRatio } from './paired';

const sample = (measurement: string, rep: number, value: number): Sample => ({ measurement, rep, value, unit: 'rows/s', detail: {} });

describe('paired ratios', () => {
  it('divides within each round, then takes the median', () => {
    // Round 1 ran on a busy box: both halves slow, their ratio still 0.5.
    const samples = [sample('a', 0, 50), sample('b', 0, 100), sample('a', 1, 10), sample('b', 1, 20), sample('a', 2, 90), sample('b', 2, 100)];
    expect(pairedRatio(samples, 'a', 'b')).toBe(0.5);
    expect(medianOf(samples, 'a')).toBe(50);
  });

  it('skips rounds where one side is missing', () => {
    expect(pairedRatio([sample('a', 0, 30), sample('b', 0, 10), sample('a', 1, 5)], 'a', 'b')).toBe(3);
  });
});
