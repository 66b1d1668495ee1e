import { ServiceProcess, uniqueSuffix } from '@pa/testing';
import { getJson, iso, startQueryApi } from './support/query-api';
import { authHeaders } from './support/auth';

// Issue 14, items 1 and 2: values at the edges of what PostgreSQL and the scan budget take get a
// 4xx problem+json naming the parameter, never a 500; every request has a bounded cost.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TODAY = Math.floor(Date.now() / DAY) * DAY;
const MONTHS = { from: iso(TODAY - 93 * DAY), to: iso(TODAY) };
const suffix = uniqueSuffix();
const MACHINE = `e2e-qedge-${suffix}`;
const cursorOf = (json: string) => Buffer.from(json, 'utf8').toString('base64url');
/** A value as a test title shows it: quoted, long ones cut. */
const label = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}… (${value.length} chars)` : value);

type Params = Record<string, string>;
type Endpoint = { path: string; params: readonly string[] };

const ENDPOINTS: Record<string, Endpoint> = {
  top: { path: '/v1/top', params: ['metric', 'by', 'order', 'limit', 'from', 'to', 'resolution', 'allow_partial'] },
  machines: { path: '/v1/machines', params: ['prefix', 'limit', 'cursor', 'allow_partial'] },
  snapshot: { path: `/v1/machines/${MACHINE}/snapshot`, params: ['at', 'sort'] },
  series: { path: `/v1/machines/${MACHINE}/series`, params: ['metric', 'from', 'to', 'step', 'resolution'] },
  process: { path: '/v1/processes/svc-0/series', params: ['metric', 'from', 'to', 'step', 'resolution', 'machine_id', 'allow_partial'] },
  daily: { path: '/v1/summary/daily', params: ['date', 'machine_id', 'limit', 'cursor', 'allow_partial'] },
};

// Edge values per parameter: each alone must be refused by name wherever the parameter exists.
const EDGES: Record<string, string[]> = {
  from: [
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '1969-12-31T23:59:59.999Z',
    '1970-01-01T00:30:00+01:00',
    '10000-01-01T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '9999-12-31T23:59:59.9999Z',
    '9999-12-31T23:00:00-01:00',
    '9999-12-31T23:59:59.999Z', // no `to`: the default window would end in year 10000
    '2026-11-29T10:00:00+24:00',
    '2026-11-29T10:00:00.Z',
    'NaN',
  ],
  to: [
    '0000-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '10000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.9999Z', // rounds up (window bounds do) into year 10000
    '9999-12-31T23:59:59.999999999Z',
    '9999-12-31T23:59:60Z',
    '2026-11-29T10:00:00-24:00',
  ],
  at: ['0001-01-01T00:00:00Z', '1969-12-31T23:59:59.999999Z', '10000-01-01T00:00:00Z', '9999-12-31T23:59:59-01:00', 'Infinity'],
  date: ['9999-12-31', '0001-01-01', '0000-01-01', '1969-12-31', '99999-01-01', '-001-01-01', '2026-02-29'],
  step: ['99999999999d', '999999999d', '94d', '1000000000s', '0s', '-1m', '1.5h', 'Infinity'],
  limit: ['-1', '0', '99999999999999999999', '9007199254740993', '1e3', '1001', 'NaN', ' 5', '5.0', '0x10'],
  cursor: [
    'garbage!',
    'a'.repeat(600),
    cursorOf(`{"v":1,"after":"${'x'.repeat(200)}"}`),
    cursorOf('{"v":1}'),
    cursorOf('{"v":1,"after":"a\'; DROP TABLE snapshots; --"}'),
    cursorOf('{"v":1,"after":'),
    cursorOf('null'),
  ],
  machine_id: ['x'.repeat(129), 'a b', 'é', '.'.repeat(129)],
  prefix: ['x'.repeat(129), 'a/b', '%'],
  resolution: ['5m', 'RAW', ''.padEnd(300, 'r')],
};

// Cross-parameter edges: the bounded-cost rules (scan budget, buckets) and the name each must carry.
type Case = [what: string, endpoint: string, params: Params, parameter: string, reason: RegExp];
const BOUNDS: Case[] = [
  ['the 93-day raw scan of issue 14 (step not whole minutes)', 'process', { ...MONTHS, step: '90s' }, 'step', /raw rows over 2232 h .*multiple of 1h, at least 1h/],
  ['the same on one machine', 'series', { ...MONTHS, step: '59s' }, 'step', /raw rows .*multiple of 1h/],
  ['seconds over a day', 'series', { from: iso(TODAY - DAY), to: iso(TODAY), step: '30s' }, 'step', /raw rows over 24 h .*multiple of 1m, at least 1m/],
  ['1-minute rollups over a month', 'process', { from: iso(TODAY - 30 * DAY), to: iso(TODAY), step: '61m' }, 'step', /1-minute rollups over 720 h .*multiple of 1h/],
  ['too many buckets', 'series', { from: iso(TODAY - 3 * HOUR), to: iso(TODAY), step: '1s', resolution: 'raw' }, 'step', /10800 points, at most 10081; use 2s/],
  ['too many buckets, raw forced', 'series', { from: iso(TODAY - 48 * HOUR), to: iso(TODAY), step: '1s', resolution: 'raw' }, 'step', /172800 points/],
  ['raw forced over 49 h', 'top', { from: iso(TODAY - 49 * HOUR), to: iso(TODAY), resolution: 'raw' }, 'resolution', /raw is allowed for windows up to 48 h/],
  ['1m forced over 8 days', 'top', { from: iso(TODAY - 8 * DAY), to: iso(TODAY), resolution: '1m' }, 'resolution', /1m is allowed for windows up to 168 h/],
  ['1m forced over 8 days, series', 'process', { from: iso(TODAY - 8 * DAY), to: iso(TODAY), resolution: '1m', step: '1h' }, 'resolution', /1m is allowed/],
  ['a window over 93 days', 'process', { from: iso(TODAY - 94 * DAY), to: iso(TODAY), step: '1d' }, 'from', /93-day maximum/],
  ['from after to', 'series', { from: iso(TODAY), to: iso(TODAY - DAY) }, 'from', /before to/],
  ['a step longer than the widest window', 'process', { step: '94d' }, 'step', /at most 93d/],
];

interface Problem {
  code: string;
  detail: string;
  errors?: string[];
}

describe('query API: edge values are 4xx problems naming the parameter, and every request has a bounded cost', () => {
  let api: ServiceProcess;

  beforeAll(async () => {
    api = await startQueryApi();
  });

  afterAll(async () => {
    await api?.stop();
  });

  async function problemOf(path: string, params: Params): Promise<{ status: number; type: string | null; body: Problem }> {
    const response = await fetch(api.url(path) + `?${new URLSearchParams(params)}`, { headers: authHeaders() });
    const text = await response.text();
    let body: Problem;
    try {
      body = JSON.parse(text) as Problem;
    } catch {
      throw new Error(`GET ${path} ${JSON.stringify(params)}: ${response.status} ${text.slice(0, 200)}`);
    }
    return { status: response.status, type: response.headers.get('content-type'), body };
  }

  const singles = Object.entries(ENDPOINTS).flatMap(([endpoint, { params }]) =>
    params.filter((name) => EDGES[name]).flatMap((name) => EDGES[name].map((value) => [endpoint, name, label(value), value] as const)),
  );

  it.each(singles)('%s with %s=%s → 400 naming it', async (endpoint, name, _label, value) => {
    const { status, type, body } = await problemOf(ENDPOINTS[endpoint].path, { [name]: value });
    expect([status, type, body.code]).toEqual([400, expect.stringMatching(/^application\/problem\+json/), 'INVALID_PARAMETER']);
    expect(body.errors).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${name}: `))]));
  });

  it.each(BOUNDS)('%s → 400 naming %s', async (_what, endpoint, params, parameter, reason) => {
    const { status, type, body } = await problemOf(ENDPOINTS[endpoint].path, params);
    expect([status, type, body.code]).toEqual([400, expect.stringMatching(/^application\/problem\+json/), 'INVALID_PARAMETER']);
    const line = body.errors?.find((e) => e.startsWith(`${parameter}: `));
    expect(line).toMatch(reason);
  });

  it('path parameters at and past the contract: 400 naming them, and no router 414 for any name or id the contract allows', async () => {
    for (const [path, parameter] of [
      [`/v1/machines/${'m'.repeat(129)}/snapshot`, 'id'],
      [`/v1/machines/${'m'.repeat(129)}/series`, 'id'],
      [`/v1/processes/${encodeURIComponent('😀'.repeat(257))}/series`, 'name'],
      [`/v1/processes/${encodeURIComponent('a\u0000b')}/series`, 'name'],
    ]) {
      const { status, body } = await problemOf(path, {});
      expect([path.slice(0, 40), status, body.errors?.[0]]).toEqual([path.slice(0, 40), 400, expect.stringMatching(new RegExp(`^${parameter}: `))]);
    }
    // 256 characters, nearly all four-byte (3 KB percent-encoded), ours alone: addressable, and unknown, so empty.
    const longest = encodeURIComponent([...`${suffix}${'😀'.repeat(256)}`].slice(0, 256).join(''));
    expect(longest.length).toBeGreaterThan(2900);
    const onMachine = await getJson(api, `/v1/processes/${longest}/series`, { machine_id: MACHINE });
    expect([onMachine.status, onMachine.body.code]).toEqual([404, 'MACHINE_NOT_FOUND']);
    const fleet = await getJson(api, `/v1/processes/${longest}/series`);
    expect([fleet.status, fleet.body.points]).toEqual([200, []]);
    // Not UTF-8 once decoded: the router refuses it, still as problem+json.
    const bad = await problemOf('/v1/processes/%FF%FE/series', {});
    expect([bad.status, bad.type]).toEqual([400, expect.stringMatching(/^application\/problem\+json/)]);
  });

  it('edge values that are valid answer 200 (the checks refuse no more than they must)', async () => {
    const ok: [string, Params][] = [
      ['/v1/top', { from: '9999-12-30T00:00:00Z', to: '9999-12-31T23:59:59.999Z' }],
      ['/v1/top', { from: '1970-01-01T00:00:00Z', to: '1970-01-02T00:00:00Z', resolution: 'raw' }],
      ['/v1/top', { ...MONTHS, resolution: '1h', limit: '1000' }],
      ['/v1/summary/daily', { date: '9999-12-30' }],
      ['/v1/summary/daily', { date: '1970-01-01', limit: '1000' }],
      ['/v1/processes/svc-0/series', { from: '9999-12-31T00:00:00Z', to: '9999-12-31T23:59:59.999Z', step: '93d' }],
      ['/v1/processes/svc-0/series', { from: '9999-12-31T23:59:59.998Z' }],
      ['/v1/processes/svc-0/series', { ...MONTHS, step: '1h' }],
      ['/v1/processes/svc-0/series', { ...MONTHS }],
      ['/v1/processes/svc-0/series', { from: iso(TODAY - 7 * DAY), to: iso(TODAY), step: '5m' }],
      ['/v1/processes/svc-0/series', { from: iso(TODAY - HOUR), to: iso(TODAY), step: '7s' }],
      ['/v1/processes/svc-0/series', { from: iso(TODAY - 2 * HOUR), to: iso(TODAY) }],
      ['/v1/machines', { limit: '1000', prefix: `e2e-qedge-${suffix}` }],
    ];
    for (const [path, params] of ok) {
      const answer = await getJson(api, path, params);
      expect([path, params, answer.status, answer.body.detail]).toEqual([path, params, 200, undefined]);
    }
  });

  it('long windows are answered from rollups: the resolution follows the step', async () => {
    const resolutionOf = async (params: Params) => (await getJson<{ resolution: string; step: string }>(api, '/v1/processes/svc-0/series', params)).body;
    expect(await resolutionOf({ ...MONTHS, step: '1d' })).toMatchObject({ resolution: '1d', step: '1d' });
    expect(await resolutionOf({ ...MONTHS, step: '3h' })).toMatchObject({ resolution: '1h', step: '3h' });
    // Defaults: a round step within the points and the budget (12 h and 1 m), rollups at that step's level.
    expect(await resolutionOf({ ...MONTHS })).toMatchObject({ resolution: '1h', step: '12h' });
    expect(await resolutionOf({ from: iso(TODAY - 2 * HOUR), to: iso(TODAY) })).toMatchObject({ resolution: '1m', step: '1m' });
    expect(await resolutionOf({ from: iso(TODAY - HOUR), to: iso(TODAY) })).toMatchObject({ resolution: 'raw', step: '30s' });
  });

  it('never a 500: every endpoint × every edge value of every parameter, and pairs of them', async () => {
    const statuses = new Map<string, number>();
    for (const [endpoint, { path, params }] of Object.entries(ENDPOINTS)) {
      const all = Object.values(EDGES).flat();
      for (const name of params) {
        for (const value of all) {
          const { status, type } = await problemOf(path, { [name]: value });
          statuses.set(`${endpoint} ${name}=${value.slice(0, 30)}`, status);
          expect([endpoint, name, value.slice(0, 30), status < 500, status < 400 || /^application\/problem\+json/.test(type ?? '')]).toEqual([endpoint, name, value.slice(0, 30), true, true]);
        }
      }
      const { status } = await problemOf(path, { from: EDGES.from[8], to: EDGES.to[3], step: EDGES.step[0], limit: EDGES.limit[2], date: EDGES.date[0] });
      expect([endpoint, status]).toEqual([endpoint, 400]);
    }
    // Both sides were exercised: some values are valid for some parameters (a 200 or a 404).
    expect([...statuses.values()].some((s) => s === 400)).toBe(true);
    expect([...statuses.values()].some((s) => s !== 400)).toBe(true);
  });
});
