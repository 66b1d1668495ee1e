/*
 * Planner settings per query shape: PostgreSQL's "hints" (it has no hint comments without
 * pg_hint_plan, which this PostgreSQL does not have) are planner settings, set for one
 * transaction with set_config(name, value, true), the function form of SET LOCAL (its value can be
 * a bind parameter). Only the settings of this allow-list can be set, each to the values it allows;
 * a shape declares what it needs next to its SQL, with the measurement that justified it
 * (docs/query-plans.md). `jit = off` stays a connection setting (libs/pg-shards shard-pools.ts):
 * every statement of the query API is short, and JIT compilation cost more than it saved.
 */

/** A setting's allowed values: a fixed list, or a size in kB within bounds. */
type Allowed = { values: readonly string[] } | { kbFrom: number; kbTo: number };

const ON_OFF = { values: ['on', 'off'] } as const;

/** The allow-list: nothing else can reach set_config from the query API. */
export const ALLOWED_PLANNER_SETTINGS = {
  /** memory of one sort or hash before it spills to temp files (wide aggregates) */
  work_mem: { kbFrom: 4_096, kbTo: 262_144 },
  /** aggregate per partition before appending (many day partitions in one window) */
  enable_partitionwise_aggregate: ON_OFF,
  /** sequential scans (off: only when an index path exists and the estimate misleads) */
  enable_seqscan: ON_OFF,
  /** parallel workers per Gather (0: none; the shared nodes have 2 cores) */
  max_parallel_workers_per_gather: { values: ['0', '1', '2'] },
  /** generic plan of a named statement (planned once per connection) instead of a custom plan per execution */
  plan_cache_mode: { values: ['auto', 'force_generic_plan', 'force_custom_plan'] },
} as const satisfies Record<string, Allowed>;

export type PlannerSetting = keyof typeof ALLOWED_PLANNER_SETTINGS;

/** What a query shape sets for its statement's transaction. */
export type PlannerSettings = Partial<Record<PlannerSetting, string>>;

/**
 * A named statement planned once per connection and shape (plan_cache_mode=force_generic_plan):
 * what /v1/top sets in its transaction with QUERY_TOP_GENERIC_PLANS_BY=transaction, and what
 * explain= reports for a statement on a generic-plans pool, whose connections have it (ShardPools).
 */
export const GENERIC_PLAN: PlannerSettings = { plan_cache_mode: 'force_generic_plan' };

/** Thrown for a setting or value outside the allow-list: a programmer error (a 500), never user input. */
export class PlannerSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlannerSettingError';
  }
}

/** The checked settings as one `SELECT set_config(...)` statement, or undefined when there are none. Throws PlannerSettingError. */
export function plannerSettingsSql(settings: PlannerSettings | undefined): { text: string; values: string[] } | undefined {
  const entries = Object.entries(settings ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (entries.length === 0) return undefined;
  const values: string[] = [];
  const calls = entries.map(([name, value]) => {
    assertAllowed(name, value);
    values.push(name, value);
    return `set_config($${values.length - 1}, $${values.length}, true)`;
  });
  return { text: `SELECT ${calls.join(', ')}`, values };
}

function assertAllowed(name: string, value: string): void {
  if (!Object.hasOwn(ALLOWED_PLANNER_SETTINGS, name)) throw new PlannerSettingError(`planner setting ${name} is not in the allow-list`);
  const allowed: Allowed = ALLOWED_PLANNER_SETTINGS[name as PlannerSetting];
  if ('values' in allowed) {
    if (!allowed.values.includes(value)) throw new PlannerSettingError(`planner setting ${name} cannot be ${value} (allowed: ${allowed.values.join(', ')})`);
    return;
  }
  const kb = kilobytes(value);
  if (kb === undefined || kb < allowed.kbFrom || kb > allowed.kbTo) {
    throw new PlannerSettingError(`planner setting ${name} must be a size from ${allowed.kbFrom}kB to ${allowed.kbTo}kB, not ${value}`);
  }
}

/** kB of a size written as PostgreSQL reads it (`64MB`, `4096kB`, `1GB`), or undefined. */
function kilobytes(value: string): number | undefined {
  const match = /^(\d{1,7})(kB|MB|GB)$/.exec(value);
  if (!match) return undefined;
  const factor = { kB: 1, MB: 1024, GB: 1024 * 1024 }[match[2] as 'kB' | 'MB' | 'GB'];
  return Number(match[1]) * factor;
}
