import { Inject, Injectable } from '@nestjs/common';
import { QueryConfig } from '@pa/config';
import type { LeaksAnswerBody, MissingAnswerBody } from '@pa/contracts';
import { QueryParams, RawQuery } from '../params/query-params';
import { DAY_MS, MINUTE_MS, formatDuration } from '../params/time';
import { readAllowPartial, readWindow } from '../params/window-params';
import { planWindow } from '../planning/window-plan';
import { QUERY_CONFIG } from '../query-api.tokens';
import { readScope, readShare } from './insight-params';
import { ReadTenant } from '../tenant/read-tenant';
import { bucketsTouched, insightStep } from './insight-steps';
import { InsightsRepository } from './insights.repository';
import * as C from './insights.constants';
import { LeakThresholds, isLeakSuspect } from './leak-fit';
import { findMissing } from './missing-rules';

const LEAK_PARAMS = ['from', 'to', 'prefix', 'machine_id', 'min_r2', 'min_growth_bytes_per_hour', 'max_drawdown_ratio', 'min_coverage', 'limit', 'allow_partial'] as const;
const MISSING_PARAMS = ['at', 'recent', 'baseline', 'prefix', 'machine_id', 'min_presence', 'min_recent_coverage', 'limit', 'allow_partial'] as const;

/** Memory-leak suspects and missing processes (methods: leak-fit.ts, missing-rules.ts). */
@Injectable()
export class InsightsService {
  constructor(
    @Inject(QUERY_CONFIG) private readonly config: QueryConfig,
    private readonly repository: InsightsRepository,
  ) {}

  async leaks(raw: RawQuery, nowMs: number, tenant: ReadTenant): Promise<LeaksAnswerBody> {
    const q = new QueryParams(raw, LEAK_PARAMS);
    const window = readWindow(q, { ...this.config.limits, maxWindowDays: Math.min(this.config.limits.maxWindowDays, C.LEAK_MAX_WINDOW_MS / DAY_MS) }, nowMs);
    const scope = readScope(q, tenant);
    const thresholds: LeakThresholds = {
      minR2: readShare(q, 'min_r2', C.LEAK_DEFAULTS.minR2),
      minGrowthBytesPerHour: q.int('min_growth_bytes_per_hour', { min: 1, max: Number.MAX_SAFE_INTEGER }, C.LEAK_DEFAULTS.minGrowthBytesPerHour),
      maxDrawdownRatio: readShare(q, 'max_drawdown_ratio', C.LEAK_DEFAULTS.maxDrawdownRatio),
      minCoverage: readShare(q, 'min_coverage', C.LEAK_DEFAULTS.minCoverage),
    };
    const limit = q.int('limit', { min: 1, max: C.INSIGHT_MAX_ITEMS }, C.INSIGHT_DEFAULT_ITEMS);
    const allowPartial = readAllowPartial(q);
    q.finish();
    const stepMs = insightStep(window.to - window.from, C.LEAK_MAX_BUCKETS);
    const buckets = bucketsTouched(window.from, window.to, stepMs);
    const minPoints = Math.max(C.LEAK_MIN_POINTS, Math.ceil(thresholds.minCoverage * buckets));
    const plan = planWindow(window, '1d', stepMs);
    const { values, missing } = await this.repository.leaks({ plan, stepMs, scope, thresholds, minPoints, limit }, allowPartial);
    const suspects = values
      .flat()
      .map((r) => ({ stats: { points: r.points, slope: r.slope, r2: r.r2, fittedStart: r.fitted_start, fittedEnd: r.fitted_end, maxDrawdown: r.drawdown }, row: r }))
      .filter(({ stats }) => stats.points >= minPoints && isLeakSuspect(stats, buckets, thresholds))
      .sort((a, b) => b.stats.slope - a.stats.slope || cmp(a.row.machine_id, b.row.machine_id) || cmp(a.row.name, b.row.name))
      .slice(0, limit)
      .map(({ stats, row }) => ({
        machine_id: row.machine_id,
        name: row.name,
        growth_bytes_per_hour: Math.round(stats.slope * 3600),
        r2: stats.r2 as number,
        rss_start: Math.round(stats.fittedStart),
        rss_end: Math.round(stats.fittedEnd),
        max_drawdown_bytes: Math.round(stats.maxDrawdown),
        points: stats.points,
      }));
    return {
      from: new Date(window.from).toISOString(),
      to: new Date(window.to).toISOString(),
      step: formatDuration(stepMs),
      buckets,
      thresholds: { min_r2: thresholds.minR2, min_growth_bytes_per_hour: thresholds.minGrowthBytesPerHour, max_drawdown_ratio: thresholds.maxDrawdownRatio, min_coverage: thresholds.minCoverage },
      suspects,
      partial: missing.length > 0,
      missing_shards: missing,
    };
  }

  async missing(raw: RawQuery, nowMs: number, tenant: ReadTenant): Promise<MissingAnswerBody> {
    const q = new QueryParams(raw, MISSING_PARAMS);
    const at = q.instant('at') ?? nowMs;
    const recentMs = this.duration(q, 'recent', C.MISSING_DEFAULTS.recentMs, MINUTE_MS, C.MISSING_MAX_RECENT_MS);
    const baselineMs = this.duration(q, 'baseline', C.MISSING_DEFAULTS.baselineMs, 3 * MINUTE_MS, C.MISSING_MAX_BASELINE_MS);
    const scope = readScope(q, tenant);
    const minPresence = readShare(q, 'min_presence', C.MISSING_DEFAULTS.minPresence);
    const minRecentCoverage = readShare(q, 'min_recent_coverage', C.MISSING_DEFAULTS.minRecentCoverage);
    const limit = q.int('limit', { min: 1, max: C.INSIGHT_MAX_ITEMS }, C.INSIGHT_DEFAULT_ITEMS);
    const allowPartial = readAllowPartial(q);
    q.finish();
    const recentFrom = at - recentMs;
    const baseFrom = recentFrom - baselineMs;
    const stepMs = insightStep(baselineMs, C.MISSING_BASELINE_BUCKETS);
    const { values, missing } = await this.repository.missing({ baseFrom, recentFrom, at, stepMs, scope }, allowPartial);
    const rules = { minPresence, minRecentCoverage, minBaselineBuckets: C.MISSING_MIN_BASELINE_BUCKETS, recentMinutes: recentMs / MINUTE_MS, stepMs };
    const found = findMissing(
      values.flatMap((v) => v.presence),
      values.flatMap((v) => v.reports),
      values.flatMap((v) => v.recent),
      rules,
    );
    return {
      at: new Date(at).toISOString(),
      baseline_from: new Date(baseFrom).toISOString(),
      recent_from: new Date(recentFrom).toISOString(),
      step: formatDuration(stepMs),
      thresholds: { min_presence: minPresence, min_recent_coverage: minRecentCoverage },
      missing: found.missing.sort((a, b) => cmp(a.machine_id, b.machine_id) || cmp(a.name, b.name)).slice(0, limit),
      silent_machines: found.silent.sort((a, b) => cmp(a.machine_id, b.machine_id)).slice(0, limit),
      partial: missing.length > 0,
      missing_shards: missing,
    };
  }

  private duration(q: QueryParams, name: string, fallback: number, min: number, max: number): number {
    const value = q.duration(name);
    if (value === undefined) return fallback;
    if (value < min || value > max || value % MINUTE_MS !== 0) {
      q.problem(name, `must be whole minutes from ${formatDuration(min)} to ${formatDuration(max)}`);
      return fallback;
    }
    return value;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
