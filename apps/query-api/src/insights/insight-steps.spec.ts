import { bucketsTouched, insightStep } from './insight-steps';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('insight buckets', () => {
  it('picks the finest step that fits, and whole hours from 12 h', () => {
    expect(insightStep(15 * MIN, 60)).toBe(MIN);
    expect(insightStep(HOUR, 60)).toBe(MIN);
    expect(insightStep(6 * HOUR, 60)).toBe(10 * MIN);
    expect(insightStep(24 * HOUR, 60)).toBe(HOUR);
    expect(insightStep(7 * 24 * HOUR, 60)).toBe(3 * HOUR);
    expect(insightStep(HOUR, 12)).toBe(5 * MIN);
  });

  it('counts the buckets an unaligned window touches', () => {
    expect(bucketsTouched(0, HOUR, MIN)).toBe(60);
    expect(bucketsTouched(30_000, HOUR + 30_000, MIN)).toBe(61);
  });
});
