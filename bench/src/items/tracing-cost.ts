import { randomBytes } from 'node:crypto';
import { Message } from 'kafkajs';
import { HEADER, deadLetterTopicOf } from '@pa/contracts';
import { generateSnapshots } from '../data/fleet-generator';
import { createTopic, fillTopic } from '../data/topic-filler';
import { loadGateway } from '../measure/gateway-load';
import { processCpuSeconds } from '../measure/load-profile';
import { SpanSink } from '../measure/span-sink';
import { drainWithWriter } from '../measure/writer-drain';
import { formatNumber } from '../support/progress';
import { rotate } from '../support/stats';
import { BenchContext, ItemResult, Sample } from './bench-context';
import { BenchGateway, snapshotBodies, startGateway } from './gateway-vs-broker';
import { startOfData } from './load-comparison';
import { tracingCostRows } from './tracing-cost.rows';

const MODES = ['off', 'on'] as const;
/** The gateway also with 1 request in 10 sampled, the standard sampler variables as a deployment would set them. */
const GATEWAY_MODES = [...MODES, 'sampled-10pct'] as const;
type GatewayMode = (typeof GATEWAY_MODES)[number];
/** Tracing off as deployed: the SDK is not started at all (libs/telemetry). */
const OFF_ENV = { OTEL_SDK_DISABLED: 'true' };
const RATIO_ENV = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };

/**
 * Item 7: what tracing costs ingest. The same load through a gateway with tracing off, one with
 * tracing on (every request sampled, the default parent-based always-on sampler, spans exported
 * as Zipkin JSON to a sink that discards them) and one sampling 1 request in 10; and the same pre-filled topic drained by the writer
 * with tracing off and on (every record carrying a sampled traceparent, as the gateway sends them):
 * the worst case, 100% sampling. Rounds interleaved; ratios on/off taken within each round.
 */
export async function runTracingCost(ctx: BenchContext): Promise<ItemResult> {
  const sink = await new SpanSink().start();
  try {
    const samples = [...(await gatewayRounds(ctx, sink)), ...(await writerRounds(ctx, sink))];
    const summary = { spanRequests: sink.requests, spanMegabytes: sink.bytes / 1e6, processes: ctx.options.fleet.processes };
    return { rows: tracingCostRows(samples, summary), samples, summary };
  } finally {
    await sink.stop();
  }
}

async function gatewayRounds(ctx: BenchContext, sink: SpanSink): Promise<Sample[]> {
  const { seconds, connections } = ctx.options.gateway;
  const bodies = snapshotBodies(64, ctx.options.fleet.processes, 'bench-trace-gw-');
  const gateways: Record<GatewayMode, BenchGateway> = {
    off: await startGateway(ctx, `proc.snapshots.bench.trace.off.${ctx.runId}`, 'gateway-trace-off', OFF_ENV),
    on: await startGateway(ctx, `proc.snapshots.bench.trace.on.${ctx.runId}`, 'gateway-trace-on', sink.exportEnv),
    'sampled-10pct': await startGateway(ctx, `proc.snapshots.bench.trace.ratio.${ctx.runId}`, 'gateway-trace-10pct', { ...sink.exportEnv, ...RATIO_ENV }),
  };
  const samples: Sample[] = [];
  try {
    for (const mode of GATEWAY_MODES) await loadGateway(gateways[mode].url, bodies, Math.min(3, seconds), connections); // warm-up
    for (let rep = 0; rep < ctx.options.reps; rep++) {
      for (const mode of rotate(GATEWAY_MODES, rep)) {
        ctx.progress.step(`item 7 · round ${rep + 1}/${ctx.options.reps} · gateway, tracing ${mode}`);
        const { pid } = gateways[mode].process;
        const cpuBefore = processCpuSeconds(pid);
        const load = await loadGateway(gateways[mode].url, bodies, seconds, connections);
        const cpuShare = (processCpuSeconds(pid) - cpuBefore) / load.seconds;
        ctx.progress.step(`  ${formatNumber(load.acceptedPerSecond)} snapshots/s, p50 ${load.p50Ms} ms, ${formatNumber(cpuShare * 100)}% of a core`);
        samples.push({ measurement: `gateway-${mode}`, rep, value: load.acceptedPerSecond, unit: 'snapshots/s', detail: { ...load, cpuShare } });
      }
    }
  } finally {
    await Promise.all(GATEWAY_MODES.map((mode) => gateways[mode].process.stop()));
  }
  return samples;
}

async function writerRounds(ctx: BenchContext, sink: SpanSink): Promise<Sample[]> {
  const { machines, processes, snapshots } = ctx.options.fleet;
  const shape = { machines, processes, snapshots, intervalMs: 10_000, startMs: startOfData(Date.now()), prefix: 'bench-trace-' };
  const topic = `proc.snapshots.bench.trace.writer.${ctx.runId}`;
  await createTopic(ctx.kafka, topic, 12);
  // the writer's dead-letter topic: its principal may not create it
  await createTopic(ctx.kafka, deadLetterTopicOf(topic), 1);
  ctx.progress.step(`item 7 · filling ${topic}: ${formatNumber(machines * snapshots)} snapshots, each with a sampled traceparent`);
  await fillTopic(ctx.kafka, topic, generateSnapshots(shape), undefined, withSampledTraceparent);
  const expectedRows = machines * processes * snapshots;
  const samples: Sample[] = [];
  for (let rep = 0; rep < ctx.options.reps; rep++) {
    for (const mode of rotate(MODES, rep)) {
      ctx.progress.step(`item 7 · round ${rep + 1}/${ctx.options.reps} · writer, tracing ${mode}`);
      const database = `bench_trace_${mode}`;
      const urls = await ctx.databases.create(database);
      await ctx.databases.checkpoint();
      try {
        const env = mode === 'off' ? OFF_ENV : sink.exportEnv;
        const groupId = `proc-writer-bench-trace-${mode}-${ctx.runId}-${rep}`;
        const drain = await drainWithWriter({ brokers: ctx.env.brokers, topic, groupId, shardUrls: urls, logDir: ctx.env.logDir, label: `writer-trace-${mode}-${rep}`, expectedRows, env });
        const stored = await ctx.databases.countSamples(database);
        if (stored !== expectedRows) throw new Error(`writer, tracing ${mode}: ${stored} rows stored, ${expectedRows} expected`);
        const rowsPerSecond = drain.rows / drain.seconds;
        ctx.progress.step(`  ${formatNumber(rowsPerSecond)} rows/s, writer at ${formatNumber((drain.drainCpuSeconds / drain.seconds) * 100)}% of a core`);
        samples.push({ measurement: `writer-${mode}`, rep, value: rowsPerSecond, unit: 'rows/s', detail: { ...drain } });
      } finally {
        await ctx.databases.drop(database);
      }
    }
  }
  return samples;
}

/** A record as the gateway publishes it when its request span is sampled. */
function withSampledTraceparent(message: Message): Message {
  const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
  return { ...message, headers: { ...message.headers, [HEADER.traceparent]: traceparent } };
}
