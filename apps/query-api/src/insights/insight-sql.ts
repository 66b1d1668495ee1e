import { SqlParams } from '../sql/sql-params';
import { ReadTenant, tenantCondition } from '../tenant/read-tenant';

/** Which machines an insight looks at: all, those whose id starts with `prefix`, or one. */
export interface MachineScope {
  prefix?: string;
  machineId?: string;
  /** the caller's read prefixes (empty: the whole fleet); always applied */
  tenant: ReadTenant;
}

/** The WHERE condition of a scope over alias `a`, or undefined for the whole fleet. */
export function scopeCondition(p: SqlParams, scope: MachineScope): ((a: string) => string) | undefined {
  const own = requestedScope(p, scope);
  const tenant = tenantCondition(scope.tenant, p);
  if (!tenant) return own;
  return (a) => (own ? `${own(a)} AND ${tenant(`${a}.machine_id`)}` : tenant(`${a}.machine_id`));
}

function requestedScope(p: SqlParams, scope: MachineScope): ((a: string) => string) | undefined {
  if (scope.machineId !== undefined) {
    const id = p.add(scope.machineId, 'text');
    return (a) => `${a}.machine_id = ${id}`;
  }
  if (scope.prefix !== undefined) {
    const prefix = p.add(scope.prefix, 'text');
    return (a) => `starts_with(${a}.machine_id, ${prefix})`;
  }
  return undefined;
}

/** date_bin to buckets of `stepMs` starting at multiples of it since the epoch (as the series do). */
export function stepBinner(p: SqlParams, stepMs: number): (column: string) => string {
  const step = `(${p.add(stepMs, 'bigint')} * interval '1 millisecond')`;
  return (column) => `date_bin(${step}, ${column}, timestamptz '1970-01-01 00:00:00+00')`;
}
