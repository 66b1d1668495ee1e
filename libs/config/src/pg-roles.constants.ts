/**
 * The PostgreSQL roles (issue 11), as infra/lib/pg-security.sh creates them and
 * libs/pg-shards/sql/grants.sql and libs/catalog/sql/grants.sql grant them. Each password is in
 * $PA_STATE_DIR/secrets/pg-<role>.password.
 */
export const PG_OWNER_ROLE = 'pa_owner';

/** The role each service connects as. */
export const PG_SERVICE_ROLE = {
  'ingest-gateway': 'pa_gateway',
  writer: 'pa_writer',
  summarizer: 'pa_summarizer',
  'query-api': 'pa_query',
  lifecycle: 'pa_lifecycle',
} as const;

/** The password file of `role` in the secrets folder `secretsDir`. */
export function pgPasswordFile(secretsDir: string, role: string): string {
  return `${secretsDir}/pg-${role}.password`;
}
