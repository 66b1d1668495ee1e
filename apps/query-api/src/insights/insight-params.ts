import { readMachineId } from '../params/path-params';
import { QueryParams } from '../params/query-params';
import { MachineScope } from './insight-sql';
import { ReadTenant, assertReadable } from '../tenant/read-tenant';

/** A share from 0 to 1 (`0.8`); a problem otherwise. */
export function readShare(q: QueryParams, name: string, fallback: number): number {
  const text = q.text(name);
  if (text === undefined) return fallback;
  const value = /^(0|1|0?\.\d{1,6}|1\.0{1,6})$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(value)) {
    q.problem(name, 'must be a number from 0 to 1');
    return fallback;
  }
  return value;
}

/** `machine_id` (one machine) or `prefix` (machines whose id starts with it), not both. */
/** A named machine outside `tenant` is a 404, as an unknown one. */
export function readScope(q: QueryParams, tenant: ReadTenant): MachineScope {
  const machineId = readMachineId(q, 'machine_id', q.text('machine_id'));
  const prefix = q.text('prefix');
  if (prefix !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(prefix)) q.problem('prefix', 'must be 1-128 characters of letters, digits and . _ : -');
  if (machineId !== undefined && prefix !== undefined) q.problem('prefix', 'give machine_id or prefix, not both');
  if (machineId !== undefined) assertReadable(machineId, tenant);
  return { machineId, prefix, tenant };
}
