import type { Pool, PoolClient } from 'pg';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** One audit event: a key created, rotated or revoked, or a request refused. Never key material. */
export interface AuditEvent {
  atMs: number;
  /** key.created, key.rotated, key.revoked, request.refused */
  event: string;
  keyId?: string;
  address?: string;
  route?: string;
  reason?: string;
}

/** Inserts the events in one statement. */
export async function insertAuditEvents(db: Queryable, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO audit_log (at, event, key_id, address, route, reason)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      events.map((e) => new Date(e.atMs)),
      events.map((e) => e.event),
      events.map((e) => e.keyId ?? null),
      events.map((e) => e.address ?? null),
      events.map((e) => e.route ?? null),
      events.map((e) => e.reason ?? null),
    ],
  );
}
