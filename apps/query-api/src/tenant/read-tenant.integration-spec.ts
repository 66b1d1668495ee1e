// Issue 11: the tenant condition reads exactly the tenant's machines, by index range scans.
import { Pool, PoolClient } from 'pg';
import { matchesPrefix } from '@pa/auth';
import { SqlParams } from '../sql/sql-params';
import { tenantCondition } from './read-tenant';
import { withPgCredentialsOf } from '@pa/config';

const SHARD_URL = withPgCredentialsOf((process.env.PG_SHARDS ?? 'postgres://127.0.0.1:25433/pa').split(',')[0]);

const IDS = ['team-a', 'team-a-1', 'team-a.2', 'team-a:3', 'team-a_4', 'team-ab-1', 'team-a9', 'team-b-1', 'team-', 'team-a-', 'Team-a-1', 'team-a-zz.9', 'team-a~'];

describe('tenantCondition on a real node', () => {
  const pool = new Pool({ connectionString: SHARD_URL, max: 1 });
  let client: PoolClient;

  beforeAll(async () => {
    client = await pool.connect();
    // A table of our own, in the node's collation (what machine_id columns use).
    await client.query('CREATE TEMP TABLE tenant_ids (machine_id text NOT NULL, filler int NOT NULL DEFAULT 0)');
    await client.query('INSERT INTO tenant_ids (machine_id) SELECT unnest($1::text[])', [IDS]);
    await client.query("INSERT INTO tenant_ids (machine_id) SELECT 'other-' || g FROM generate_series(1, 20000) g");
    await client.query('CREATE INDEX ON tenant_ids (machine_id)');
    await client.query('ANALYZE tenant_ids');
  });

  afterAll(async () => {
    client.release();
    await pool.end();
  });

  async function matching(tenant: string[]): Promise<{ ids: string[]; plan: string }> {
    const p = new SqlParams();
    const condition = (tenantCondition(tenant, p) as (column: string) => string)('machine_id');
    const sql = `SELECT machine_id FROM tenant_ids WHERE ${condition}`;
    const { rows } = await client.query<{ machine_id: string }>(sql, p.values);
    const explained = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, p.values);
    return { ids: rows.map((r) => r.machine_id).sort(), plan: explained.rows.map((r) => r['QUERY PLAN']).join('\n') };
  }

  it.each([[['team-a-']], [['team-a']], [['team-a-', 'team-b-']], [['team-a.', 'Team-']]])('%j holds exactly the ids matchesPrefix accepts, read through the index', async (tenant) => {
    const { ids, plan } = await matching(tenant);
    expect(ids).toEqual(IDS.filter((id) => tenant.some((prefix) => matchesPrefix(id, prefix))).sort());
    expect(plan).toMatch(/Index (Only )?Scan|Bitmap Index Scan/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it('is nothing without a restriction', () => {
    expect(tenantCondition([], new SqlParams())).toBeUndefined();
  });
});
