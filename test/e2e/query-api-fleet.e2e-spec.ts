import { deleteMachines } from '@pa/catalog';
import { ServiceProcess, buildSnapshot, pollUntil, uniqueSuffix } from '@pa/testing';
import { createKey } from './support/auth';
import { history } from './support/history';
import { pipelineSuite } from './support/pipeline-suite';
import { difference, getJson, iso, randomPastDay, startQueryApi } from './support/query-api';
import { Group, Metric, Window, topTruth } from './support/query-truth';
import { fleetMismatch, fleetOutboxDepth, waitFleetRebuilt, waitOutboxEmpty } from './support/rollup-truth';
import { startSummarizer } from './support/summarizer';
import { machinesOnShard } from './support/test-stack';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// A past UTC day of this run's own; the history covers its last hours and the next day's first.
const D = randomPastDay(3);
const HISTORY = { from: D + 20 * HOUR + 7_000, to: D + DAY + 3 * HOUR };
const WINDOWS: Record<string, Window> = {
  'unaligned, every level': { from: D - HOUR - 37 * MINUTE - 13_500, to: D + DAY + HOUR + 11 * MINUTE + 250 },
  'unaligned hours': { from: D + 21 * HOUR + 12 * MINUTE, to: D + DAY + 2 * HOUR + 48 * MINUTE + 30_000 },
  'aligned hour': { from: D + 22 * HOUR, to: D + 23 * HOUR },
};
const TAMPERED_HOUR = WINDOWS['aligned hour'].from;

function byKey(items: Group[]): Group[] {
  return [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Issue 15: /v1/top by process reads the fleet rollups (migration 017) where a bucket is clean for
 * the whole node, and per-machine rows elsewhere; answers equal SQL over raw rows either way.
 */
describe('query API: fleet rollups answer /v1/top by process exactly', () => {
  const { pipeline, pools } = pipelineSuite();
  const prefix = `e2e-fleetq-${uniqueSuffix()}`;
  const machines = [...machinesOnShard(prefix, 0, 3), ...machinesOnShard(prefix, 1, 3)];
  let withFleet: ServiceProcess;
  let withoutFleet: ServiceProcess;
  let summarizer: ServiceProcess | undefined;

  /** Both APIs, every window, two metrics and every order, against the raw truth; all mismatches. */
  async function mismatches(key?: string, truthPrefix?: string): Promise<string[]> {
    const found: string[] = [];
    for (const [name, w] of Object.entries(WINDOWS)) {
      for (const metric of ['cpu_pct', 'rss_bytes'] as Metric[]) {
        const truth = (await topTruth(pools, w, metric, 'process', 'sum', truthPrefix)).filter((g) => g.count > 0);
        for (const [label, api] of [['with fleet', withFleet], ['without fleet', withoutFleet]] as const) {
          const answer = await getJson<{ items: Group[] }>(api, '/v1/top', { metric, by: 'process', from: iso(w.from), to: iso(w.to), limit: 1000 }, key);
          const diff = answer.status === 200 ? difference(byKey(answer.body.items), byKey(truth)) : `status ${answer.status}`;
          if (diff) found.push(`${label}, ${metric} over ${name}: ${diff}`);
        }
      }
    }
    return found;
  }

  beforeAll(async () => {
    [withFleet, withoutFleet] = await Promise.all([startQueryApi(), startQueryApi({ QUERY_FLEET_ROLLUPS: 'false' })]);
    await pipeline.ingest(history(machines, HISTORY.from, HISTORY.to, MINUTE));
    summarizer = await startSummarizer();
    await waitOutboxEmpty(pools, prefix, 240_000);
    await waitFleetRebuilt(pools);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([withFleet?.stop(), withoutFleet?.stop(), summarizer?.stop()]);
  });

  it('after summarizing, the fleet rows equal raw truth and both APIs answer like SQL over raw rows', async () => {
    expect(await fleetMismatch(pools, HISTORY.from, HISTORY.to)).toBeUndefined();
    expect(await mismatches()).toEqual([]);
  }, 300_000);

  it('reads a fleet row only while its bucket is clean: a marked or dirty bucket is read per machine, and the rebuild restores it', async () => {
    await summarizer?.stop();
    summarizer = undefined;
    // A wrong fleet row on shard 0 shows whether the API reads it (nothing else could make this figure).
    const name = (await pools[0].query('SELECT name FROM process_fleet_rollup_1h WHERE bucket = $1 ORDER BY name LIMIT 1', [iso(TAMPERED_HOUR)])).rows[0].name as string;
    await pools[0].query('UPDATE process_fleet_rollup_1h SET cpu_sum = cpu_sum + 1000 WHERE bucket = $1 AND name = $2', [iso(TAMPERED_HOUR), name]);
    const figure = async (api: ServiceProcess) => {
      const answer = await getJson<{ items: Group[] }>(api, '/v1/top', { by: 'process', from: iso(TAMPERED_HOUR), to: iso(TAMPERED_HOUR + HOUR), limit: 1000 });
      return answer.body.items.find((g) => g.key === name)?.sum ?? NaN;
    };
    const truth = (await topTruth(pools, WINDOWS['aligned hour'], 'cpu_pct', 'process', 'sum')).find((g) => g.key === name)?.sum ?? NaN;
    expect(await figure(withFleet)).toBeCloseTo(truth + 1000, 6);
    expect(await figure(withoutFleet)).toBeCloseTo(truth, 6);

    // A tenant key never reads fleet rows (they count machines outside it): its answer stays the truth of its machines.
    const tenant = createKey(`e2e-fleet-tenant-${uniqueSuffix()}`, ['--scope', 'read', '--read-prefix', `${prefix}-`]).token;
    expect(await mismatches(tenant, `${prefix}-`)).toEqual([]);

    // The bucket waits for its rebuild: read per machine.
    await pools[0].query("INSERT INTO fleet_rollup_outbox (level, bucket) VALUES ('1h', $1)", [iso(TAMPERED_HOUR)]);
    expect(await figure(withFleet)).toBeCloseTo(truth, 6);
    await pools[0].query('DELETE FROM fleet_rollup_outbox');
    expect(await figure(withFleet)).toBeCloseTo(truth + 1000, 6);

    // Late data in that hour, not summarized yet: a machine is dirty there, so the hour is read per machine (and raw).
    const late = buildSnapshot(machines[1], 6, TAMPERED_HOUR + 17 * MINUTE + 3_000);
    await pipeline.ingest([late]);
    await pollUntil(() => pools[0].query('SELECT 1 FROM rollup_outbox WHERE machine_id = $1', [machines[1]]), (r) => (r.rowCount ?? 0) > 0, {
      timeoutMs: 30_000,
      what: 'the late snapshot stored',
    });
    const lateTruth = (await topTruth(pools, WINDOWS['aligned hour'], 'cpu_pct', 'process', 'sum')).find((g) => g.key === name)?.sum ?? NaN;
    expect(await figure(withFleet)).toBeCloseTo(lateTruth, 6);
    expect(await mismatches()).toEqual([]);

    // The summarizer recomputes the machine, marks the hour and rebuilds it from per-machine rows.
    summarizer = await startSummarizer();
    await waitFleetRebuilt(pools);
    expect(await figure(withFleet)).toBeCloseTo(lateTruth, 6);
    expect(await fleetMismatch(pools, HISTORY.from, HISTORY.to)).toBeUndefined();
    expect(await mismatches()).toEqual([]);
  }, 300_000);

  it('after a bucket move cleans machines off a node, their share leaves its fleet rows', async () => {
    const gone = machines[0];
    await deleteMachines(pools[0], [gone]);
    // Until the rebuild the node's fleet buckets of the machine are marked, then rebuilt without it.
    expect(await mismatches()).toEqual([]);
    await waitFleetRebuilt(pools);
    expect(await fleetOutboxDepth(pools)).toBe(0);
    const left = await pools[0].query('SELECT count(*)::int AS n FROM process_rollup_1h WHERE machine_id = $1', [gone]);
    expect(left.rows[0].n).toBe(0);
    expect(await fleetMismatch(pools, HISTORY.from, HISTORY.to)).toBeUndefined();
    expect(await mismatches()).toEqual([]);
  }, 300_000);
});
