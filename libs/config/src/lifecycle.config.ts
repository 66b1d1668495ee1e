import { AuthConfig, readAuthConfig } from './auth.config';
import { EnvReader } from './env-reader';
import { HttpConfig, ShardsConfig, readHttpConfig, readShardsConfig } from './common.config';
import { RetentionPolicy, readRetentionPolicy } from './retention.config';

/** Where a test may stop the sealing of a day with SIGKILL (LIFECYCLE_STOP_AT); see docs/lifecycle.md. */
export const LIFECYCLE_STOP_POINTS = ['after-rewrite', 'after-verify', 'after-delete', 'after-commit'] as const;
/** Where a test may stop the retention of a day: files written (before verify), verified (before the drop), detached (mid-drop). */
export const RETENTION_STOP_POINTS = ['after-archive-write', 'after-archive-verify', 'after-detach'] as const;
export type LifecycleStopPoint = (typeof LIFECYCLE_STOP_POINTS)[number] | (typeof RETENTION_STOP_POINTS)[number];
const STOP_POINTS: readonly string[] = [...LIFECYCLE_STOP_POINTS, ...RETENTION_STOP_POINTS];

export interface LifecycleConfig {
  http: HttpConfig;
  shards: ShardsConfig;
  /** API keys: /metrics needs the metrics scope */
  auth: AuthConfig;
  /** a UTC day is sealed (compressed) once its end is this many ms in the past */
  latenessMs: number;
  /** pause between two runs of every due step, ms */
  intervalMs: number;
  /** only these UTC days (YYYY-MM-DD) are looked at (LIFECYCLE_DAYS): an operator sealing one day by hand, a test on a shared node; all when absent */
  onlyDays?: string[];
  /** test hook: the process kills itself (SIGKILL) at this point of the first day it seals */
  stopAt?: LifecycleStopPoint;
  /** test hook: damage one rewritten segment before verification, to show a failed verification */
  corruptForTest: boolean;
  /** what is kept how long, and where the archive goes */
  retention: RetentionPolicy;
}

const DAY_MS = 86_400_000;

export function loadLifecycleConfig(env: Record<string, string | undefined>): Readonly<LifecycleConfig> {
  const r = new EnvReader(env);
  return r.finish({
    http: readHttpConfig(r, 'LIFECYCLE_PORT', 8084),
    shards: readShardsConfig(r, 2),
    auth: readAuthConfig(r),
    latenessMs: readDuration(r, 'LIFECYCLE_LATENESS', '2d'),
    intervalMs: r.int('LIFECYCLE_INTERVAL_MS', 60_000, { min: 100, max: DAY_MS }),
    onlyDays: r.optionalString('LIFECYCLE_DAYS') === undefined ? undefined : r.list('LIFECYCLE_DAYS', [], isDay, 'days YYYY-MM-DD'),
    stopAt: readStopPoint(r),
    corruptForTest: r.bool('LIFECYCLE_CORRUPT_FOR_TEST', false),
    retention: readRetentionPolicy(r),
  });
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };

/** A duration such as `2d`, `36h`, `90m`, `0s`, in ms. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]] : undefined;
}

function readDuration(r: EnvReader, name: string, fallback: string): number {
  const text = r.string(name, fallback);
  const ms = parseDuration(text);
  if (ms === undefined) r.problem(`${name}=${JSON.stringify(text)}: must be a whole number of s, m, h or d (e.g. 2d)`);
  return ms ?? (parseDuration(fallback) as number);
}

function readStopPoint(r: EnvReader): LifecycleStopPoint | undefined {
  const raw = r.optionalString('LIFECYCLE_STOP_AT');
  if (raw === undefined) return undefined;
  if (STOP_POINTS.includes(raw)) return raw as LifecycleStopPoint;
  r.problem(`LIFECYCLE_STOP_AT=${JSON.stringify(raw)}: must be one of ${STOP_POINTS.join(', ')}`);
  return undefined;
}

function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}
