// Issue 11: PostgreSQL accepts only TLS with scram passwords, clients verify the local CA, and
// each service role is refused what it must not do (infra/lib/pg-security.sh, sql/grants.sql).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { Client, ClientConfig } from 'pg';
import { PG_OWNER_ROLE, PG_SERVICE_ROLE, pgPasswordFile, withPgCredentials } from '@pa/config';
import { ServiceProcess, pollUntil } from '@pa/testing';
import { authHeaders } from '../support/auth';
import { startQueryApi } from '../support/query-api';
import { SHARD_URLS } from '../support/test-stack';

const NODE = (process.env.PG_SHARDS ?? 'postgres://127.0.0.1:25433/pa').split(',')[0];
const OWNER_PASSWORD_FILE = process.env.PG_PASSWORD_FILE ?? '';
const CA_FILE = process.env.PG_SSLROOTCERT ?? '';

function passwordOf(role: string): string {
  return readFileSync(pgPasswordFile(dirname(OWNER_PASSWORD_FILE), role), 'utf8').trim();
}

/** The first node as `role` over TLS against the local CA (what the services do). */
function urlAs(role: string): string {
  return withPgCredentials(NODE, { user: role, password: passwordOf(role), sslRootCert: CA_FILE });
}

/** Connects with `config`, runs `sql`, and returns the error PostgreSQL or TLS answered (undefined: it worked). */
async function errorOf(config: ClientConfig, sql = 'SELECT 1'): Promise<(Error & { code?: string }) | undefined> {
  const client = new Client({ connectionTimeoutMillis: 5_000, ...config });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(sql);
    return undefined;
  } catch (error) {
    return error as Error & { code?: string };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function plainConfig(role: string): ClientConfig {
  const url = new URL(NODE);
  return { host: url.hostname, port: Number(url.port), database: url.pathname.slice(1), user: role, password: passwordOf(role) };
}

describe('PostgreSQL security (issue 11)', () => {
  it('runs the test stack with credentials and a CA (PG_PASSWORD_FILE, PG_SSLROOTCERT)', () => {
    expect(OWNER_PASSWORD_FILE).not.toBe('');
    expect(CA_FILE).not.toBe('');
  });

  it('serves TLS with a scram password: the connection is encrypted', async () => {
    const client = new Client({ connectionString: urlAs('pa_owner') });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(rows[0].ssl).toBe(true);
      expect(['TLSv1.2', 'TLSv1.3']).toContain(rows[0].version);
    } finally {
      await client.end();
    }
  });

  it('refuses a plaintext connection, even with the right password', async () => {
    const error = await errorOf({ ...plainConfig('pa_owner'), ssl: false });
    expect(error?.message).toMatch(/pg_hba\.conf rejects connection .* no encryption/);
  });

  it('fails a client that does not trust the local CA (verify-full with the public CAs only)', async () => {
    const error = await errorOf({ ...plainConfig('pa_owner'), ssl: { ca: [...rootCertificates], rejectUnauthorized: true } });
    expect(error?.message).toMatch(/certificate/i);
    expect(error?.code).not.toMatch(/^\d{2}[0-9A-Z]{3}$/);
  });

  it('fails a wrong password and the superuser over TCP', async () => {
    const wrong = await errorOf({ connectionString: withPgCredentials(NODE, { user: 'pa_query', password: 'not-the-password', sslRootCert: CA_FILE }) });
    expect(wrong?.code).toBe('28P01');
    const superuser = await errorOf({ connectionString: withPgCredentials(NODE, { user: 'postgres', password: 'x', sslRootCert: CA_FILE }) });
    expect(superuser?.code).toBe('28000');
  });

  it("refuses the query API's role any write", async () => {
    const insert = "INSERT INTO snapshots (machine_id, ts, n_processes) VALUES ('sec-q', now(), 0)";
    expect((await errorOf({ connectionString: urlAs('pa_query') }, insert))?.code).toBe('42501');
    expect((await errorOf({ connectionString: urlAs('pa_query') }, `SET search_path = pa_read, public; ${insert}`))?.code).toBe('42501');
    expect((await errorOf({ connectionString: urlAs('pa_query') }, 'SELECT count(*) FROM pa_read.snapshots'))).toBeUndefined();
  });

  it("refuses the writer's role to read process_samples (parent or partition), to drop or to create a table", async () => {
    const writer = { connectionString: urlAs('pa_writer') };
    expect((await errorOf(writer, 'SELECT count(*) FROM process_samples'))?.code).toBe('42501');
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    expect((await errorOf(writer, `SELECT count(*) FROM process_samples_${day}`))?.code).toBe('42501');
    expect((await errorOf(writer, 'DROP TABLE machines'))?.code).toBe('42501');
    expect((await errorOf(writer, 'CREATE TABLE sec_writer_table (x int)'))?.code).toBe('42501');
    expect((await errorOf(writer, 'SELECT count(*) FROM machine_rollup_1m'))?.code).toBe('42501');
  });

  it("refuses the summarizer's role to drop a table or to write the raw tables", async () => {
    const summarizer = { connectionString: urlAs('pa_summarizer') };
    expect((await errorOf(summarizer, 'DROP TABLE machine_rollup_1m'))?.code).toBe('42501');
    expect((await errorOf(summarizer, "INSERT INTO snapshots (machine_id, ts, n_processes) VALUES ('sec-s', now(), 0)"))?.code).toBe('42501');
    expect(await errorOf(summarizer, 'SELECT count(*) FROM process_samples')).toBeUndefined();
  });

  it("writes no role's password into the shard nodes' logs (they are set with statement logging off)", () => {
    const logDir = join(process.env.PA_STATE_DIR ?? '', 'log');
    const logs = readdirSync(logDir).filter((f) => f.startsWith('pg-shard-'));
    expect(logs.length).toBeGreaterThan(0);
    const passwords = [PG_OWNER_ROLE, ...Object.values(PG_SERVICE_ROLE)].map(passwordOf);
    for (const log of logs) {
      const text = readFileSync(join(logDir, log), 'utf8');
      expect(passwords.filter((p) => text.includes(p))).toEqual([]);
    }
  });

  describe('a service started by the tests', () => {
    let api: ServiceProcess | undefined;
    afterAll(async () => {
      await api?.stop();
    });

    it('connects with its own role over TLS (the query API as pa_query)', async () => {
      api = await startQueryApi();
      const answer = await fetch(api.url('/v1/machines?prefix=sec-&limit=1'), { headers: authHeaders() });
      expect(answer.status).toBe(200);
      const owner = new Client({ connectionString: SHARD_URLS[0] });
      await owner.connect();
      try {
        const sessions = await pollUntil(
          async () =>
            (
              await owner.query<{ ssl: boolean }>('SELECT s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.usename = $1', [
                PG_SERVICE_ROLE['query-api'],
              ])
            ).rows,
          (rows) => rows.length > 0,
          { timeoutMs: 10_000, what: 'a pa_query session' },
        );
        expect(sessions.every((s) => s.ssl)).toBe(true);
      } finally {
        await owner.end();
      }
    });
  });
});
