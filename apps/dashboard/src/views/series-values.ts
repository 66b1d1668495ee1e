import type { SeriesPointBody } from '@pa/contracts';

/**
 * Values of a series for charts. A machine series adds every process sample of a snapshot, so
 * sum / snapshots is the machine's total per snapshot (its CPU or memory in use); a process
 * series over the fleet is shown per process sample (sum / count), or by its maximum.
 */
export function perSnapshot(points: SeriesPointBody[]): (number | null)[] {
  return points.map((p) => (p.snapshots ? p.sum / p.snapshots : null));
}

export function perSample(points: SeriesPointBody[]): (number | null)[] {
  return points.map((p) => (p.count ? p.sum / p.count : null));
}

export function maxima(points: SeriesPointBody[]): (number | null)[] {
  return points.map((p) => p.max);
}

export function times(points: SeriesPointBody[]): number[] {
  return points.map((p) => Date.parse(p.t));
}
