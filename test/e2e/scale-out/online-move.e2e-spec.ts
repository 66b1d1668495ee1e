// Issue 12: growing from two shard nodes to three while the fleet writes and analysts read.
// A cluster of our own (node databases on the test servers, a catalog), two writers in one group,
// two summarizers, two query APIs and two lifecycle services; HTTP load through the gateway and
// records produced straight to Kafka all along (late ones into a sealed day too); a writer
// SIGKILLed while reads switch; a replay of moved machines' old records.
import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Pool } from 'pg';
import { readClusterState } from '@pa/catalog';
import { ProcessSnapshot } from '@pa/contracts';
import { ShardRouter } from '@pa/pg-shards';
import { ServiceProcess, freePort, pollUntil, snapshotRecord, uniqueSuffix } from '@pa/testing';
import { waitCaughtUp } from '../support/consumer-lag';
import { exactlyOnceProblems } from '../support/exactly-once';
import { history } from '../support/history';
import { Pipeline } from '../support/pipeline';
import { difference, getJson, iso } from '../support/query-api';
import { Group, topTruth } from '../support/query-truth';
import { waitFleetRebuilt, waitOutboxEmpty } from '../support/rollup-truth';
import { SteadyLoad } from '../support/steady-load';
import { TestCluster, createTestCluster } from '../support/test-cluster';
import { testKafka } from '../support/test-stack';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const REPO = resolve(__dirname, '..', '..', '..');

describe('scale-out: a third node joins and takes its share online (issue 12)', () => {
  const prefix = `so-${uniqueSuffix()}`;
  let cluster: TestCluster;
  let pipeline: Pipeline;
  const services: ServiceProcess[] = [];
  let queryApis: ServiceProcess[] = [];
  const window = { from: Math.floor((Date.now() - 3 * HOUR) / 60_000) * 60_000, to: 0 };
  window.to = window.from + HOUR;
  const historyMachines = Array.from({ length: 40 }, (_, i) => `${prefix}-h-${String(i).padStart(2, '0')}`);
  // A day the lifecycle seals (older than its 2 days of lateness): it moves compressed, lands as
  // heap rows on the new node, and is sealed there again while the move runs.
  const sealedDayMs = Math.floor((Date.now() - 3 * DAY) / DAY) * DAY;
  const sealedDay = new Date(sealedDayMs).toISOString().slice(0, 10);
  const past = [
    ...history(historyMachines, window.from, window.to, 120_000),
    ...history(historyMachines, sealedDayMs, sealedDayMs + 6 * HOUR, 30 * 60_000),
  ];

  const startService = async (app: 'writer' | 'summarizer' | 'query-api' | 'lifecycle', env: Record<string, string>): Promise<ServiceProcess> => {
    const port = await freePort();
    const portVar = { writer: 'WRITER_PORT', summarizer: 'SUMMARIZER_PORT', 'query-api': 'QUERY_PORT', lifecycle: 'LIFECYCLE_PORT' }[app];
    const service = new ServiceProcess(app, { ...pipeline.env, ...env, [portVar]: String(port), OTEL_SDK_DISABLED: 'true', REDIS_URL: '' }).start();
    services.push(service);
    // The query API serves HTTPS; the writer's, summarizer's and lifecycle's health ports stay plain HTTP.
    // Nine services start on a box shared with other suites: give each up to 3 minutes to load.
    return service.waitReady(`${app === 'query-api' ? 'https' : 'http'}://127.0.0.1:${port}/readyz`, 180_000);
  };

  beforeAll(async () => {
    cluster = await createTestCluster(prefix.replace(/-/g, '_'), 3);
    pipeline = new Pipeline(cluster.env(2));
    await pipeline.startGateway();
    const env = { ...cluster.env(2), SUMMARIZER_POLL_INTERVAL_MS: '100' };
    await Promise.all([startService('writer', env), startService('writer', env), startService('summarizer', env), startService('summarizer', env)]);
    queryApis = await Promise.all([startService('query-api', env), startService('query-api', env)]);
    // Two lifecycle services on the same nodes: each takes a node's advisory lock, so one works per node at a time.
    const lifecycle = { ...env, LIFECYCLE_INTERVAL_MS: '300', LIFECYCLE_DAYS: sealedDay };
    await Promise.all([startService('lifecycle', lifecycle), startService('lifecycle', lifecycle)]);
  }, 600_000);
  afterAll(async () => {
    await Promise.all([pipeline.gateway?.stop(), ...services.map((s) => s.stop())]);
    await cluster.drop();
  });

  it('refuses to start a service whose PG_SHARDS names a node the catalog does not know', async () => {
    const refused = await startService('writer', cluster.env(3)).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(/exited \(1\) before ready/);
    expect((refused as Error).message).toContain('npm run shards -- add <url>');
  });

  it('moves buckets to the new node under load: everything stored once, every answer meanwhile equal to raw truth', async () => {
    const startedMs = Date.now();
    const phase = (what: string) => process.stdout.write(`online-move: +${((Date.now() - startedMs) / 1000).toFixed(1)} s ${what}\n`);
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic: pipeline.topic, messages: past.map(snapshotRecord) });
    await waitCaughtUp(pipeline.groupId, pipeline.topic, 120_000);
    await waitOutboxEmpty(cluster.pools, prefix, 120_000);
    const truth = byKey(await topTruth(cluster.pools.slice(0, 2), window, 'cpu_pct', 'machine', 'sum'));
    expect(truth.length).toBe(40);
    phase('history stored and rolled up');
    await pollUntil(() => heapRowsOfDay(cluster.pools.slice(0, 2), sealedDay), (n) => n === 0, { timeoutMs: 120_000, what: `the lifecycle to seal ${sealedDay} on nodes 0 and 1` });
    // By process name the answer reads the nodes' fleet rollups where it may (issue 15): never on
    // a node in the move, and on the source only once its cleanup's fleet buckets are rebuilt.
    const truthByName = byKey(await topTruth(cluster.pools.slice(0, 2), window, 'cpu_pct', 'process', 'sum'));
    expect(truthByName.length).toBeGreaterThan(0);

    phase(`${sealedDay} sealed on nodes 0 and 1`);
    const load = new SteadyLoad(pipeline, { machineIds: ids(`${prefix}-l`, 30), processes: 5, perRequest: 10, concurrency: 2, pauseMs: 20, startMs: Date.now() - HOUR });
    load.start();
    const direct = new DirectProducer(producer, pipeline.topic, ids(`${prefix}-k`, 20), sealedDayMs + 12 * HOUR);
    direct.start();
    const targetSeal = new SealWatcher(cluster.pools[2], sealedDay);
    targetSeal.start();
    const moveStartMs = Date.now();
    const reader = new ContinuousReader(queryApis, window, { machine: truth, process: truthByName });
    reader.start();
    try {
      await load.waitForMore(300);
      expect(await runShards(['add', cluster.urls[2]], cluster.env(2))).toMatchObject({ code: 0 });
      // The mover's log says when reads switch: a writer dies right then, and comes back with the new node in PG_SHARDS.
      const rebalance = runShards(['rebalance', '--grace-ms', '1000'], cluster.env(2), async (line) => {
        if (!line.includes(': switch_reads (')) return;
        const victim = services.find((s) => s.app === 'writer' && s.exitStatus === undefined);
        await victim?.stop('SIGKILL');
        await startService('writer', cluster.env(3));
      });
      const result = await rebalance;
      const moveSeconds = (Date.now() - moveStartMs) / 1000;
      const sealedAt = targetSeal.firstSealMs === undefined ? 'not during the move' : `${((targetSeal.firstSealMs - moveStartMs) / 1000).toFixed(1)} s into it`;
      process.stdout.write(`online-move: the move took ${moveSeconds.toFixed(1)} s; the lifecycle first sealed ${sealedDay} on node 2 ${sealedAt}\n`);
      process.stdout.write(`online-move: what the mover said:\n${result.output}\n`);
      expect(result.output).toMatch(/move \d+: done/);
      expect(result).toMatchObject({ code: 0 });
      await load.waitForMore(100);
      phase('moved');
    } finally {
      reader.stop();
      direct.stop();
      targetSeal.stop();
    }
    const report = await load.stop();
    await direct.finished;
    expect(report.failures).toEqual([]);
    await waitCaughtUp(pipeline.groupId, pipeline.topic, 120_000);
    phase('load caught up');

    const state = await catalogState(cluster);
    const router = new ShardRouter(state.map, state.nodes.length);
    expect(state.map.stale).toEqual([]);
    expect(state.map.ranges.some((r) => r.shard === 2)).toBe(true);
    const expected = new Map([...report.accepted, ...direct.sent, ...past.map((s) => [`${s.machine_id}|${Date.parse(s.ts)}`, s.processes.length] as const)]);
    const problems = await exactlyOnceProblems(cluster.pools, prefix, expected, new Set(), router);
    if (problems.length) for (const w of services.filter((x) => x.app === 'writer')) process.stdout.write(`online-move: a writer's log:\n${w.log()}\n`);
    expect(problems).toEqual([]);
    expect(reader.answers).toBeGreaterThan(20);
    expect(reader.mismatches.slice(0, 3)).toEqual([]);
    // The lifecycle followed the new node and sealed the moved day there, merging late rows; no seal failed its verification.
    await pollUntil(() => heapRowsOfDay(cluster.pools, sealedDay), (n) => n === 0, { timeoutMs: 120_000, what: `the lifecycle to seal ${sealedDay} everywhere` });
    expect(await sealSteps(cluster.pools[2], sealedDay)).toEqual([{ status: 'done' }]);
    phase(`${sealedDay} sealed on every node`);
    expect(await exactlyOnceProblems(cluster.pools, prefix, expected, new Set(), router)).toEqual([]);

    // Old records of machines that moved, replayed straight into Kafka: the new owner's ledger drops them.
    const moved = past.filter((s) => router.shardOf(s.machine_id) === 2).slice(0, 50);
    expect(moved.length).toBeGreaterThan(0);
    await producer.send({ topic: pipeline.topic, messages: moved.map(snapshotRecord) });
    await producer.disconnect();
    await waitCaughtUp(pipeline.groupId, pipeline.topic, 60_000);
    expect(await exactlyOnceProblems(cluster.pools, prefix, expected, new Set(), router)).toEqual([]);
    await waitOutboxEmpty(cluster.pools, prefix, 120_000);
    const after = await getJson<{ items: Group[] }>(queryApis[0], '/v1/top', topParams(window));
    expect(difference(byKey(after.body.items), truth)).toBeUndefined();
    await waitFleetRebuilt(cluster.pools);
    const afterByName = await getJson<{ items: Group[] }>(queryApis[1], '/v1/top', topParams(window, 'process'));
    expect(difference(byKey(afterByName.body.items), truthByName)).toBeUndefined();
    // Longer than the suites' 180 s: on a loaded 2-core box the move, the sealing and the catch-up each take their minute.
  }, 420_000);
});

/** Heap rows of `day` on the nodes (0 once the lifecycle sealed it and merged every late row). */
async function heapRowsOfDay(pools: Pool[], day: string): Promise<number> {
  let n = 0;
  for (const pool of pools) {
    n += (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM process_samples WHERE ts >= $1::date AND ts < $1::date + 1', [day])).rows[0].n;
  }
  return n;
}

async function sealSteps(pool: Pool, day: string): Promise<{ status: string }[]> {
  return (await pool.query<{ status: string }>(`SELECT status FROM lifecycle_steps WHERE day = $1::date AND step = 'compress'`, [day])).rows;
}

/** Notes when a node first records a sealed `day` (printed, to show the lifecycle worked during the move). */
class SealWatcher {
  firstSealMs: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly day: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      void sealSteps(this.pool, this.day)
        .then((steps) => {
          if (steps.some((s) => s.status === 'done')) this.firstSealMs ??= Date.now();
        })
        .catch(() => undefined);
    }, 200);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function ids(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
}

function byKey(items: Group[]): Group[] {
  return [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function topParams(w: { from: number; to: number }, by: 'machine' | 'process' = 'machine') {
  return { metric: 'cpu_pct', by, from: iso(w.from), to: iso(w.to), limit: 1000 };
}

async function catalogState(cluster: TestCluster) {
  const pool = new Pool({ connectionString: cluster.catalogUrl, max: 1 });
  try {
    return (await readClusterState(pool)) as NonNullable<Awaited<ReturnType<typeof readClusterState>>>;
  } finally {
    await pool.end();
  }
}

/** `npm run shards -- …` as an operator runs it; `onLine` sees each line of its output as it comes. */
function runShards(args: string[], env: Record<string, string>, onLine: (line: string) => Promise<void> = async () => undefined): Promise<{ code: number | null; output: string }> {
  const child: ChildProcess = spawn(process.execPath, [resolve(REPO, 'dist/apps/shards/src/main.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let pending = Promise.resolve();
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    for (const line of text.split('\n')) pending = pending.then(() => onLine(line));
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return new Promise((done) => child.on('exit', (code) => void pending.then(() => done({ code, output }))));
}

/** Asks the query APIs, in turn, for the fixed past window over and over, comparing every answer with the truth taken before the move. */
class ContinuousReader {
  answers = 0;
  readonly mismatches: string[] = [];
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly apis: ServiceProcess[],
    private readonly window: { from: number; to: number },
    private readonly truth: Record<'machine' | 'process', Group[]>,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const api = this.apis[this.answers % this.apis.length];
        const by = Math.floor(this.answers / this.apis.length) % 2 === 0 ? 'machine' : 'process';
        const answer = await getJson<{ items: Group[] }>(api, '/v1/top', topParams(this.window, by));
        this.answers++;
        const diff = answer.status === 200 ? difference(byKey(answer.body.items), this.truth[by]) : `status ${answer.status}: ${JSON.stringify(answer.body)}`;
        if (diff) this.mismatches.push(`answer ${this.answers} (by ${by}): ${diff}`);
      }
    })();
  }

  stop(): Promise<void> {
    this.running = false;
    return this.loop;
  }
}

/**
 * A collector producing straight to Kafka: a snapshot of each of its machines every 50 ms, and
 * one late snapshot (into the sealed day, from `lateFromMs` on) of one of them each time.
 */
class DirectProducer {
  readonly sent = new Map<string, number>();
  finished: Promise<void> = Promise.resolve();
  private running = false;

  constructor(
    private readonly producer: ReturnType<ReturnType<typeof testKafka>['producer']>,
    private readonly topic: string,
    private readonly machines: string[],
    private readonly lateFromMs: number,
  ) {}

  start(): void {
    this.running = true;
    const startMs = Date.now() - 30 * 60_000;
    this.finished = (async () => {
      for (let k = 0; this.running; k++) {
        const snapshot = (machine: string, tsMs: number): ProcessSnapshot => ({
          machine_id: machine,
          ts: new Date(tsMs).toISOString(),
          processes: [{ pid: 1 + (k % 5), name: 'direct', cpu_pct: k % 100, mem_pct: 1, rss_bytes: 4096 * (k + 1) }],
        });
        const batch = this.machines.map((m, i) => snapshot(m, startMs + k * 1000 + i));
        batch.push(snapshot(this.machines[k % this.machines.length], this.lateFromMs + k * 1000));
        await this.producer.send({ topic: this.topic, messages: batch.map(snapshotRecord) });
        for (const s of batch) this.sent.set(`${s.machine_id}|${Date.parse(s.ts)}`, 1);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  }

  stop(): void {
    this.running = false;
  }
}

