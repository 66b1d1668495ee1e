/** The shared time-range picker's choices: relative presets (live-able) or a custom [from, to). */
export const PRESETS = ['15m', '1h', '6h', '24h', '7d'] as const;
export type Preset = (typeof PRESETS)[number];
export type RangeChoice = Preset | 'custom';

const PRESET_MS: Record<Preset, number> = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };

export const PRESET_LABELS: Record<RangeChoice, string> = {
  '15m': 'Last 15 min',
  '1h': 'Last 1 h',
  '6h': 'Last 6 h',
  '24h': 'Last 24 h',
  '7d': 'Last 7 d',
  custom: 'Custom',
};

export interface TimeRange {
  range: RangeChoice;
  /** epoch ms, custom only */
  from?: number;
  to?: number;
  live: boolean;
}

/** The window a range stands for at `nowMs`: relative ones end now (to the second, so URLs stay short). */
export function resolveRange(r: TimeRange, nowMs: number): { from: number; to: number } {
  if (r.range === 'custom' && r.from !== undefined && r.to !== undefined && r.from < r.to) return { from: r.from, to: r.to };
  const to = Math.floor(nowMs / 1000) * 1000;
  const preset: Preset = r.range === 'custom' ? '1h' : r.range;
  return { from: to - PRESET_MS[preset], to };
}

/** Windows up to these are read from raw rows (steps of seconds) and 1-minute rollups (steps of minutes): the query API's default scan budget. */
const RAW_WINDOW_MS = 3_600_000;
const MINUTE_WINDOW_MS = 168 * 3_600_000;

/**
 * The step of a chart over a window: a round step giving at most `points` buckets, at least 1 s,
 * and within the API's scan budget: whole minutes past an hour, whole hours past a week (the API
 * refuses finer steps there with a 400 naming the least step).
 */
export function chartStep(windowMs: number, points: number): string {
  const steps = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  const least = windowMs > MINUTE_WINDOW_MS ? 3600 : windowMs > RAW_WINDOW_MS ? 60 : 1;
  const s = steps.find((step) => step >= least && windowMs / (step * 1000) <= points) ?? 86400;
  return s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

/** Milliseconds of a step text from chartStep ("30s", "5m", "1h"). */
export function stepMs(step: string): number {
  const n = Number(step.slice(0, -1));
  return n * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[step.slice(-1) as 's' | 'm' | 'h' | 'd'];
}
