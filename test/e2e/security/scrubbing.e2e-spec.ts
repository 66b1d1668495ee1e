// Issue 11, "Secret scrubbing of command lines": 330 command lines with planted secrets (each a
// unique marker starting with the corpus tag) go in over HTTP and straight into Kafka; afterwards
// the tag must appear nowhere: not in any text column of any shard, not in the records the
// gateway produced, not in the query API's Redis, not in a service's log, not in a trace.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { ProcessSnapshot, SNAPSHOT_V2_MAGIC } from '@pa/contracts';
import { CORPUS_EXTRA_WORDS, SecretCommandLine, ServiceProcess, buildProcess, pollUntil, secretCorpus, snapshotRecord, uniqueSuffix } from '@pa/testing';
import { readDeadLetters } from '../support/dead-letters';
import { cmdlinesOfRecord } from '../support/gateway-records';
import { Pipeline } from '../support/pipeline';
import { getJson, iso, startQueryApi } from '../support/query-api';
import { tlsFiles } from '../support/local-tls';
import { PrivateRedis } from '../support/query-redis';
import { countsByShard, total } from '../support/shard-queries';
import { shardPools, testKafka } from '../support/test-stack';
import { ZIPKIN_URL, waitForTrace, zipkinEnv } from '../support/zipkin';

const PROCESSES_PER_SNAPSHOT = 15;

type Route = 'http' | 'kafka';
interface Sent {
  snapshot: ProcessSnapshot;
  route: Route;
  traceId: string;
  /** pid → the corpus line its cmdline came from */
  lines: Map<number, SecretCommandLine>;
}

/** The corpus spread over snapshots of 15 processes, every other snapshot over HTTP, the rest to Kafka. */
function plan(prefix: string, lines: SecretCommandLine[]): Sent[] {
  const sent: Sent[] = [];
  for (let i = 0; i * PROCESSES_PER_SNAPSHOT < lines.length; i++) {
    const route: Route = i % 2 === 0 ? 'http' : 'kafka';
    const part = lines.slice(i * PROCESSES_PER_SNAPSHOT, (i + 1) * PROCESSES_PER_SNAPSHOT);
    const processes = part.map((line, j) => buildProcess(j + 1, { cmdline: line.raw }));
    const snapshot = { machine_id: `${prefix}-${route}-${i}`, ts: new Date(Date.now() - 1_000 * i).toISOString(), processes };
    sent.push({ snapshot, route, traceId: randomBytes(16).toString('hex'), lines: new Map(part.map((l, j) => [j + 1, l])) });
  }
  return sent;
}

const traceparent = (traceId: string) => `00-${traceId}-${randomBytes(8).toString('hex')}-01`;

describe('secret scrubbing: no planted secret is stored, produced, cached, logged or traced', () => {
  const { tag, lines } = secretCorpus();
  const prefix = `e2e-scrub-${uniqueSuffix()}`;
  const sent = plan(prefix, lines);
  const services = { ...zipkinEnv(), SCRUB_EXTRA_WORDS: CORPUS_EXTRA_WORDS.join(',') };
  const pipeline = new Pipeline(services, services);
  const redis = new PrivateRedis();
  const cachePrefix = `pa:query:e2e-scrub-${uniqueSuffix()}:`;
  const pools: Pool[] = [];
  const leaks: Record<string, string[]> = {};
  let api: ServiceProcess;
  const startedAt = Date.now();

  beforeAll(async () => {
    pools.push(...shardPools());
    await redis.start();
    await pipeline.start();
    leaks.gateway = pipeline.gateway.watchOutput(new RegExp(tag));
    leaks.writer = pipeline.writer.watchOutput(new RegExp(tag));
    for (const s of sent.filter((x) => x.route === 'http')) {
      const response = await pipeline.post(JSON.stringify(s.snapshot), { 'content-type': 'application/json', traceparent: traceparent(s.traceId) });
      expect(response.status).toBe(202);
    }
    const producer = testKafka().producer();
    await producer.connect();
    const direct = sent.filter((x) => x.route === 'kafka');
    await producer.send({
      topic: pipeline.topic,
      messages: direct.map((s) => {
        const record = snapshotRecord(s.snapshot);
        return { ...record, headers: { ...record.headers, traceparent: traceparent(s.traceId) } };
      }),
    });
    await producer.disconnect();
    await pollUntil(() => countsByShard(pools, `${prefix}-`), (c) => total(c).rows === lines.length, { timeoutMs: 60_000, what: `${lines.length} rows stored` });
    api = await startQueryApi({ ...zipkinEnv(), OTEL_SDK_DISABLED: 'false', REDIS_URL: redis.url, ...redis.clientEnv, QUERY_CACHE_PREFIX: cachePrefix });
    leaks.queryApi = api.watchOutput(new RegExp(tag));
  }, 180_000);

  afterAll(async () => {
    await Promise.all([pipeline.stop(), api?.stop()]);
    await redis.stop();
    await Promise.all(pools.map((p) => p.end()));
  });

  it('stores every command line scrubbed, everything that is not a secret exactly as sent', async () => {
    const { rows } = await queryAll<{ machine_id: string; pid: string; cmdline: string }>(
      pools,
      'SELECT machine_id, pid::text, cmdline FROM process_samples WHERE machine_id LIKE $1',
      [`${prefix}-%`],
    );
    const want = new Map(sent.flatMap((s) => [...s.lines].map(([pid, l]) => [`${s.snapshot.machine_id}/${pid}`, l.scrubbed])));
    const wrong = rows.filter((r) => want.get(`${r.machine_id}/${r.pid}`) !== r.cmdline).map((r) => [r.cmdline, want.get(`${r.machine_id}/${r.pid}`)]);
    expect(wrong).toEqual([]);
    expect(rows.length).toBe(lines.length);
  });

  it('leaves no secret in any text column of any table on any shard', async () => {
    const hits: string[] = [];
    for (const [shard, pool] of pools.entries()) {
      const { rows: columns } = await pool.query<{ table: string; column: string }>(TEXT_COLUMNS);
      expect(columns.map((c) => c.table)).toEqual(expect.arrayContaining(['public.process_samples', 'public.snapshots']));
      for (const { table, column } of columns) {
        const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE strpos(${quoteIdent(column)}::text, $1) > 0`, [tag]);
        if (rows[0].n > 0) hits.push(`shard ${shard} ${table}.${column}: ${rows[0].n}`);
      }
    }
    expect(hits).toEqual([]);
  });

  it('produced only scrubbed records to Kafka from the gateway (read back from the topic)', async () => {
    const records = await readDeadLetters(pipeline.topic, sent.length, 60_000);
    const fromGateway = records.filter((r) => r.key.startsWith(`${prefix}-http-`));
    expect(fromGateway.length).toBe(sent.filter((s) => s.route === 'http').length);
    expect(fromGateway.filter((r) => r.value.includes(tag)).map((r) => r.key)).toEqual([]);
    // GATEWAY_RECORD_FORMAT's default: schema version 2.
    expect(fromGateway.filter((r) => !r.bytes.subarray(0, 4).equals(SNAPSHOT_V2_MAGIC)).map((r) => r.key)).toEqual([]);
    // In the gateway's record format (schema version 2 by default), decoded by the contract's decoder.
    const cmdlines = fromGateway.flatMap((r) => cmdlinesOfRecord(r.bytes));
    expect(cmdlines.length).toBe(sent.filter((s) => s.route === 'http').reduce((n, s) => n + s.snapshot.processes.length, 0));
    const scrubbed = new Set(lines.map((l) => l.scrubbed));
    expect(cmdlines.filter((c) => !scrubbed.has(c as string))).toEqual([]);
  });

  it('serves scrubbed snapshots, and leaves no secret in the query API cache (Redis keys and values)', async () => {
    for (const s of sent) {
      const answer = await getJson<{ processes: { pid: number; cmdline: string }[] }>(api, `/v1/machines/${s.snapshot.machine_id}/snapshot`);
      expect(answer.status).toBe(200);
      expect(answer.body.processes.map((p) => p.cmdline)).toEqual(answer.body.processes.map((p) => s.lines.get(p.pid)?.scrubbed));
    }
    const window = { from: iso(Date.now() - 3_600_000), to: iso(Date.now() + 60_000) };
    for (const path of ['/v1/top', '/v1/machines']) {
      const params = path === '/v1/top' ? { metric: 'cpu_pct', by: 'machine', ...window } : { prefix };
      expect((await getJson(api, path, params)).status).toBe(200);
    }
    // As the server's admin user: the query API's user may not list keys.
    const client = new Redis({ host: '127.0.0.1', port: redis.port, username: 'admin', password: redis.users.admin.password, tls: { ca: readFileSync(tlsFiles().ca) } });
    try {
      const keys = await client.keys('*');
      expect(keys.filter((k) => k.startsWith(cachePrefix)).length).toBeGreaterThan(0);
      // The cache stores strings (JSON answers); any other type would escape this scan, so it fails.
      const entries = await Promise.all(keys.map(async (k) => ({ k, type: await client.type(k), value: (await client.get(k).catch(() => '')) ?? '' })));
      expect(entries.filter((e) => e.type !== 'string').map((e) => `${e.k}: ${e.type}`)).toEqual([]);
      expect(entries.filter((e) => e.k.includes(tag) || e.value.includes(tag)).map((e) => e.k)).toEqual([]);
    } finally {
      client.disconnect();
    }
  });

  it('exports traces of every POST and every direct record, none holding a secret', async () => {
    const texts: string[] = [];
    for (const s of sent) {
      const spans = await waitForTrace(s.traceId, (found) => found.some((x) => x.localEndpoint.serviceName === 'writer' && x.name === 'writer.record'));
      texts.push(JSON.stringify(spans));
    }
    for (const service of ['ingest-gateway', 'writer', 'query-api']) {
      const response = await fetch(`${ZIPKIN_URL}/api/v2/traces?serviceName=${service}&lookback=${Date.now() - startedAt + 60_000}&limit=100000`);
      expect(response.status).toBe(200);
      texts.push(await response.text());
    }
    expect(texts.filter((t) => t.includes(tag)).length).toBe(0);
  });

  it('wrote no secret to any service log', async () => {
    // The query API wrote its log while answering above; the others while storing.
    expect(leaks).toEqual({ gateway: [], writer: [], queryApi: [] });
  });
});

// Every text-like column of every table that is not a partition (a parent covers its partitions).
const TEXT_COLUMNS = `
  SELECT format('%I.%I', n.nspname, c.relname) AS table, a.attname AS column
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
    AND a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype, 'json'::regtype, 'jsonb'::regtype, 'bytea'::regtype, 'name'::regtype)
  ORDER BY 1, 2`;

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function queryAll<T extends object>(pools: Pool[], sql: string, params: unknown[]): Promise<{ rows: T[] }> {
  const parts = await Promise.all(pools.map((p) => p.query<T>(sql, params)));
  return { rows: parts.flatMap((p) => p.rows) };
}
