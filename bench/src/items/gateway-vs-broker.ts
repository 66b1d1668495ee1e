import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { deadLetterTopicOf } from '@pa/contracts';
import { join } from 'node:path';
import { snapshotOf } from '../data/fleet-generator';
import { createTopic } from '../data/topic-filler';
import { loadGateway } from '../measure/gateway-load';
import { producerPerformance } from '../measure/producer-perf';
import { metricSum, processCpuSeconds } from '../measure/load-profile';
import { AppProcess, freePort } from '../support/app-process';
import { benchAuthHeaders } from '../support/bench-key';
import { formatNumber } from '../support/progress';
import { rotate } from '../support/stats';
import { BenchContext, ItemResult, Sample } from './bench-context';
import { gatewayRows } from './gateway-vs-broker.rows';

/** Distinct machines the load's snapshots come from (so Kafka spreads them over partitions), and snapshots of each. */
const BODY_MACHINES = 64;
const BODY_TICKS = 8;

/** A running gateway of the bench, on a topic of its own. */
export interface BenchGateway {
  url: string;
  topic: string;
  process: AppProcess;
}

export async function startGateway(ctx: BenchContext, topic: string, label: string, extraEnv: Record<string, string> = {}): Promise<BenchGateway> {
  const port = await freePort();
  const env: Record<string, string> = {
    KAFKA_BROKERS: ctx.env.brokers.join(','),
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: deadLetterTopicOf(topic),
    GATEWAY_PORT: String(port),
    // The gateway checks the bench key against a catalog; items without databases of their own share one.
    CATALOG_URL: await ctx.databases.keysCatalogUrl(),
    ...extraEnv,
  };
  const process = new AppProcess('ingest-gateway', env, ctx.env.logDir, label).start();
  const url = `${env.HTTP_PLAIN === 'true' ? 'http' : 'https'}://127.0.0.1:${port}`;
  await process.waitReady(`${url}/readyz`);
  return { url, topic, process };
}

/**
 * Snapshot bodies of `processes` processes: `ticks` consecutive snapshots (10 s apart, the last
 * stamped now: the gateway refuses stale or future ones) of `machines` machines, machine by
 * machine within each tick, so that neighbours in the list are different machines.
 */
export function snapshotBodies(machines: number, processes: number, prefix: string, ticks = 1): string[] {
  const shape = { machines, processes, snapshots: ticks, intervalMs: 10_000, startMs: Date.now() - (ticks - 1) * 10_000, prefix };
  return Array.from({ length: machines * ticks }, (_, i) => JSON.stringify(snapshotOf(shape, i % machines, Math.floor(i / machines))));
}

/**
 * The gateways item 4 measures: as deployed (producing schema version 2, checked and written in
 * one walk over JSON.parse's tree), checking with ajv then encoding (GATEWAY_DIRECT_V2=off),
 * with kafkajs's JavaScript CRC32C, with kafkajs's nested produce Encoders
 * (libs/kafka/src/direct-produce-encoder.ts), with those and kafkajs's own Encoder growth
 * (libs/kafka/src/kafkajs-encoder.ts), with zstd record batches, producing the JSON (v1), and as it
 * was before issue 15's gateway work (v1 and kafkajs's Encoder).
 */
export const GATEWAY_VARIANTS = [
  ['gateway', {}],
  ['gateway-ajv-then-encode', { GATEWAY_DIRECT_V2: 'off' }],
  ['gateway-js-crc32c', { KAFKA_NATIVE_CRC32C: 'off' }],
  ['gateway-kafkajs-encoder', { KAFKA_LEAN_ENCODER: 'off', KAFKA_DIRECT_PRODUCE: 'off' }],
  ['gateway-kafkajs-produce', { KAFKA_DIRECT_PRODUCE: 'off' }],
  ['gateway-zstd', { KAFKA_COMPRESSION: 'zstd' }],
  ['gateway-v1', { GATEWAY_RECORD_FORMAT: 'v1' }],
  ['gateway-v1-kafkajs-encoder', { GATEWAY_RECORD_FORMAT: 'v1', KAFKA_LEAN_ENCODER: 'off', KAFKA_DIRECT_PRODUCE: 'off' }],
] as const satisfies readonly (readonly [string, Record<string, string>])[];

/** BENCH_GATEWAY_VARIANTS (comma-separated names, e.g. `gateway,gateway-plain`): only those gateways run in item 4; unset, all. */
function isSelected(variant: string): boolean {
  const only = process.env.BENCH_GATEWAY_VARIANTS;
  return !only || only.split(',').map((s) => s.trim()).includes(variant);
}

function selectedVariants(): (typeof GATEWAY_VARIANTS)[number][] {
  return GATEWAY_VARIANTS.filter(([variant]) => isSelected(variant));
}

/**
 * Item 4: snapshots/s through POST /v1/snapshots under autocannon vs Kafka's ProducerPerformance
 * with the same records on the same broker, alternating which goes first in each round.
 */
export async function runGatewayVsBroker(ctx: BenchContext): Promise<ItemResult> {
  const { seconds, connections, perfMegabytes } = ctx.options.gateway;
  const processes = ctx.options.fleet.processes;
  const bodies = snapshotBodies(BODY_MACHINES, processes, 'bench-gw-', BODY_TICKS);
  const recordBytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / bodies.length;
  mkdirSync(ctx.env.dataDir, { recursive: true });
  const payloadFile = join(ctx.env.dataDir, 'snapshots.payload');
  writeFileSync(payloadFile, bodies.join('\n'));
  const perfRecords = Math.max(500, Math.round((perfMegabytes * 1e6) / recordBytes));
  const perfTopic = `proc.snapshots.bench.perf.${ctx.runId}`;
  await createTopic(ctx.kafka, perfTopic, 12);
  // The gateway as deployed; beside it the same gateway with kafkajs's own JavaScript CRC32C (the
  // lever of libs/kafka/src/native-crc32c.ts) and, where the bench broker has a plaintext listener,
  // with transport security off; each on a topic of its own, all measured in the same rounds.
  const gateways = new Map<string, BenchGateway>();
  for (const [variant, env] of selectedVariants()) gateways.set(variant, await startGateway(ctx, `proc.snapshots.bench.${variant}.${ctx.runId}`, `${variant}-load`, env));
  const plain = isSelected('gateway-plain') ? await startPlainGateway(ctx) : undefined;
  if (plain) gateways.set('gateway-plain', plain);
  const samples: Sample[] = [];
  try {
    // JIT and connection warm-up, not measured.
    for (const gateway of gateways.values()) await loadGateway(gateway.url, bodies, Math.min(3, seconds), connections);
    const measurements = [...gateways.keys(), 'producer-perf', 'producer-perf-zstd'];
    for (let rep = 0; rep < ctx.options.reps; rep++) {
      for (const which of rotate(measurements, rep)) {
        ctx.progress.step(`item 4 · round ${rep + 1}/${ctx.options.reps} · ${which}`);
        const gateway = gateways.get(which);
        samples.push(gateway ? await measureGateway(ctx, gateway, bodies, rep, processes, which) : await measureBroker(ctx, perfTopic, payloadFile, perfRecords, rep, which));
      }
    }
  } finally {
    await Promise.all([...gateways.values()].map((g) => g.process.stop()));
  }
  // What batch compression saves on the broker's disk (and so on the network): log bytes per record.
  const logBytes: Record<string, number> = {};
  for (const [variant, gateway] of gateways) logBytes[variant] = await logBytesPerRecord(ctx, gateway.topic);
  return { rows: gatewayRows(samples, { processes, connections, recordBytes, logBytes }), samples, summary: { recordBytes, processes, connections, seconds, perfRecords, logBytes } };
}

/**
 * One autocannon run, with where the gateway's time went: its CPU over the run (a share of one core)
 * and the mean time a request waited for Kafka's acknowledgement (pa_gateway_produce_seconds).
 */
async function measureGateway(ctx: BenchContext, gateway: BenchGateway, bodies: string[], rep: number, processes: number, measurement = 'gateway'): Promise<Sample> {
  const { seconds, connections } = ctx.options.gateway;
  const before = await gatewayCounters(gateway);
  const load = await loadGateway(gateway.url, bodies, seconds, connections);
  const after = await gatewayCounters(gateway);
  const profile = {
    gatewayCpuShare: (after.cpu - before.cpu) / load.seconds,
    produceMeanMs: ((after.produceSeconds - before.produceSeconds) / (after.produces - before.produces)) * 1000,
  };
  ctx.progress.step(
    `  ${measurement}: ${formatNumber(load.acceptedPerSecond)} snapshots/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, ${load.rejected} non-2xx; ` +
      `${formatNumber(profile.gatewayCpuShare * 100)}% of a core, ${formatNumber(profile.produceMeanMs)} ms mean wait for Kafka's ack`,
  );
  return { measurement, rep, value: load.acceptedPerSecond, unit: 'snapshots/s', detail: { ...load, ...profile, rowsPerSecond: load.acceptedPerSecond * processes, cpuMsPerSnapshot: (profile.gatewayCpuShare * 1000) / load.acceptedPerSecond } };
}

/**
 * The same gateway with transport security off: plain HTTP, and plaintext Kafka on the bench
 * broker's extra listener (no TLS, no SCRAM; its anonymous client is a super user, so ACLs are not
 * consulted). Undefined when the stack has no such listener (KAFKA_PLAINTEXT_BROKERS unset).
 */
async function startPlainGateway(ctx: BenchContext): Promise<BenchGateway | undefined> {
  if (!ctx.env.plaintextBrokers) return undefined;
  const topic = `proc.snapshots.bench.gateway-plain.${ctx.runId}`;
  const env = { KAFKA_BROKERS: ctx.env.plaintextBrokers.join(','), KAFKA_SECURITY: 'plaintext', HTTP_PLAIN: 'true' };
  return startGateway(ctx, topic, 'gateway-load-plain', env);
}

async function gatewayCounters(gateway: BenchGateway): Promise<{ cpu: number; produceSeconds: number; produces: number }> {
  const page = await fetch(`${gateway.url}/metrics`, { headers: benchAuthHeaders() }).then((r) => r.text());
  return {
    cpu: processCpuSeconds(gateway.process.pid),
    produceSeconds: metricSum(page, 'pa_gateway_produce_seconds_sum'),
    produces: metricSum(page, 'pa_gateway_produce_seconds_count'),
  };
}

/** The bytes of `topic`'s log segments in the bench broker's data directory over the records it holds. */
async function logBytesPerRecord(ctx: BenchContext, topic: string): Promise<number> {
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const records = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    const dataDir = join(ctx.env.stateDir, 'kafka', 'data');
    const partitionDirs = readdirSync(dataDir).filter((name) => name.startsWith(`${topic}-`) && /^\d+$/.test(name.slice(topic.length + 1)));
    const bytes = partitionDirs.flatMap((dir) => readdirSync(join(dataDir, dir)).filter((f) => f.endsWith('.log')).map((f) => statSync(join(dataDir, dir, f)).size));
    return bytes.reduce((a, b) => a + b, 0) / records;
  } finally {
    await admin.disconnect();
  }
}

/** ProducerPerformance as `measurement` says: 'producer-perf' uncompressed, 'producer-perf-zstd' with zstd batches. */
async function measureBroker(ctx: BenchContext, topic: string, payloadFile: string, records: number, rep: number, measurement: string): Promise<Sample> {
  const compression = measurement === 'producer-perf-zstd' ? 'zstd' : 'none';
  const load = await producerPerformance(ctx.env.kafkaLibDir, ctx.env.brokers, topic, payloadFile, records, ctx.env.stateDir, compression);
  ctx.progress.step(`  ProducerPerformance (${compression}): ${formatNumber(load.recordsPerSecond)} records/s (${load.megabytesPerSecond} MB/s)`);
  return { measurement, rep, value: load.recordsPerSecond, unit: 'records/s', detail: { ...load } };
}
