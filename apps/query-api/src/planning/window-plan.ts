import { DAY_MS, HOUR_MS, MINUTE_MS } from '../params/time';

/** Rollup levels, finest first; each bucket width divides the next one's. */
export const LEVELS = ['1m', '1h', '1d'] as const;
export type Level = (typeof LEVELS)[number];
export type Resolution = 'raw' | Level;
export const RESOLUTIONS: readonly Resolution[] = ['raw', ...LEVELS];

export const LEVEL_MS: Record<Level, number> = { '1m': MINUTE_MS, '1h': HOUR_MS, '1d': DAY_MS };

/** Windows shorter than this are answered from raw rows unless a resolution is forced (DESIGN.md). */
export const RAW_WINDOW_BELOW_MS = HOUR_MS;

/** A half-open interval of epoch ms. */
export interface Range {
  from: number;
  to: number;
}

/**
 * How a window `[from, to)` is answered. `levels[L]` is the aligned part `[ceil_L(from),
 * floor_L(to))` that level L covers; the ranges nest (1d ⊆ 1h ⊆ 1m), so each level serves its own
 * range minus the coarser one's, and raw rows serve what is left at both edges. Dirty buckets
 * (outbox rows not yet summarized) fall through to the next finer level at query time.
 */
export interface WindowPlan {
  window: Range;
  levels: Partial<Record<Level, Range>>;
  /** the coarsest level used: what the answer reports as its resolution */
  resolution: Resolution;
}

/**
 * The coarsest resolution a window may use: `forced` when given, else raw below an hour, else 1d
 * (planWindow then uses each level only where its buckets fit).
 */
export function maxResolution(window: Range, forced?: Resolution): Resolution {
  if (forced) return forced;
  return window.to - window.from < RAW_WINDOW_BELOW_MS ? 'raw' : '1d';
}

/**
 * Splits a window over the levels up to `max`. With `stepMs`, only levels whose width divides the
 * step are used, so that no rollup bucket straddles two step buckets (steps start at multiples of
 * the step since the epoch, and so do rollup buckets).
 */
export function planWindow(window: Range, max: Resolution, stepMs?: number): WindowPlan {
  const levels: Partial<Record<Level, Range>> = {};
  let resolution: Resolution = 'raw';
  if (max !== 'raw') {
    for (const level of LEVELS) {
      const width = LEVEL_MS[level];
      if (width > LEVEL_MS[max] || (stepMs !== undefined && stepMs % width !== 0)) break;
      const from = Math.ceil(window.from / width) * width;
      const to = Math.floor(window.to / width) * width;
      if (from >= to) break;
      levels[level] = { from, to };
      resolution = level;
    }
  }
  return { window, levels, resolution };
}

/** The levels a plan uses, finest first. */
export function usedLevels(plan: WindowPlan): Level[] {
  return LEVELS.filter((level) => plan.levels[level] !== undefined);
}

/** The parts of `outer` outside `inner` (inner ⊆ outer), empty parts dropped. */
export function subtract(outer: Range, inner: Range | undefined): Range[] {
  if (!inner) return [outer];
  return [
    { from: outer.from, to: inner.from },
    { from: inner.to, to: outer.to },
  ].filter((r) => r.from < r.to);
}
