import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isWithinTenant, prefixRanges, principalOf } from '@pa/auth';
import { QueryErrorCode, queryProblem } from '../errors/query.errors';
import { SqlParams } from '../sql/sql-params';

/** The machine-id prefixes the caller may read; empty: the whole fleet. */
export type ReadTenant = readonly string[];

/** The caller's read prefixes (the API key guard has set the principal). */
export const CallerTenant = createParamDecorator((_data: unknown, ctx: ExecutionContext): ReadTenant => {
  return principalOf(ctx.switchToHttp().getRequest<FastifyRequest>()).readPrefixes;
});

/**
 * A named machine outside the caller's tenant is answered like one that never existed (404, the
 * same text), so a key cannot learn which other machines exist.
 */
export function assertReadable(machineId: string, tenant: ReadTenant): void {
  if (!isWithinTenant(machineId, tenant)) {
    throw queryProblem(QueryErrorCode.MACHINE_NOT_FOUND, `machine ${machineId} is unknown: it never sent a snapshot`);
  }
}

/**
 * The SQL condition "machine id inside the tenant", as a function of the column (its placeholders
 * are bound once, in `p`): per prefix an equality and half-open ranges (libs/auth prefixRanges),
 * so PostgreSQL scans the (machine_id, …) indexes by range. Undefined without a restriction.
 */
export function tenantCondition(tenant: ReadTenant, p: SqlParams): ((column: string) => string) | undefined {
  if (tenant.length === 0) return undefined;
  const bounds = tenant.map((prefix) => {
    const { exact, ranges } = prefixRanges(prefix);
    return {
      exact: exact === undefined ? undefined : p.add(exact, 'text'),
      ranges: ranges.map((r) => ({ from: p.add(r.from, 'text'), to: p.add(r.to, 'text') })),
    };
  });
  return (column) => {
    const terms = bounds.flatMap((b) => [
      ...(b.exact ? [`${column} = ${b.exact}`] : []),
      ...b.ranges.map((r) => `(${column} >= ${r.from} AND ${column} < ${r.to})`),
    ]);
    return `(${terms.join(' OR ')})`;
  };
}
