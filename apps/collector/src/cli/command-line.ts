import { parseArgs } from 'node:util';
import { DurationError, parseDuration } from './duration';

export const USAGE = `Usage:
  collector [--once] [--interval 5s] [--ticks K] [--kafka]
      Samples this machine's /proc every interval and sends one snapshot per tick.
  collector simulate [--machines 200] [--processes 150] [--interval 10s] [--ticks K]
                     [--start 2026-11-28T00:00:00Z] [--seed 1] [--prefix sim-] [--kafka]
      Sends one snapshot per simulated machine per tick. With --start, ticks run from that
      instant up to now as fast as the sink accepts them (back-fill), then the run ends.

Options:
  --interval D   time between ticks: 500ms, 5s, 1m, 1m30s
  --once         one tick, then exit (same as --ticks 1)
  --ticks K      stop after K ticks
  --kafka        produce straight to Kafka (KAFKA_BROKERS) instead of POSTing to GATEWAY_URL
  --help         this text

Exit codes: 0 done, 1 runtime or configuration failure (or snapshots left unsent), 2 bad command line.`;

/** What the command line asks for, already validated. */
export type CollectorCommand =
  | { kind: 'help' }
  | { kind: 'sample'; intervalMs: number; maxTicks?: number; useKafka: boolean }
  | {
      kind: 'simulate';
      intervalMs: number;
      maxTicks?: number;
      useKafka: boolean;
      machines: number;
      processes: number;
      /** back-fill from this instant (epoch ms) instead of ticking in real time */
      startMs?: number;
      seed: string;
      prefix: string;
    };

/** A bad command line; main prints the message and the usage, then exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const OPTIONS = {
  help: { type: 'boolean' },
  once: { type: 'boolean' },
  kafka: { type: 'boolean' },
  interval: { type: 'string' },
  ticks: { type: 'string' },
  machines: { type: 'string' },
  processes: { type: 'string' },
  start: { type: 'string' },
  seed: { type: 'string' },
  prefix: { type: 'string' },
} as const;

const SIMULATE_ONLY = ['machines', 'processes', 'start', 'seed', 'prefix'] as const;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const MIN_INTERVAL_MS = 100;
const MAX_INTERVAL_MS = 86_400_000;

/** Parses `process.argv.slice(2)`. `nowMs` checks that --start lies in the past. Throws UsageError. */
export function parseCommandLine(argv: string[], nowMs: number): CollectorCommand {
  const { values, positionals } = readArgs(argv);
  if (values.help) return { kind: 'help' };
  if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== 'simulate')) {
    throw new UsageError(`unexpected argument "${positionals.at(-1)}" (the only subcommand is "simulate")`);
  }
  const isSimulate = positionals[0] === 'simulate';
  const common = {
    intervalMs: readInterval(values.interval, isSimulate ? 10_000 : 5_000),
    maxTicks: readTicks(values.once, values.ticks),
    useKafka: values.kafka ?? false,
  };
  if (!isSimulate) {
    const stray = SIMULATE_ONLY.find((name) => values[name] !== undefined);
    if (stray) throw new UsageError(`--${stray} only applies to "collector simulate"`);
    return { kind: 'sample', ...common };
  }
  return {
    kind: 'simulate',
    ...common,
    machines: readCount('--machines', values.machines, 200, 100_000),
    processes: readCount('--processes', values.processes, 150, 10_000),
    startMs: readStart(values.start, nowMs),
    seed: values.seed ?? '1',
    prefix: readPrefix(values.prefix ?? 'sim-'),
  };
}

function readArgs(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util explains unknown options and missing values well; keep its first sentence.
    throw new UsageError((error as Error).message.split('. ')[0]);
  }
}

function readInterval(text: string | undefined, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (error) {
    if (error instanceof DurationError) throw new UsageError(`--interval: ${error.message}`);
    throw error;
  }
  if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
    throw new UsageError(`--interval must be from ${MIN_INTERVAL_MS}ms to 24h, got ${text}`);
  }
  return ms;
}

function readTicks(once: boolean | undefined, ticks: string | undefined): number | undefined {
  if (once && ticks !== undefined) throw new UsageError('use either --once or --ticks, not both');
  if (once) return 1;
  return ticks === undefined ? undefined : readCount('--ticks', ticks, 0, Number.MAX_SAFE_INTEGER);
}

function readCount(flag: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got "${text}"`);
  }
  return value;
}

function readStart(text: string | undefined, nowMs: number): number | undefined {
  if (text === undefined) return undefined;
  const ms = RFC3339.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--start must be an RFC 3339 time with a zone, e.g. 2026-11-28T00:00:00Z, got "${text}"`);
  if (ms > nowMs) throw new UsageError(`--start ${text} is in the future; back-fill runs from --start up to now`);
  return ms;
}

function readPrefix(prefix: string): string {
  // The prefix plus a 4+ digit number must still be a valid machine_id (schema: [A-Za-z0-9._:-], ≤ 128).
  if (!/^[A-Za-z0-9._:-]{0,100}$/.test(prefix)) {
    throw new UsageError(`--prefix may hold only letters, digits and . _ : - (at most 100), got "${prefix}"`);
  }
  return prefix;
}
