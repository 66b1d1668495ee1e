import { QueryLimitsConfig } from '@pa/config';
import { HOUR_MS, SECOND_MS } from '../params/time';
import { LEVELS, LEVEL_MS, RAW_WINDOW_BELOW_MS, Range, Resolution, WindowPlan, planWindow } from './window-plan';

/*
 * What a request may read. A plan reads each instant of its window from one source: raw rows at the
 * unaligned edges, each rollup level over its own range. Rows read grow with the span a source
 * covers divided by its granularity (raw: every sample; 1m: a row per machine, name and minute), so
 * the fine sources get a span budget and the coarse ones only the window cap (93 days of 1h rollups
 * are 2,232 rows per machine and name). Dirty buckets (not yet summarized) are read from finer
 * sources whatever the budget: that is what keeps answers exact, and it is bounded by the window.
 */

/** Widest span, ms, that raw rows and 1-minute rollups may serve in one request. */
export interface ScanBudget {
  raw: number;
  '1m': number;
}

/** The budget of a request: raw rows for windows up to an hour (as DESIGN.md plans), or the raw cap when forced. */
export function scanBudget(limits: QueryLimitsConfig, forced?: Resolution): ScanBudget {
  return {
    raw: forced === 'raw' ? limits.maxRawWindowHours * HOUR_MS : RAW_WINDOW_BELOW_MS,
    '1m': limits.maxMinuteWindowHours * HOUR_MS,
  };
}

const span = (range: Range | undefined): number => (range ? range.to - range.from : 0);

/** ms of the window each source serves: the ranges nest (1d ⊆ 1h ⊆ 1m ⊆ window), each serves its own minus the coarser. */
export function scannedSpans(plan: WindowPlan): Record<Resolution, number> {
  const [m, h, d] = LEVELS.map((level) => span(plan.levels[level]));
  return { raw: span(plan.window) - m, '1m': m - h, '1h': h - d, '1d': d };
}

/** The first fine source that a plan makes read more than its budget; undefined when it fits. */
export function overBudget(plan: WindowPlan, budget: ScanBudget): 'raw' | '1m' | undefined {
  const spans = scannedSpans(plan);
  if (spans.raw > budget.raw) return 'raw';
  if (spans['1m'] > budget['1m']) return '1m';
  return undefined;
}

/**
 * The smallest step unit (1s, 1m, 1h or 1d) whose multiples keep a series over `window` within
 * budget: a step that is a multiple of a level's width lets that level serve (planWindow), and
 * more levels only shrink the fine sources' spans, so every multiple of the unit fits too.
 */
export function stepUnit(window: Range, max: Resolution, budget: ScanBudget): number {
  const units = [SECOND_MS, ...LEVELS.filter((level) => max !== 'raw' && LEVEL_MS[level] <= LEVEL_MS[max]).map((level) => LEVEL_MS[level])];
  return units.find((unit) => overBudget(planWindow(window, max, unit), budget) === undefined) ?? units[units.length - 1];
}

/** What `plan` reads too much of, e.g. "raw rows over 24 h of the window (at most 1 h)"; undefined when it fits. */
export function describeOverrun(plan: WindowPlan, budget: ScanBudget): string | undefined {
  const over = overBudget(plan, budget);
  if (over === undefined) return undefined;
  const what = over === 'raw' ? 'raw rows' : '1-minute rollups';
  return `${what} over ${hours(scannedSpans(plan)[over])} of the window (at most ${hours(budget[over])})`;
}

function hours(ms: number): string {
  return `${Math.round((ms / HOUR_MS) * 100) / 100} h`;
}
