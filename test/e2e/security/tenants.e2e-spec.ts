import { ServiceProcess, buildSnapshot, pollUntil, uniqueSuffix } from '@pa/testing';
import { authHeaders, createKey } from '../support/auth';
import { waitCaughtUp } from '../support/consumer-lag';
import { pipelineSuite } from '../support/pipeline-suite';
import { getJson, iso, startQueryApi } from '../support/query-api';
import { PrivateRedis } from '../support/query-redis';

const MINUTE = 60_000;

interface TopBody {
  items: { key: string }[];
}

/**
 * Issue 11, tenants: a key restricted to `<run>-a-` machines neither writes nor reads `<run>-b-`
 * ones (nor `<run>-ab-`, which only looks alike), on every fleet-wide endpoint, and not through an
 * answer the cache holds for an admin key.
 */
describe('tenants: machine-id prefixes per key', () => {
  const { pipeline, pools } = pipelineSuite();
  const run = `e2e-ten-${uniqueSuffix()}`;
  const mine = [`${run}-a-1`, `${run}-a-2`];
  const others = [`${run}-b-1`, `${run}-ab-1`];
  const redis = new PrivateRedis();
  const now = Date.now();
  const window = { from: iso(now - 30 * MINUTE), to: iso(now + MINUTE) };
  let api: ServiceProcess;
  let teamA: { read: string; ingest: string };

  beforeAll(async () => {
    await redis.start();
    api = await startQueryApi({ REDIS_URL: redis.url, ...redis.clientEnv, QUERY_CACHE_PREFIX: `pa:query:e2e-${uniqueSuffix()}:` });
    teamA = {
      read: createKey('e2e-team-a-read', ['--scope', 'read', '--read-prefix', `${run}-a-`]).token,
      ingest: createKey('e2e-team-a-ingest', ['--scope', 'ingest', '--write-prefix', `${run}-a-`]).token,
    };
    const body = [...mine, ...others].map((id) => JSON.stringify(buildSnapshot(id, 3, now - MINUTE))).join('\n');
    expect((await pipeline.post(body, { 'content-type': 'application/x-ndjson' })).status).toBe(202);
    await waitCaughtUp(pipeline.groupId, pipeline.topic, 120_000);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), redis.stop()]);
  });

  const storedSnapshots = async (ids: string[]) =>
    (await Promise.all(pools.map((p) => p.query<{ n: number }>('SELECT count(*)::int AS n FROM snapshots WHERE machine_id = ANY($1)', [ids])))).reduce((n, r) => n + r.rows[0].n, 0);

  it('a POST with one machine outside the write prefixes is refused whole (403 naming it); inside, accepted', async () => {
    const fresh = [`${run}-a-9`, `${run}-b-9`];
    const mixed = fresh.map((id) => JSON.stringify(buildSnapshot(id, 1, now))).join('\n');
    const refused = await pipeline.post(mixed, { 'content-type': 'application/x-ndjson', ...authHeaders(teamA.ingest) });
    const problem = (await refused.json()) as { code: string; detail: string };
    expect([refused.status, problem.code]).toEqual([403, 'MACHINE_OUTSIDE_TENANT']);
    expect(problem.detail).toContain(`${run}-b-9`);
    const lookalike = await pipeline.post(JSON.stringify(buildSnapshot(`${run}-ab-9`, 1, now)), { 'content-type': 'application/json', ...authHeaders(teamA.ingest) });
    expect(lookalike.status).toBe(403);
    const own = await pipeline.post(JSON.stringify(buildSnapshot(`${run}-a-8`, 1, now)), { 'content-type': 'application/json', ...authHeaders(teamA.ingest) });
    expect(own.status).toBe(202);
    await waitCaughtUp(pipeline.groupId, pipeline.topic, 60_000);
    expect(await storedSnapshots([`${run}-a-8`])).toBe(1);
    expect(await storedSnapshots([...fresh, `${run}-ab-9`])).toBe(0);
  });

  it('fleet-wide answers hold only the tenant, even after the admin key filled the cache with the same question', async () => {
    const questions: [string, Record<string, string | number>][] = [
      ['/v1/top', { by: 'machine', limit: 1000, ...window }],
      ['/v1/machines', { prefix: run, limit: 100 }],
      ['/v1/processes/proc-1/series', { step: '1m', ...window }],
      [`/v1/summary/daily`, { date: iso(now).slice(0, 10), limit: 1000 }],
    ];
    for (const [path, params] of questions) {
      // The admin's answer is in the cache (a hit); other suites' writes may move the watermarks, so ask until it is.
      const admin = await pollUntil(() => getJson(api, path, params), (a) => a.headers.get('x-cache') === 'hit', { timeoutMs: 30_000, what: `${path} cached` });
      const tenant = await getJson(api, path, params, teamA.read);
      // A cache key without the tenant would hand over the admin's answer as a hit.
      expect([path, tenant.status, tenant.headers.get('x-cache')]).toEqual([path, 200, 'miss']);
      if (path === '/v1/processes/proc-1/series') {
        const count = (body: Record<string, unknown>) => (body.points as { count: number }[]).reduce((n, p) => n + p.count, 0);
        expect(count(tenant.body)).toBe(mine.length + 1);
        expect(count(admin.body)).toBeGreaterThan(count(tenant.body));
        continue;
      }
      if (path === '/v1/machines') expect(machineIds(admin.body).sort()).toEqual([...mine, ...others, `${run}-a-8`].sort());
      expect([path, machineIds(tenant.body).sort()]).toEqual([path, [...mine, `${run}-a-8`].sort()]);
    }
  });

  it('a named machine outside the tenant is 404, as an unknown one; inside it is answered', async () => {
    for (const path of [`/v1/machines/${others[0]}/snapshot`, `/v1/machines/${others[0]}/series`, `/v1/machines/${others[1]}/snapshot`]) {
      const answer = await getJson<{ code: string }>(api, path, path.endsWith('series') ? window : {}, teamA.read);
      expect([path, answer.status, answer.body.code]).toEqual([path, 404, 'MACHINE_NOT_FOUND']);
    }
    expect((await getJson(api, `/v1/machines/${others[0]}/snapshot`)).status).toBe(200);
    expect((await getJson(api, `/v1/machines/${mine[0]}/snapshot`, {}, teamA.read)).status).toBe(200);
    const filtered = await getJson(api, '/v1/summary/daily', { date: iso(now).slice(0, 10), machine_id: others[0] }, teamA.read);
    expect(filtered.status).toBe(404);
  });

  it('insights and per-process machine lists hold only the tenant', async () => {
    const lists = await getJson<TopBody>(api, '/v1/processes/proc-1/machines', { limit: 1000, ...window }, teamA.read);
    expect(lists.status).toBe(200);
    expect(lists.body.items.every((i) => i.key.startsWith(`${run}-a-`) || !i.key.startsWith(run))).toBe(true);
    expect(lists.body.items.map((i) => i.key).filter((k) => k.startsWith(run)).sort()).toEqual([...mine, `${run}-a-8`].sort());
    const missing = await getJson(api, '/v1/insights/missing', { prefix: run }, teamA.read);
    expect(missing.status).toBe(200);
    expect(JSON.stringify(missing.body)).not.toMatch(new RegExp(`${run}-(b|ab)-`));
  });
});

/** machine_id of every item (machines, summaries) or key (top by machine). */
function machineIds(body: Record<string, unknown>): string[] {
  return (body.items as { machine_id?: string; key?: string }[]).map((i) => i.machine_id ?? (i.key as string));
}
