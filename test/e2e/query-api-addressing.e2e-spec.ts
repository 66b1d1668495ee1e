import { ProcessSnapshot } from '@pa/contracts';
import { ServiceProcess, buildProcess, pollUntil, uniqueSuffix } from '@pa/testing';
import { pipelineSuite } from './support/pipeline-suite';
import { JsonAnswer, getJson, iso, randomPastDay, startQueryApi } from './support/query-api';
import { TIME_FIELDS, checkTimes } from './support/query-times';
import { router } from './support/test-stack';

// Issue 14, items 3 and 4: every machine id and process name the contract allows is addressable on
// every route, and every time the API serves is RFC 3339 (start_time to the microsecond).

const MINUTE = 60_000;
const suffix = uniqueSuffix();

/** 128 characters, the contract's longest machine_id, using every kind of character it allows. */
const MACHINE = `e2e-qaddr-${suffix}.A:b_c-`.padEnd(128, 'x9.Z:_-');
/**
 * 256 characters (code points), the contract's longest name: non-ASCII (2-, 3- and 4-byte UTF-8),
 * with spaces and the characters that mean something in a URL. Percent-encoded it is ~2.2 KB.
 */
const NAME = [...`${suffix} Über/wachung 50% ?q=1 #frag `, ...'日本😀'.repeat(100)].slice(0, 256).join('');
const START_TIME = '2026-01-01T00:00:00.123456Z';

// A minute of a past day of this run's own, off the second by 250 ms; the second snapshot a minute on.
const T1 = randomPastDay(3) + 10 * 60 * MINUTE + Math.floor(Math.random() * 600) * MINUTE + 7_250;
const T2 = T1 + MINUTE;
const WINDOW = { from: iso(T1 - 30_000), to: iso(T2 + 30_000) };

function snapshot(tsMs: number): ProcessSnapshot {
  return {
    machine_id: MACHINE,
    ts: iso(tsMs),
    processes: [buildProcess(101, { name: NAME, start_time: START_TIME }), buildProcess(102, { name: `plain-${suffix}` })],
  };
}

describe('query API: the longest ids and names are addressable everywhere; every served time is RFC 3339', () => {
  const { pipeline, pools } = pipelineSuite();
  const answers: { what: string; answer: JsonAnswer<Record<string, unknown>> }[] = [];
  let api: ServiceProcess;

  async function get(what: string, path: string, params: Record<string, string | number> = {}): Promise<Record<string, unknown>> {
    const answer = await getJson(api, path, params);
    answers.push({ what, answer });
    expect([what, answer.status]).toEqual([what, 200]);
    return answer.body;
  }

  beforeAll(async () => {
    expect([...NAME].length).toBe(256);
    expect(MACHINE).toMatch(/^[A-Za-z0-9._:-]{128}$/);
    api = await startQueryApi();
    for (const ts of [T1, T2]) expect((await pipeline.post(JSON.stringify(snapshot(ts)))).status).toBe(202);
    const shard = pools[router.shardOf(MACHINE)];
    await pollUntil(() => shard.query('SELECT 1 FROM snapshots WHERE machine_id = $1', [MACHINE]), (r) => r.rowCount === 2, {
      timeoutMs: 60_000,
      what: 'both snapshots to land',
    });
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('a 128-character machine id on every route', async () => {
    const id = encodeURIComponent(MACHINE);
    const list = await get('machines', '/v1/machines', { prefix: MACHINE.slice(0, 100) });
    expect(list.items).toEqual([expect.objectContaining({ machine_id: MACHINE, last_seen: iso(T2), processes: 2 })]);
    const latest = await get('snapshot', `/v1/machines/${id}/snapshot`);
    expect([latest.machine_id, latest.ts]).toEqual([MACHINE, iso(T2)]);
    const series = await get('machine series', `/v1/machines/${id}/series`, { ...WINDOW, step: '1m' });
    expect(series.points).toEqual([expect.objectContaining({ t: iso(T1 - 7_250), count: 2, snapshots: 1 }), expect.objectContaining({ t: iso(T2 - 7_250), count: 2, snapshots: 1 })]);
    const top = await get('top by machine', '/v1/top', { ...WINDOW, by: 'machine', limit: 1000 });
    expect(top.items).toEqual(expect.arrayContaining([expect.objectContaining({ key: MACHINE, count: 4 })]));
    const daily = await get('daily', '/v1/summary/daily', { date: iso(T1).slice(0, 10), machine_id: MACHINE });
    expect(daily.items).toEqual([expect.objectContaining({ machine_id: MACHINE, samples: 4, distinct_processes: 2 })]);
    const processOnIt = await get('process series on the machine', `/v1/processes/plain-${suffix}/series`, { ...WINDOW, machine_id: MACHINE });
    expect((processOnIt.points as { count: number }[]).map((p) => p.count)).toEqual([1, 1]);
    const ghost = await getJson(api, `/v1/machines/${encodeURIComponent(`${MACHINE.slice(0, 127)}Q`)}/snapshot`);
    expect([ghost.status, ghost.body.code]).toEqual([404, 'MACHINE_NOT_FOUND']);
  });

  it('a 256-character non-ASCII process name with spaces, /, %, ? and # on every route', async () => {
    const name = encodeURIComponent(NAME);
    expect(name.length).toBeGreaterThan(2000);
    const fleet = await get('process series', `/v1/processes/${name}/series`, { ...WINDOW, step: '1m' });
    expect([fleet.name, (fleet.points as { count: number }[]).map((p) => p.count)]).toEqual([NAME, [1, 1]]);
    const onMachine = await get('process series on the machine', `/v1/processes/${name}/series`, { ...WINDOW, machine_id: MACHINE, metric: 'rss_bytes' });
    expect([onMachine.name, onMachine.machine_id, (onMachine.points as unknown[]).length]).toEqual([NAME, MACHINE, 2]);
    const top = await get('top by process', '/v1/top', { ...WINDOW, by: 'process', limit: 1000 });
    expect(top.items).toEqual(expect.arrayContaining([expect.objectContaining({ key: NAME, count: 2 })]));
    const latest = await get('snapshot', `/v1/machines/${encodeURIComponent(MACHINE)}/snapshot`, { sort: 'cpu_pct' });
    expect(latest.processes).toEqual(expect.arrayContaining([expect.objectContaining({ pid: 101, name: NAME, start_time: START_TIME })]));
    // One code point too many is refused by name, not by the router (a 414 would name nothing).
    const tooLong = await getJson(api, `/v1/processes/${encodeURIComponent(`${NAME}x`)}/series`);
    expect([tooLong.status, tooLong.headers.get('content-type'), (tooLong.body.errors as string[])?.[0]]).toEqual([
      400,
      expect.stringMatching(/^application\/problem\+json/),
      expect.stringMatching(/^name: /),
    ]);
  });

  it('at= with digits past the millisecond takes the snapshot at or before it, not the next millisecond', async () => {
    // T2 is a whole millisecond; 500 µs before it is after T1 and before T2.
    const justBefore = `${iso(T2 - 1).slice(0, -1)}500Z`;
    const before = await get('snapshot at', `/v1/machines/${encodeURIComponent(MACHINE)}/snapshot`, { at: justBefore });
    expect(before.ts).toBe(iso(T1));
    const exact = await get('snapshot at', `/v1/machines/${encodeURIComponent(MACHINE)}/snapshot`, { at: `${iso(T2).slice(0, -1)}000Z` });
    expect(exact.ts).toBe(iso(T2));
  });

  it('every time field of every answer above is RFC 3339 (UTC, T, Z), start_time to the microsecond', () => {
    const endpoints = new Set(answers.map((a) => a.what));
    expect([...endpoints].sort()).toEqual(
      ['daily', 'machine series', 'machines', 'process series', 'process series on the machine', 'snapshot', 'snapshot at', 'top by machine', 'top by process'].sort(),
    );
    const check = answers.reduce((acc, { answer }) => checkTimes(answer.body, acc), checkTimes(undefined));
    expect(check.problems).toEqual([]);
    expect([...check.seen].sort()).toEqual([...TIME_FIELDS, 'date'].sort());
  });

  it('the time check itself refuses what is not RFC 3339 as served', () => {
    const bad = { from: '+010000-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000+00:00', items: [{ ts: '2026-01-01 00:00:00Z' }, { last_seen: '2026-02-30T00:00:00Z' }], date: '2026-1-1' };
    expect(checkTimes(bad).problems).toHaveLength(5);
  });
});
