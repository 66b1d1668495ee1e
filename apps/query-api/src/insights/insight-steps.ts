import { HOUR_MS } from '../params/time';
import { INSIGHT_STEPS_MS } from './insights.constants';

/**
 * The bucket width of an insight over a window: the smallest of INSIGHT_STEPS_MS that gives at
 * most `maxBuckets` buckets, and whole hours for windows of 12 h or more, so that 1-hour rollups
 * answer them (a 24 h window reads 24 rows per machine and name, not 1,440).
 */
export function insightStep(windowMs: number, maxBuckets: number): number {
  const least = windowMs >= 12 * HOUR_MS ? HOUR_MS : 0;
  const step = INSIGHT_STEPS_MS.find((s) => s >= least && Math.ceil(windowMs / s) <= maxBuckets);
  return step ?? INSIGHT_STEPS_MS[INSIGHT_STEPS_MS.length - 1];
}

/** Buckets (multiples of `stepMs` since the epoch) that [from, to) touches. */
export function bucketsTouched(from: number, to: number, stepMs: number): number {
  return Math.floor((to - 1) / stepMs) - Math.floor(from / stepMs) + 1;
}
