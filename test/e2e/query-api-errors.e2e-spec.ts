import { ServiceProcess, buildSnapshot, pollUntil, uniqueSuffix } from '@pa/testing';
import { pipelineSuite } from './support/pipeline-suite';
import { getJson, iso, startQueryApi } from './support/query-api';
import { router } from './support/test-stack';
import { authHeaders } from './support/auth';

const DAY = 86_400_000;
const FROM = iso(Math.floor(Date.now() / DAY) * DAY - DAY);
const TO = iso(Math.floor(Date.now() / DAY) * DAY);

type Case = [path: string, params: Record<string, string>, parameter: string];

// Every bad parameter of every endpoint, and the name the 400 must carry.
const BAD: Case[] = [
  ['/v1/top', { metric: 'load' }, 'metric'],
  ['/v1/top', { by: 'host' }, 'by'],
  ['/v1/top', { order: 'median' }, 'order'],
  ['/v1/top', { limit: '0' }, 'limit'],
  ['/v1/top', { limit: '100000' }, 'limit'],
  ['/v1/top', { limit: 'ten' }, 'limit'],
  ['/v1/top', { from: '2026-13-01T00:00:00Z' }, 'from'],
  ['/v1/top', { from: 'yesterday' }, 'from'],
  ['/v1/top', { to: '2026-11-29' }, 'to'],
  ['/v1/top', { from: TO, to: FROM }, 'from'],
  ['/v1/top', { from: FROM, to: FROM }, 'from'],
  ['/v1/top', { from: '2025-01-01T00:00:00Z', to: TO }, 'from'],
  ['/v1/top', { resolution: '5m' }, 'resolution'],
  ['/v1/top', { resolution: 'raw', from: iso(Date.parse(TO) - 7 * DAY), to: TO }, 'resolution'],
  ['/v1/top', { allow_partial: 'maybe' }, 'allow_partial'],
  ['/v1/top', { limt: '5' }, 'limt'],
  ['/v1/machines/m-1/series', { step: '1s', from: FROM, to: TO }, 'step'],
  ['/v1/machines/m-1/series', { step: 'fast' }, 'step'],
  ['/v1/machines/m-1/series', { metric: 'threads' }, 'metric'],
  ['/v1/machines/bad%20id!/series', {}, 'id'],
  ['/v1/processes/nginx/series', { machine_id: 'a/b' }, 'machine_id'],
  ['/v1/processes/nginx/series', { step: '0s' }, 'step'],
  ['/v1/processes/a%00b/series', {}, 'name'],
  ['/v1/machines', { limit: '-1' }, 'limit'],
  ['/v1/machines', { prefix: 'a b' }, 'prefix'],
  ['/v1/machines', { cursor: 'garbage!' }, 'cursor'],
  ['/v1/machines/m-1/snapshot', { at: 'now' }, 'at'],
  ['/v1/machines/m-1/snapshot', { sort: 'pid' }, 'sort'],
  ['/v1/summary/daily', { date: '2026-02-30' }, 'date'],
  ['/v1/summary/daily', { machine_id: "m'1" }, 'machine_id'],
];

const INJECTIONS = [
  "'; DROP TABLE snapshots; --",
  "1' OR '1'='1",
  '1; SELECT pg_sleep(20)',
  "') UNION SELECT name, 1, 1, 1 FROM pg_catalog.pg_tables --",
  '$1',
  '%',
  '\\',
  '0x27',
];

// Every parameter of every endpoint (path ones in their place) gets every injection string.
function injectionRequests(machine: string): { path: string; params: Record<string, string> }[] {
  const endpoints: { path: (v: string) => string; params: string[] }[] = [
    { path: () => '/v1/top', params: ['metric', 'by', 'order', 'limit', 'from', 'to', 'resolution', 'allow_partial'] },
    { path: () => '/v1/machines', params: ['prefix', 'limit', 'cursor', 'allow_partial'] },
    { path: (v) => `/v1/machines/${encodeURIComponent(v)}/snapshot`, params: ['at', 'sort'] },
    { path: (v) => `/v1/machines/${encodeURIComponent(v)}/series`, params: ['metric', 'from', 'to', 'step', 'resolution'] },
    { path: (v) => `/v1/processes/${encodeURIComponent(v)}/series`, params: ['metric', 'from', 'to', 'step', 'resolution', 'machine_id', 'allow_partial'] },
    { path: () => '/v1/summary/daily', params: ['date', 'machine_id', 'limit', 'cursor', 'allow_partial'] },
  ];
  const requests: { path: string; params: Record<string, string> }[] = [];
  for (const value of INJECTIONS) {
    for (const endpoint of endpoints) {
      requests.push({ path: endpoint.path(value), params: {} });
      for (const name of endpoint.params) requests.push({ path: endpoint.path(machine), params: { [name]: value } });
    }
  }
  return requests;
}

describe('query API: bad parameters, unknown machines, injection, OpenAPI', () => {
  const { pipeline, pools } = pipelineSuite();
  const machine = `e2e-qerr-${uniqueSuffix()}`;
  let api: ServiceProcess;

  beforeAll(async () => {
    api = await startQueryApi();
    expect((await pipeline.post(JSON.stringify(buildSnapshot(machine, 3, Date.parse(FROM) + 60_000)))).status).toBe(202);
    await pollUntil(() => pools[router.shardOf(machine)].query('SELECT 1 FROM snapshots WHERE machine_id = $1', [machine]), (r) => r.rowCount === 1, {
      timeoutMs: 30_000,
      what: 'the snapshot to land',
    });
  });

  afterAll(async () => {
    await api?.stop();
  });

  it.each(BAD)('GET %s %j → 400 naming %s', async (path, params, parameter) => {
    const response = await fetch(api.url(path) + `?${new URLSearchParams(params)}`, { headers: authHeaders() });
    const body = (await response.json()) as { code: string; detail: string; errors: string[] };
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body.code).toBe('INVALID_PARAMETER');
    expect(body.errors.some((e) => e.startsWith(`${parameter}: `))).toBe(true);
    expect(body.detail.startsWith(`${parameter}: `)).toBe(true);
  });

  it('unknown machine → 404 on every endpoint that names one', async () => {
    const ghost = `e2e-ghost-${uniqueSuffix()}`;
    for (const [path, params] of [
      [`/v1/machines/${ghost}/snapshot`, {}],
      [`/v1/machines/${ghost}/series`, {}],
      ['/v1/processes/svc-0/series', { machine_id: ghost }],
      ['/v1/summary/daily', { machine_id: ghost }],
    ] as const) {
      const answer = await getJson(api, path, params);
      expect([path, answer.status, answer.body.code]).toEqual([path, 404, 'MACHINE_NOT_FOUND']);
    }
    expect((await getJson(api, `/v1/machines/${machine}/snapshot`)).status).toBe(200);
  });

  it('SQL injection strings in every parameter are harmless: never a 500, never slow, tables intact', async () => {
    const count = () => Promise.all(pools.map(async (p) => (await p.query('SELECT count(*)::int AS n FROM snapshots')).rows[0].n as number));
    const before = await count();
    for (const { path, params } of injectionRequests(machine)) {
      const started = Date.now();
      const response = await fetch(api.url(path) + `?${new URLSearchParams(params)}`, { headers: authHeaders() });
      await response.arrayBuffer();
      expect([path, params, [200, 400, 404].includes(response.status)]).toEqual([path, params, true]);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
    const after = await count();
    expect(after.map((n, i) => n >= before[i])).toEqual(pools.map(() => true));
  });

  it('serves an OpenAPI document generated from the code at /docs and /docs/json', async () => {
    const doc = (await getJson<{ openapi: string; paths: Record<string, unknown> }>(api, '/docs/json')).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/machines',
        '/v1/machines/{id}/snapshot',
        '/v1/machines/{id}/series',
        '/v1/top',
        '/v1/processes/{name}/series',
        '/v1/summary/daily',
        '/healthz',
        '/readyz',
      ]),
    );
    const ui = await fetch(api.url('/docs'));
    expect([ui.status, (await ui.text()).toLowerCase()]).toEqual([200, expect.stringContaining('swagger')]);
  });
});
