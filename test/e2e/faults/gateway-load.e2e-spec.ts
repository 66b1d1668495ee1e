import { buildSnapshot, uniqueSuffix } from '@pa/testing';
import { Pipeline } from '../support/pipeline';
import { residentMemory } from '../support/process-memory';
import { testKafka } from '../support/test-stack';
import { recordsInTopic } from '../support/topic-offsets';
import { authHeaders } from '../support/auth';

/** Length of the sustained load (the example is 60 s). */
const SECONDS = Number(process.env.FAULT_LOAD_SECONDS ?? 20);
const CONNECTIONS = 64;
const SNAPSHOTS_PER_BODY = 10;
const PROCESSES = 20;
const MAX_IN_FLIGHT_RECORDS = 400;
/** V8 old-space cap of the gateway in this test: a gateway that kept what it served would die of it. */
const HEAP_MB = 128;
const MiB = 1024 * 1024;
const mib = (bytes: number) => (bytes / MiB).toFixed(0);

describe('fault: the gateway under sustained concurrent load', () => {
  // No writer: this is about the gateway; what it accepted is counted in Kafka.
  // In-flight record limit 400 instead of 20,000: 64 requests of 10 snapshots can exceed it, so
  // the load meets backpressure (503 + Retry-After) as well as 202s. And a capped heap.
  const pipeline = new Pipeline(
    {},
    {
      GATEWAY_MAX_IN_FLIGHT_RECORDS: String(MAX_IN_FLIGHT_RECORDS),
      // The load is one key's: its request quota must not be what refuses it.
      API_KEY_QUOTA: '100000000',
      OTEL_SDK_DISABLED: 'true',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${HEAP_MB}`,
    },
  );

  beforeAll(async () => {
    await pipeline.startGateway();
  });

  afterAll(async () => {
    await pipeline.stop();
    // Hundreds of MB of records nobody reads again: give the disk back to the later suites.
    const admin = testKafka().admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [pipeline.topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it(`${CONNECTIONS} connections for ${SECONDS} s: every request answered 202 or 503 + Retry-After, memory bounded`, async () => {
    const pid = pipeline.gateway.pid as number;
    const prefix = `e2e-gwload-${uniqueSuffix()}`;
    // A few distinct bodies, built once, so the client spends its CPU on sending.
    const bodies = Array.from({ length: 16 }, (_, b) =>
      Array.from({ length: SNAPSHOTS_PER_BODY }, (_, i) =>
        JSON.stringify(buildSnapshot(`${prefix}-${(b * SNAPSHOTS_PER_BODY + i) % 100}`, PROCESSES, Date.now() - 3_600_000 + b * 1000 + i)),
      ).join('\n'),
    );
    const bodyBytes = Buffer.byteLength(bodies[0]);
    const idle = residentMemory(pid).rss;

    const counts = { accepted: 0, backpressure: 0, unavailable: 0, requests: 0 };
    const wrong: string[] = [];
    const samples: { atMs: number; rss: number }[] = [];
    const started = Date.now();
    const endAt = started + SECONDS * 1000;
    const sampler = setInterval(() => samples.push({ atMs: Date.now() - started, rss: residentMemory(pid).rss }), 100);
    try {
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async (_, c) => {
          for (let k = c; Date.now() < endAt; k += CONNECTIONS) {
            counts.requests++;
            try {
              const response = await fetch(`${pipeline.gatewayUrl}/v1/snapshots`, {
                method: 'POST',
                body: bodies[k % bodies.length],
                headers: { 'content-type': 'application/x-ndjson', ...authHeaders() },
                signal: AbortSignal.timeout(30_000),
              });
              const text = await response.text();
              if (response.status === 202) counts.accepted += SNAPSHOTS_PER_BODY;
              else if (response.status === 503 && Number(response.headers.get('retry-after')) > 0) {
                // BACKPRESSURE: nothing was sent; KAFKA_UNAVAILABLE: sent, not acknowledged in time (may be in Kafka).
                if ((JSON.parse(text) as { code?: string }).code === 'BACKPRESSURE') counts.backpressure += SNAPSHOTS_PER_BODY;
                else counts.unavailable += SNAPSHOTS_PER_BODY;
              } else wrong.push(`${response.status} ${text.slice(0, 200)}`);
            } catch (error) {
              wrong.push(`${(error as Error).name}: ${(error as Error).message}`);
            }
          }
        }),
      );
    } finally {
      clearInterval(sampler);
    }
    const { peak } = residentMemory(pid);
    const runMs = Date.now() - started;
    const maxIn = (third: number) => Math.max(...samples.filter((s) => Math.floor((s.atMs * 3) / runMs) === third).map((s) => s.rss));
    const thirds = [maxIn(0), maxIn(1), maxIn(2)].map(mib).join('/');
    process.stdout.write(
      `gateway-load: ${counts.requests} requests in ${SECONDS} s (${(counts.requests / SECONDS).toFixed(0)}/s, ${(bodyBytes / 1024).toFixed(0)} KiB each): ` +
        `${counts.accepted} snapshots accepted, ${counts.backpressure} refused under backpressure, ${counts.unavailable} refused as Kafka unavailable; ` +
        `RSS idle ${mib(idle)}, max per third of the run ${thirds}, peak ${mib(peak)} MiB\n`,
    );

    // Every request got an answer it should have, and the load was real.
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(counts.requests).toBeGreaterThanOrEqual(CONNECTIONS * 3);
    expect(counts.accepted).toBeGreaterThan(0);
    // Bounded: the gateway served it all within a 128 MiB old space (it would have died of "heap out
    // of memory" otherwise: keeping one 57 KiB body per request fills that within seconds). Its RSS
    // adds to that heap 3 × 16 MiB young semi-spaces and what is off the heap: the Buffers of the
    // bodies and Kafka requests in flight, and what malloc's per-thread arenas keep of them, which
    // moves by up to ~100 MiB from one third of a run to the next without growing. Measured
    // here: 130-230 MiB over idle at 240-360 requests/s, flat over a 90 s run (FAULT_LOAD_SECONDS=90).
    // The cap is idle + heap + 192 MiB.
    expect(pipeline.gateway.exitStatus).toBeUndefined();
    expect(peak).toBeLessThan(idle + (HEAP_MB + 192) * MiB);
    // Accepted means in Kafka; refused under backpressure means not sent at all.
    const inKafka = await recordsInTopic(pipeline.topic);
    expect(inKafka).toBeGreaterThanOrEqual(counts.accepted);
    expect(inKafka).toBeLessThanOrEqual(counts.accepted + counts.unavailable);
  }, 120_000 + SECONDS * 1000);
});
