import { Pool } from 'pg';
import { generateApiKey } from '@pa/auth';
import { ServiceProcess, buildSnapshot, pollUntil } from '@pa/testing';
import { adminKey, authHeaders, catalogUrl, createKey, runKeys } from '../support/auth';
import { pipelineSuite } from '../support/pipeline-suite';
import { Pipeline } from '../support/pipeline';
import { startQueryApi } from '../support/query-api';
import { startSummarizer } from '../support/summarizer';
import { SHARD_URLS } from '../support/test-stack';

/** Room for the 1,000 random keys: the failed-authentication limit has its own test below. */
const MANY_FAILURES = { AUTH_FAILURES_LIMIT: '100000', API_KEYS_LAST_USED_FLUSH_MS: '200' };
const REVOKE_DEADLINE_MS = 5_000;

/** The content type without its parameters (Fastify adds `; charset=utf-8`). */
const mediaType = (response: Response) => response.headers.get('content-type')?.split(';')[0] ?? null;

interface Problem {
  status: number;
  code: string;
  detail: string;
}

/** Issue 11, "Access control for the HTTP APIs": keys, scopes, expiry, revocation, rotation, rate limits, audit. */
describe('API keys on every HTTP service', () => {
  const { pipeline } = pipelineSuite(new Pipeline(MANY_FAILURES, MANY_FAILURES));
  const catalog = new Pool({ connectionString: catalogUrl(SHARD_URLS), max: 2 });
  let api: ServiceProcess;
  let summarizer: ServiceProcess;

  beforeAll(async () => {
    [api, summarizer] = await Promise.all([startQueryApi(MANY_FAILURES), startSummarizer(MANY_FAILURES)]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), summarizer?.stop()]);
    await catalog.end();
  });

  /** Every guarded route of every service (path parameters filled in), with the scope it needs. */
  function guardedRoutes(): { method: 'GET' | 'POST'; url: string; scope: string }[] {
    const day = new Date().toISOString().slice(0, 10);
    const query = ['/v1/top', '/v1/machines', '/v1/machines/m-1/snapshot', '/v1/machines/m-1/series', '/v1/processes/sshd/series'];
    query.push('/v1/processes/sshd/machines', `/v1/summary/daily?date=${day}`, '/v1/insights/leaks', '/v1/insights/missing');
    return [
      { method: 'POST', url: `${pipeline.gatewayUrl}/v1/snapshots`, scope: 'ingest' },
      ...[pipeline.gatewayUrl, pipeline.writerUrl, summarizer.url(''), api.url('')].map((base) => ({ method: 'GET' as const, url: `${base}/metrics`, scope: 'metrics' })),
      ...query.map((path) => ({ method: 'GET' as const, url: api.url(path), scope: 'read' })),
    ];
  }

  async function call(route: { method: string; url: string }, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; body: Problem | undefined; headers: Headers }> {
    const isPost = route.method === 'POST';
    const body = isPost ? JSON.stringify(buildSnapshot('e2e-keys-1', 1)) : undefined;
    const response = await fetch(route.url, { method: route.method, body, headers: { ...(isPost ? { 'content-type': 'application/json' } : {}), ...headers } });
    const text = await response.text();
    let parsed: Problem | undefined;
    try {
      parsed = JSON.parse(text) as Problem;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, type: mediaType(response), body: parsed, headers: response.headers };
  }

  /** Past the guard: the route's own answer (an unknown machine's 404 included), not 401, 403 or 429. */
  const isPastGuard = (status: number) => ![401, 403, 429].includes(status);
  const statusWith = async (route: { method: string; url: string }, key: string) => (await call(route, authHeaders(key))).status;

  it('every route but the probes answers 401 problem+json without a key, with a malformed one and with another scheme', async () => {
    const malformed = adminKey().slice(0, -1) + (adminKey().endsWith('a') ? 'b' : 'a');
    for (const route of guardedRoutes()) {
      const variants: Record<string, string>[] = [{}, { authorization: `Bearer ${malformed}` }, { authorization: 'Bearer nonsense' }, { authorization: `Basic ${adminKey()}` }];
      for (const headers of variants) {
        const answer = await call(route, headers);
        expect([route.url, answer.status, answer.type, answer.body?.code]).toEqual([route.url, 401, 'application/problem+json', 'UNAUTHENTICATED']);
        expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
    for (const base of [pipeline.gatewayUrl, pipeline.writerUrl, summarizer.url(''), api.url('')]) {
      for (const probe of ['/healthz', '/readyz']) expect([probe, (await fetch(`${base}${probe}`)).status]).toEqual([probe, 200]);
    }
  });

  it('the admin key passes every route', async () => {
    for (const route of guardedRoutes()) expect([route.url, isPastGuard(await statusWith(route, adminKey()))]).toEqual([route.url, true]);
  });

  it('a key without the scope a route needs gets 403 naming that scope', async () => {
    const read = createKey('e2e-read', ['--scope', 'read']).token;
    const ingest = createKey('e2e-ingest', ['--scope', 'ingest']).token;
    const metrics = createKey('e2e-metrics', ['--scope', 'metrics']).token;
    for (const route of guardedRoutes()) {
      for (const [scope, key] of [['read', read], ['ingest', ingest], ['metrics', metrics]]) {
        const answer = await call(route, authHeaders(key));
        if (scope === route.scope) expect([route.url, scope, isPastGuard(answer.status)]).toEqual([route.url, scope, true]);
        else {
          expect([route.url, scope, answer.status, answer.body?.code]).toEqual([route.url, scope, 403, 'MISSING_SCOPE']);
          expect(answer.body?.detail).toContain(`\`${route.scope}\``);
        }
      }
    }
  });

  it('none of 1,000 random well-formed keys is accepted, not even with a known key id', async () => {
    const known = createKey('e2e-known', ['--scope', 'admin']).keyId;
    const keys = Array.from({ length: 1_000 }, (_, i) => generateApiKey(i % 10 === 0 ? known : undefined).token);
    const routes = guardedRoutes();
    const statuses = new Map<number, number>();
    for (let i = 0; i < keys.length; i += 25) {
      const batch = keys.slice(i, i + 25).map((key, j) => statusWith(routes[(i + j) % routes.length], key));
      for (const status of await Promise.all(batch)) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect([...statuses]).toEqual([[401, 1_000]]);
  });

  it('an expired key is refused everywhere', async () => {
    const { keyId, token } = createKey('e2e-expiring', ['--scope', 'admin']);
    for (const route of guardedRoutes()) expect(isPastGuard(await statusWith(route, token))).toBe(true);
    await catalog.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [keyId]);
    for (const r of guardedRoutes()) await pollUntil(() => statusWith(r, token), (s) => s === 401, { timeoutMs: REVOKE_DEADLINE_MS, what: `${r.url} refuses the expired key` });
  });

  it('a revoked key is refused by every service within 5 s', async () => {
    const { keyId, token } = createKey('e2e-revoked', ['--scope', 'admin']);
    const routes = guardedRoutes();
    for (const route of routes) expect(isPastGuard(await statusWith(route, token))).toBe(true);
    runKeys(['revoke', keyId]);
    const revokedAt = Date.now();
    await Promise.all(routes.map((r) => pollUntil(() => statusWith(r, token), (s) => s === 401, { timeoutMs: REVOKE_DEADLINE_MS - (Date.now() - revokedAt), intervalMs: 50, what: `${r.url} refuses the revoked key` })));
    expect(runKeys(['list', '--json'])).toContain(`"key_id": "${keyId}"`);
  });

  it('rotation: both secrets work during the overlap, only the new one after it', async () => {
    const { keyId, token: old } = createKey('e2e-rotated', ['--scope', 'read']);
    const route = guardedRoutes().find((r) => r.scope === 'read') as { method: 'GET'; url: string };
    const fresh = runKeys(['rotate', keyId, '--overlap', '24h']).trim();
    expect(fresh.split('_')[1]).toBe(keyId);
    expect(fresh).not.toBe(old);
    await pollUntil(() => statusWith(route, fresh), (s) => s === 200, { timeoutMs: REVOKE_DEADLINE_MS, what: 'the new secret works' });
    expect(await statusWith(route, old)).toBe(200);
    // The overlap ends (as if 24 h had passed).
    await catalog.query('UPDATE api_keys SET previous_valid_until = now() WHERE id = $1', [keyId]);
    await pollUntil(() => statusWith(route, old), (s) => s === 401, { timeoutMs: REVOKE_DEADLINE_MS, what: 'the old secret is refused' });
    expect(await statusWith(route, fresh)).toBe(200);
  });

  it('audit: key created, rotated, revoked and refused requests are rows and JSON log lines; no secret in any log', async () => {
    const { keyId, token } = createKey('e2e-audited', ['--scope', 'read']);
    const route = guardedRoutes().find((r) => r.scope === 'read') as { method: 'GET'; url: string };
    const post = guardedRoutes()[0];
    expect(await statusWith(post, token)).toBe(403);
    const rotated = runKeys(['rotate', keyId, '--overlap', '1h']).trim();
    runKeys(['revoke', keyId]);
    await pollUntil(() => statusWith(route, rotated), (s) => s === 401, { timeoutMs: REVOKE_DEADLINE_MS, what: 'revoked' });
    const rows = await pollUntil(
      async () => (await catalog.query<{ event: string; reason: string | null; route: string | null; address: string | null }>('SELECT event, reason, route, address FROM audit_log WHERE key_id = $1 ORDER BY id', [keyId])).rows,
      (r) => r.some((row) => row.reason === 'revoked'),
      { timeoutMs: 10_000, what: 'audit rows of the key' },
    );
    expect(rows.map((r) => r.event)).toEqual(expect.arrayContaining(['key.created', 'key.rotated', 'key.revoked', 'request.refused']));
    expect(rows).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'request.refused', reason: 'missing scope ingest', route: 'POST /v1/snapshots', address: '127.0.0.1' })]));
    expect(api.log()).toMatch(new RegExp(`"audit":"request.refused".*"key_id":"${keyId}".*"reason":"revoked"`.replace(/"/g, '\\\\?"')));
    const secrets = [token, rotated, adminKey()].map((t) => t.split('_')[2]);
    for (const service of [api, summarizer, pipeline.gateway, pipeline.writer]) for (const secret of secrets) expect(service.log()).not.toContain(secret);
  });

  it('last_used_at is written (batched, off the request path)', async () => {
    const { keyId, token } = createKey('e2e-used', ['--scope', 'read']);
    expect(await statusWith(guardedRoutes()[5], token)).toBe(200);
    await pollUntil(async () => (await catalog.query('SELECT last_used_at FROM api_keys WHERE id = $1', [keyId])).rows[0].last_used_at, (at) => at !== null, { timeoutMs: 10_000, what: 'last_used_at' });
  });

  it('the OpenAPI document declares the bearer scheme for every operation', async () => {
    const doc = (await (await fetch(api.url('/docs/json'))).json()) as { components: { securitySchemes: Record<string, { type: string; scheme: string }> }; security: Record<string, unknown>[] };
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ apiKey: [] }]);
  });
});

describe('rate limits', () => {
  let api: ServiceProcess;

  beforeAll(async () => {
    api = await startQueryApi({ AUTH_FAILURES_LIMIT: '5', API_KEY_QUOTA: '3' });
  });

  afterAll(async () => {
    await api?.stop();
  });

  const top = (headers: Record<string, string>) => fetch(api.url('/v1/top'), { headers });

  it('a key past its quota gets 429 problem+json with Retry-After', async () => {
    const key = createKey('e2e-quota', ['--scope', 'read']).token;
    for (let i = 0; i < 3; i++) expect((await top(authHeaders(key))).status).toBe(200);
    const limited = await top(authHeaders(key));
    expect([limited.status, mediaType(limited), ((await limited.json()) as Problem).code]).toEqual([429, 'application/problem+json', 'KEY_QUOTA_EXCEEDED']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await top(authHeaders())).status).toBe(200);
  });

  it('an address past its failed authentications gets 429 with Retry-After, even with a good key', async () => {
    for (let i = 0; i < 5; i++) expect((await top({ authorization: `Bearer ${generateApiKey().token}` })).status).toBe(401);
    for (const headers of [{ authorization: `Bearer ${generateApiKey().token}` }, authHeaders()]) {
      const limited = await top(headers);
      expect([limited.status, ((await limited.json()) as Problem).code]).toEqual([429, 'TOO_MANY_FAILED_AUTHENTICATIONS']);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect((await fetch(api.url('/healthz'))).status).toBe(200);
  });
});
