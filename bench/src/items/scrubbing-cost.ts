import { CommandLineScrubber, ProcessSnapshot, createCommandLineScrubber } from '@pa/contracts';
import { loadGateway } from '../measure/gateway-load';
import { processCpuSeconds } from '../measure/load-profile';
import { formatNumber } from '../support/progress';
import { rotate } from '../support/stats';
import { BenchContext, ItemResult, Sample } from './bench-context';
import { BenchGateway, snapshotBodies, startGateway } from './gateway-vs-broker';
import { scrubbingCostRows } from './scrubbing-cost.rows';

const MODES = ['off', 'on'] as const;
type Mode = (typeof MODES)[number];
const BODY_SETS = ['clean', 'secrets'] as const;
type BodySet = (typeof BODY_SETS)[number];
/** One process in this many carries a secret in the `secrets` bodies (the re-encoding path). */
const SECRET_EVERY = 10;
/** CPU seconds spent scrubbing for the per-line figure */
const MICRO_SECONDS = 2;

/**
 * Item 9: what scrubbing command lines costs ingest. Item 4's load through a gateway with
 * SCRUB_COMMAND_LINES=off and one with it on, each with the bench fleet's command lines (no
 * secret: every line is checked, nothing re-encoded) and with 1 process in 10 carrying a secret
 * (those snapshots are re-encoded). Rounds interleaved; ratios on/off taken within each round.
 * Also the scrubber alone, in this process: nanoseconds per command line.
 */
export async function runScrubbingCost(ctx: BenchContext): Promise<ItemResult> {
  const processes = ctx.options.fleet.processes;
  const bodies: Record<BodySet, string[]> = {
    clean: snapshotBodies(64, processes, 'bench-scrub-'),
    secrets: snapshotBodies(64, processes, 'bench-scrub-s-').map(withPlantedSecrets),
  };
  const micro = measureScrubber(bodies);
  ctx.progress.step(`item 11 · scrubber alone: ${formatNumber(micro.cleanNs)} ns per clean command line, ${formatNumber(micro.secretNs)} ns per one with a secret`);
  const samples = await gatewayRounds(ctx, bodies);
  return { rows: scrubbingCostRows(samples, { ...micro, processes, secretEvery: SECRET_EVERY }), samples, summary: { ...micro, processes, secretEvery: SECRET_EVERY } };
}

async function gatewayRounds(ctx: BenchContext, bodies: Record<BodySet, string[]>): Promise<Sample[]> {
  const { seconds, connections } = ctx.options.gateway;
  const gateways: Record<Mode, BenchGateway> = {
    off: await startGateway(ctx, `proc.snapshots.bench.scrub.off.${ctx.runId}`, 'gateway-scrub-off', { SCRUB_COMMAND_LINES: 'off' }),
    on: await startGateway(ctx, `proc.snapshots.bench.scrub.on.${ctx.runId}`, 'gateway-scrub-on', { SCRUB_COMMAND_LINES: 'on' }),
  };
  const samples: Sample[] = [];
  try {
    for (const mode of MODES) await loadGateway(gateways[mode].url, bodies.clean, Math.min(3, seconds), connections); // warm-up
    for (let rep = 0; rep < ctx.options.reps; rep++) {
      for (const set of BODY_SETS) {
        for (const mode of rotate(MODES, rep)) {
          ctx.progress.step(`item 11 · round ${rep + 1}/${ctx.options.reps} · gateway, scrubbing ${mode}, ${set} command lines`);
          const { pid } = gateways[mode].process;
          const cpuBefore = processCpuSeconds(pid);
          const load = await loadGateway(gateways[mode].url, bodies[set], seconds, connections);
          const cpuShare = (processCpuSeconds(pid) - cpuBefore) / load.seconds;
          ctx.progress.step(`  ${formatNumber(load.acceptedPerSecond)} snapshots/s, p50 ${load.p50Ms} ms, ${formatNumber(cpuShare * 100)}% of a core`);
          samples.push({ measurement: `gateway-${mode}-${set}`, rep, value: load.acceptedPerSecond, unit: 'snapshots/s', detail: { ...load, cpuShare } });
          // CPU per snapshot moves less than throughput when other work shares the cores.
          samples.push({ measurement: `gateway-cpu-${mode}-${set}`, rep, value: (cpuShare / load.acceptedPerSecond) * 1e6, unit: 'µs CPU/snapshot', detail: {} });
        }
      }
    }
  } finally {
    await Promise.all(MODES.map((mode) => gateways[mode].process.stop()));
  }
  return samples;
}

/** The body with every SECRET_EVERY-th process's command line given a password argument. */
export function withPlantedSecrets(body: string): string {
  const snapshot = JSON.parse(body) as ProcessSnapshot;
  snapshot.processes.forEach((p, i) => {
    if (i % SECRET_EVERY === 0) p.cmdline = `${p.cmdline ?? ''} --password=bench-secret-${i}`;
  });
  return JSON.stringify(snapshot);
}

/** ns per command line of the default scrubber over the bodies' command lines, clean and with secrets. */
export function measureScrubber(bodies: Record<BodySet, string[]>): { cleanNs: number; secretNs: number } {
  const scrub = createCommandLineScrubber();
  const all = bodies.secrets.flatMap((b) => (JSON.parse(b) as ProcessSnapshot).processes.map((p) => p.cmdline ?? ''));
  const clean = bodies.clean.flatMap((b) => (JSON.parse(b) as ProcessSnapshot).processes.map((p) => p.cmdline ?? ''));
  const secret = all.filter((line) => scrub(line) !== line);
  return { cleanNs: nsPerLine(scrub, clean), secretNs: nsPerLine(scrub, secret) };
}

/** CPU time (not wall time: the box is shared) per line, over about MICRO_SECONDS of CPU. */
function nsPerLine(scrub: CommandLineScrubber, lines: string[]): number {
  let sink = 0;
  for (let i = 0; i < 20; i++) for (const line of lines) sink += scrub(line).length; // warm-up: the JIT sees every shape first
  let done = 0;
  const start = process.cpuUsage();
  const cpuMicros = () => {
    const used = process.cpuUsage(start);
    return used.user + used.system;
  };
  while (cpuMicros() < MICRO_SECONDS * 1e6) {
    for (const line of lines) sink += scrub(line).length;
    done += lines.length;
  }
  // `sink` keeps the calls from being optimised away.
  return sink > 0 ? (cpuMicros() * 1000) / done : Number.NaN;
}
