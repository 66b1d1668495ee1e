import { ServiceProcess, buildSnapshot, pollUntil, uniqueSuffix } from '@pa/testing';
import { lastProgress, startSimulatedCollector } from '../support/collector';
import { waitCaughtUp } from '../support/consumer-lag';
import { exactlyOnceProblems, integrityProblems, storedSnapshots } from '../support/exactly-once';
import { startTestBroker, stopTestBroker, testBrokerEnv } from '../support/kafka-broker';
import { Pipeline } from '../support/pipeline';
import { pipelineSuite } from '../support/pipeline-suite';
import { seededPrng } from '../support/seeded';
import { snapshotKey } from '../support/steady-load';
import { authHeaders } from '../support/auth';

interface Probe {
  key: string;
  startedAt: number;
  endedAt: number;
  status: number;
  retryAfter: string | null;
}

/** Single-snapshot POSTs, never retried, every answer recorded with when it was asked and answered. */
class Probes {
  readonly done: Probe[] = [];
  readonly errors: string[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly pipeline: Pipeline,
    prefix: string,
    workers: number,
  ) {
    const base = Date.now() - 3_600_000;
    this.loops = Array.from({ length: workers }, async (_, w) => {
      for (let k = 0; this.running; k++) {
        const snapshot = buildSnapshot(`${prefix}${w}`, 5, base + k * 1000);
        const startedAt = Date.now();
        try {
          const response = await this.pipeline.post(JSON.stringify(snapshot));
          await response.arrayBuffer();
          const key = snapshotKey(snapshot.machine_id, Date.parse(snapshot.ts));
          this.done.push({ key, startedAt, endedAt: Date.now(), status: response.status, retryAfter: response.headers.get('retry-after') });
        } catch (error) {
          this.errors.push(`${(error as Error).message}: ${String((error as { cause?: unknown }).cause ?? '')}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

async function statusOf(url: string): Promise<{ status: number; retryAfter: string | null }> {
  const response = await fetch(url, { headers: authHeaders() });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

describe('fault: the Kafka broker stopped and restarted during a load', () => {
  let collector: ServiceProcess | undefined;
  let probes: Probes | undefined;

  beforeAll(() => {
    testBrokerEnv(); // fails at once, before anything is stopped, unless the env names the test broker
  });

  // Registered before pipelineSuite's, so it runs first: later suites need the broker, so bring
  // it back whatever happened, before the pipeline is stopped.
  afterAll(async () => {
    await startTestBroker();
    await probes?.stop();
    await collector?.stop('SIGKILL');
  }, 400_000);

  // The writer's consumer crashes while the broker is away and rejoins as a new member once it is
  // back; the broker still counts its old member until that one's session runs out, so a 6 s
  // session (30 s by default) shortens the wait before it consumes again. The gateway produces
  // zstd record batches here (KAFKA_COMPRESSION): compressed batches go through the outage too.
  const { pipeline, pools } = pipelineSuite(new Pipeline({ WRITER_SESSION_TIMEOUT_MS: '6000' }, { KAFKA_COMPRESSION: 'zstd' }));

  it('503 + Retry-After while it is down, never a 202 that is lost; a retrying collector loses nothing', async () => {
    const { seed } = seededPrng('kafka-outage');
    const prefix = `e2e-kafkaout-${uniqueSuffix()}`;
    // Two machines of 150 processes, and the collector's own chunking (up to 200 snapshots a POST):
    // the backlog of the outage goes out in POSTs of MBs per machine, so per Kafka partition.
    const fleet = { prefix: `${prefix}-c`, machines: 2, processes: 150, intervalMs: 250, seed };
    const fleetCollector = startSimulatedCollector(pipeline.gatewayUrl, fleet, { COLLECTOR_RETRY_MAX_MS: '2000', COLLECTOR_BUFFER_SNAPSHOTS: '100000' });
    const probing = new Probes(pipeline, `${prefix}-p`, 4);
    [collector, probes] = [fleetCollector, probing];
    const progress = () => lastProgress(fleetCollector.log());
    await pollUntil(async () => progress()?.sent ?? 0, (sent) => sent >= 20, { timeoutMs: 30_000, what: 'the collector to deliver' });

    await stopTestBroker();
    const downAt = Date.now();
    const gatewayReady = await pollUntil(() => statusOf(`${pipeline.gatewayUrl}/readyz`), (r) => r.status === 503, {
      timeoutMs: 30_000,
      what: 'gateway /readyz to say 503',
    });
    const writerReady = await pollUntil(() => statusOf(`${pipeline.writerUrl}/readyz`), (r) => r.status === 503, {
      timeoutMs: 30_000,
      what: 'writer /readyz to say 503',
    });
    // Hold the broker down until several POSTs were asked and answered entirely inside the outage.
    const insideOutage = () => probing.done.filter((p) => p.startedAt >= downAt);
    await pollUntil(async () => insideOutage().length, (n) => n >= 4, { timeoutMs: 60_000, what: 'POSTs answered while Kafka is down' });
    const answeredWhileDown = insideOutage();
    const sentBeforeRestart = progress()?.sent ?? 0;

    await startTestBroker();
    const upAt = Date.now();
    await pollUntil(() => statusOf(`${pipeline.gatewayUrl}/readyz`), (r) => r.status === 200, { timeoutMs: 60_000, what: 'gateway ready again' });
    await pollUntil(async () => probing.done.filter((p) => p.startedAt >= upAt && p.status === 202).length, (n) => n >= 3, {
      timeoutMs: 60_000,
      what: 'POSTs accepted after the restart',
    });
    // Everything the collector sampled while Kafka was down is delivered.
    const backlog = sentBeforeRestart + Math.floor((upAt - downAt) / fleet.intervalMs) * fleet.machines;
    await pollUntil(async () => progress()?.sent ?? 0, (sent) => sent >= backlog, {
      timeoutMs: 120_000,
      what: 'the collector to deliver after the restart',
    });
    await probing.stop();
    await fleetCollector.stop('SIGTERM'); // stops ticking, flushes what it holds, exits 0 only if nothing is unsent
    const final = progress();
    if (!final) throw new Error(`no progress line in the collector's log:\n${fleetCollector.log()}`);

    // While Kafka was down: every answer a 503 with Retry-After, the gateway and the writer unready.
    expect(answeredWhileDown.map((p) => [p.status, p.retryAfter !== null])).toEqual(answeredWhileDown.map(() => [503, true]));
    expect(gatewayReady.retryAfter).not.toBeNull();
    expect(writerReady.status).toBe(503);
    expect(probing.errors).toEqual([]);
    expect(probing.done.filter((p) => p.status !== 202 && (p.status !== 503 || p.retryAfter === null))).toEqual([]);
    expect(pipeline.writer.exitStatus).toBeUndefined();
    expect(pipeline.gateway.exitStatus).toBeUndefined();
    expect((await statusOf(`${pipeline.writerUrl}/readyz`)).status).toBe(200);

    await waitCaughtUp(pipeline.groupId, pipeline.topic, 120_000);
    // Every 202 is in PostgreSQL exactly once; a 503'd snapshot may or may not be (Kafka may have
    // taken it after the gateway's deadline), never twice.
    const accepted = new Map(probing.done.filter((p) => p.status === 202).map((p) => [p.key, 5]));
    const refused = new Set(probing.done.filter((p) => p.status === 503).map((p) => p.key));
    expect(await exactlyOnceProblems(pools, `${prefix}-p`, accepted, refused)).toEqual([]);

    // The collector retried through the outage and lost nothing: one snapshot per machine per tick.
    expect(fleetCollector.exitStatus).toBe(0);
    expect(final).toMatchObject({ unsent: 0, rejected: 0 });
    expect(final.retried).toBeGreaterThan(0);
    const stored = await storedSnapshots(pools, fleet.prefix);
    expect(integrityProblems(stored)).toEqual([]);
    const perMachine = new Map<string, number>();
    for (const s of stored.snapshots) perMachine.set(s.machineId, (perMachine.get(s.machineId) ?? 0) + 1);
    expect(perMachine.size).toBe(fleet.machines);
    expect([...new Set(perMachine.values())]).toEqual([final.ticks]);
    expect(final.sent).toBe(fleet.machines * final.ticks);
  }, 600_000);
});
