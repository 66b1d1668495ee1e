// Golden plans (issue 10 §4): the plans of the statements each endpoint really runs (taken by the
// query API itself, explain=analyze), on a seeded shard with heap days, a compressed day and late
// rows into it. Asserted on plan shape and buffer counts, never on time: partitions pruned to the
// window's days, one machine read by index (rows and segments), never a whole day scanned for it.
import { Pool } from 'pg';
import { ServiceProcess, uniqueSuffix } from '@pa/testing';
import { createKey } from './support/auth';
import { runLifecycleOk } from './support/lifecycle';
import { getJson, iso, startQueryApi } from './support/query-api';
import { ExplainBody, PlanNode, planNodes, relationPages, samplesPartition, scans, sharedBuffers, wholeScans } from './support/query-plans';
import { waitOutboxEmpty } from './support/rollup-truth';
import { startSummarizer } from './support/summarizer';
import { machinesOnShard, shardPools } from './support/test-stack';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PROCESSES = 12;

/** Three days of their own, 1,000 to 3,000 days back (no other suite writes there). */
function lonelyDays(): number {
  const today = Math.floor(Date.now() / DAY) * DAY;
  return today - (1000 + Math.floor(Math.random() * 2000)) * DAY;
}

/** A sample a minute of every process of every machine over [fromMs, toMs), its snapshots, and the machines and outbox rows the writer would add. */
async function seedRows(pool: Pool, machines: string[], fromMs: number, toMs: number): Promise<void> {
  const args = [machines, iso(fromMs), iso(toMs), PROCESSES];
  await pool.query(
    `INSERT INTO process_samples (ts, machine_id, pid, ppid, name, username, cmdline, cpu_pct, mem_pct, rss_bytes, vms_bytes, threads, state, io_read_bytes, io_write_bytes, start_time)
     SELECT t, m, 100 + p, 1, 'proc-' || p, 'user', '/usr/bin/proc-' || p || ' --flag', (extract(epoch FROM t)::bigint % 97) / 10.0 + p, p / 3.0,
            1048576 * (p + 1), 4194304 * (p + 1), p % 5 + 1, 'S', extract(epoch FROM t)::bigint * 10, extract(epoch FROM t)::bigint * 3, $2::timestamptz
     FROM unnest($1::text[]) AS m, generate_series($2::timestamptz, $3::timestamptz - interval '1 minute', interval '1 minute') AS t, generate_series(0, $4::int - 1) AS p`,
    args,
  );
  await pool.query(
    `INSERT INTO snapshots (machine_id, ts, n_processes) SELECT m, t, $4 FROM unnest($1::text[]) AS m, generate_series($2::timestamptz, $3::timestamptz - interval '1 minute', interval '1 minute') AS t`,
    args,
  );
  await pool.query(`INSERT INTO rollup_outbox (machine_id, from_ts, to_ts) SELECT m, $2, $3::timestamptz - interval '1 minute' FROM unnest($1::text[]) AS m`, args.slice(0, 3));
  // The machines directory (migration 010): fleet-wide raw edges are read machine by machine from it (layered-query.ts).
  await pool.query('INSERT INTO machines (machine_id, bucket) SELECT m, pa_bucket_of(m) FROM unnest($1::text[]) AS m ON CONFLICT DO NOTHING', [machines]);
}

describe('golden plans: what each endpoint runs, on heap days, a compressed day and late rows', () => {
  const prefix = `e2e-plans-${uniqueSuffix()}`;
  const machines = machinesOnShard(prefix, 0, 8);
  const [machine] = machines;
  const compressedDay = lonelyDays();
  const heapDays = [compressedDay + DAY, compressedDay + 2 * DAY];
  const lateAt = compressedDay + 5 * HOUR + 30_000;
  let pools: Pool[];
  let api: ServiceProcess;
  let readKey: string;

  beforeAll(async () => {
    pools = shardPools();
    const shard = pools[0];
    for (const day of [compressedDay, ...heapDays]) await shard.query('SELECT pa_ensure_day_partition($1::date)', [iso(day).slice(0, 10)]);
    await seedRows(shard, machines, compressedDay, compressedDay + 3 * DAY);
    const summarizer = await startSummarizer();
    try {
      await waitOutboxEmpty(pools, prefix, 300_000);
    } finally {
      await summarizer.stop();
    }
    await runLifecycleOk([iso(compressedDay).slice(0, 10)]);
    // Late rows into the compressed day, not yet summarized: their minute stays dirty, read raw from heap and segments.
    await seedRows(shard, [machine], lateAt, lateAt + MINUTE);
    for (const table of ['process_samples', 'snapshots', 'process_segments', 'rollup_outbox', 'machine_rollup_1h', 'process_rollup_1h']) await shard.query(`ANALYZE ${table}`);
    readKey = createKey(`plans-read-${uniqueSuffix()}`, ['--scope', 'read']).token;
    api = await startQueryApi();
  }, 600_000);

  afterAll(async () => {
    await api?.stop();
    const shard = pools[0];
    await shard.query('DELETE FROM rollup_outbox WHERE machine_id LIKE $1', [`${prefix}%`]);
    for (const table of ['process_segments', 'process_samples', 'snapshots', 'machine_rollup_1m', 'machine_rollup_1h', 'machine_rollup_1d', 'process_rollup_1m', 'process_rollup_1h', 'process_rollup_1d']) {
      await shard.query(`DELETE FROM ${table} WHERE machine_id LIKE $1`, [`${prefix}%`]);
    }
    await Promise.all(pools.map((pool) => pool.end()));
  });

  /** The answer without explain, the same with explain=analyze: equal answers, and the plans. */
  async function explained(path: string, params: Record<string, string | number>): Promise<ExplainBody['explain']['plans']> {
    const plain = await getJson(api, path, params);
    expect(plain.status).toBe(200);
    const withPlans = await getJson<ExplainBody>(api, path, { ...params, explain: 'analyze' });
    expect(withPlans.status).toBe(200);
    expect(withPlans.headers.get('cache-control')).toBe('no-store');
    expect(withPlans.body.answer).toEqual(plain.body);
    expect(withPlans.body.explain.mode).toBe('analyze');
    return withPlans.body.explain.plans;
  }

  const rootOf = (plan: ExplainBody['explain']['plans'][number]): PlanNode => plan.plan[0].Plan;
  const rawPartitions = (root: PlanNode) => new Set(scans(root).filter((s) => /^process_samples_\d{8}$/.test(s.relation)).map((s) => s.relation));

  it('one machine, 24 h of the compressed day with a late minute: its segments by index, only that day, no day scanned', async () => {
    const plans = await explained(`/v1/machines/${machine}/series`, { metric: 'cpu_pct', from: iso(compressedDay), to: iso(compressedDay + DAY), step: '1h' });
    expect(plans.map((p) => p.shard)).toEqual([0]);
    const root = rootOf(plans[0]);
    expect([...rawPartitions(root)]).toEqual([samplesPartition(compressedDay)]);
    expect(scans(root)).toContainEqual(expect.objectContaining({ relation: 'process_segments', index: 'process_segments_machine_hour' }));
    expect(wholeScans(root, /^(process_samples_\d{8}|process_segments|snapshots_\d{8}|machine_rollup_1[mhd])$/)).toEqual([]);
    // Fewer shared buffers than a quarter of a heap day of the fleet: one machine of eight, one late minute decoded.
    expect(sharedBuffers(root)).toBeLessThan((await relationPages(pools[0], samplesPartition(heapDays[0]))) / 4);
  });

  it('one machine over heap days, edges not on the minute: only the two days, by index, a few buffers', async () => {
    const from = heapDays[0] + 30_500;
    const to = heapDays[1] + 12 * HOUR + 10_250;
    const plans = await explained(`/v1/machines/${machine}/series`, { metric: 'rss_bytes', from: iso(from), to: iso(to), step: '1h' });
    const root = rootOf(plans[0]);
    expect([...rawPartitions(root)].sort()).toEqual(heapDays.map(samplesPartition));
    expect(wholeScans(root, /^(process_samples_\d{8}|process_segments|snapshots_\d{8})$/)).toEqual([]);
    expect(sharedBuffers(root)).toBeLessThan((await relationPages(pools[0], samplesPartition(heapDays[0]))) / 4);
  });

  it('the snapshot of a machine at an instant of the compressed day: its segments of that hour by index', async () => {
    const plans = await explained(`/v1/machines/${machine}/snapshot`, { at: iso(compressedDay + 7 * HOUR + 20_000) });
    const roots = plans.map(rootOf);
    expect(roots.some((root) => scans(root).some((s) => s.relation === 'process_segments' && s.index === 'process_segments_machine_hour'))).toBe(true);
    for (const root of roots) expect(wholeScans(root, /^(process_samples_\d{8}|process_segments|snapshots_\d{8})$/)).toEqual([]);
  });

  it('fleet top over the compressed day, edges not on the minute: rollups, raw edges of that day only, no segment table scan', async () => {
    const plans = await explained('/v1/top', { metric: 'cpu_pct', by: 'process', from: iso(compressedDay + 30_000), to: iso(compressedDay + DAY - 30_000), limit: 5 });
    expect(plans.map((p) => p.shard).sort()).toEqual(pools.map((_, shard) => shard));
    for (const plan of plans) {
      // The plan that ran: the named statement's generic plan (QUERY_TOP_GENERIC_PLANS), by EXPLAIN EXECUTE.
      expect(plan.statement).toMatch(/^pa-top-[0-9a-f]{20}$/);
      expect(plan.settings).toEqual({ plan_cache_mode: 'force_generic_plan' });
      expect(JSON.stringify(plan.plan)).toContain('"plan_cache_mode":"force_generic_plan"');
      const root = rootOf(plan);
      for (const partition of rawPartitions(root)) expect(partition).toBe(samplesPartition(compressedDay));
      expect(wholeScans(root, /^process_segments$/)).toEqual([]);
    }
  });

  it('fleet top over a heap day, edges not on the minute: the raw edges machine by machine by (machine_id, ts), never by the lossy BRIN on ts', async () => {
    const day = heapDays[0];
    const plans = await explained('/v1/top', { metric: 'cpu_pct', by: 'process', from: iso(day + 30_500), to: iso(day + 12 * HOUR + 10_250), limit: 5 });
    const root = rootOf(plans.find((p) => p.shard === 0) as (typeof plans)[number]);
    const indexScans = planNodes(root).filter((n) => /Index Scan/.test(n['Node Type']) && (n['Actual Loops'] ?? 0) > 0 && n['Index Name']?.startsWith('process_samples_'));
    expect(indexScans.map((n) => n['Index Name'])).toContain(`${samplesPartition(day)}_machine_id_ts_idx`);
    expect(indexScans.filter((n) => n['Index Name']?.endsWith('_ts_idx') && !n['Index Name'].endsWith('_machine_id_ts_idx'))).toEqual([]);
    expect(wholeScans(root, /^process_samples_\d{8}$/)).toEqual([]);
  });

  it('one process name on one machine over the heap days: pruned, by index', async () => {
    const plans = await explained('/v1/processes/proc-3/series', { metric: 'mem_pct', machine_id: machine, from: iso(heapDays[0] + 45_000), to: iso(heapDays[1] + 45_000), step: '1h' });
    const root = rootOf(plans[0]);
    expect([...rawPartitions(root)].sort()).toEqual(heapDays.map(samplesPartition));
    expect(wholeScans(root, /^(process_samples_\d{8}|process_segments)$/)).toEqual([]);
  });

  it('fleet leaks over three days, the widest aggregate: nothing spills at the default work_mem (why no shape sets it)', async () => {
    const plans = await explained('/v1/insights/leaks', { prefix, from: iso(compressedDay), to: iso(compressedDay + 3 * DAY) });
    for (const plan of plans) {
      expect(plan.settings).toEqual({});
      const nodes = planNodes(rootOf(plan)) as (PlanNode & Record<string, unknown>)[];
      expect(nodes.filter((n) => Number(n['Temp Written Blocks'] ?? 0) > 0 || Number(n['HashAgg Batches'] ?? 1) > 1 || n['Sort Space Type'] === 'Disk')).toEqual([]);
    }
  });

  it('explain needs the admin scope, takes true|false|analyze, and is never an unknown parameter', async () => {
    const params = { metric: 'cpu_pct', from: iso(heapDays[0]), to: iso(heapDays[0] + HOUR), step: '10m' };
    const path = `/v1/machines/${machine}/series`;
    const refused = await getJson(api, path, { ...params, explain: 'true' }, readKey);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'MISSING_SCOPE' });
    expect(String(refused.body.detail)).toMatch(/admin/);
    expect((await getJson(api, path, params, readKey)).status).toBe(200);
    const bad = await getJson(api, path, { ...params, explain: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.stringMatching(/^explain: /)]);
    const off = await getJson(api, path, { ...params, explain: 'false' });
    expect(off.status).toBe(200);
    expect(off.body).toHaveProperty('points');
    const plan = await getJson<ExplainBody>(api, path, { ...params, explain: 'true' });
    expect(plan.body.explain.mode).toBe('plan');
    // Without ANALYZE: the plan only, no actual rows or buffers.
    expect(JSON.stringify(plan.body.explain.plans)).not.toMatch(/"Actual Rows"/);
    const doc = (await getJson<{ paths: Record<string, Record<string, { parameters?: { name: string }[] }>> }>(api, '/docs/json')).body;
    for (const [route, item] of Object.entries(doc.paths).filter(([route]) => route.startsWith('/v1/'))) {
      expect({ route, names: (item.get?.parameters ?? []).map((p) => p.name) }).toEqual({ route, names: expect.arrayContaining(['explain']) });
    }
  });
});
