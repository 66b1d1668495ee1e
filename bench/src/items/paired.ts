import { median, ratio } from '../support/stats';
import { Sample } from './bench-context';

/** Median of one measurement's values over the rounds. */
export function medianOf(samples: Sample[], measurement: string): number {
  return median(samples.filter((s) => s.measurement === measurement).map((s) => s.value));
}

/**
 * Median over rounds of a/b taken within each round: both ran minutes apart on the same box, so the
 * ratio cancels most of the noise that separate medians would keep.
 */
export function pairedRatio(samples: Sample[], a: string, b: string): number {
  const reps = [...new Set(samples.map((s) => s.rep))];
  const ratios = reps.flatMap((rep) => {
    const x = samples.find((s) => s.rep === rep && s.measurement === a)?.value;
    const y = samples.find((s) => s.rep === rep && s.measurement === b)?.value;
    return x === undefined || y === undefined ? [] : [ratio(x, y)];
  });
  return median(ratios);
}
