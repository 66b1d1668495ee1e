import { Principal, isWithinTenant } from '@pa/auth';
import { ProblemException } from '@pa/http';
import { SnapshotRecord } from './snapshot-request.decoder';

/**
 * A request is all or nothing: one machine outside the key's write prefixes refuses it whole
 * (403 naming the first such machine; the key may know its own fleet's ids, so naming it leaks nothing).
 */
export function assertWritable(records: readonly SnapshotRecord[], principal: Principal): void {
  const outside = records.find((record) => !isWithinTenant(record.machineId, principal.writePrefixes));
  if (!outside) return;
  throw new ProblemException(
    403,
    'MACHINE_OUTSIDE_TENANT',
    `machine_id ${outside.machineId} is outside this key's write prefixes (${principal.writePrefixes.join(', ')}); nothing of the request was accepted`,
  );
}
