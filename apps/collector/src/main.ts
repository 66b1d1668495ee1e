// Before anything loads kafkajs: its record batches get the native CRC32C (libs/kafka/src/native-crc32c.ts).
import '@pa/kafka';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { ConfigError, CollectorConfig, loadCollectorConfig } from '@pa/config';
import { DEFAULT_RETENTION_MS } from '@pa/contracts';
import { CollectorCommand, USAGE, UsageError, parseCommandLine } from './cli/command-line';
import { formatDuration } from './cli/duration';
import { resolveMachineId } from './procfs/machine-id';
import { ProgressReporter } from './run/progress-reporter';
import { trapShutdownSignals } from './run/shutdown-signals';
import { PreparedSource, openProcfsSource, simulatedSource } from './run/snapshot-sources';
import { TickCounts, runTicks } from './run/tick-loop';
import { createSink } from './sinks/create-sink';
import { DeliveryStats } from './sinks/snapshot-sink';

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

type RunCommand = Exclude<CollectorCommand, { kind: 'help' }>;

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let command: CollectorCommand;
  try {
    command = parseCommandLine(argv, Date.now());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`collector: ${error.message}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  const config = loadCollectorConfig(env);
  if (config.logJson) Logger.overrideLogger(new ConsoleLogger({ json: true }));
  return run(command, config, new Logger('Collector'));
}

async function run(command: RunCommand, config: Readonly<CollectorConfig>, logger: Logger): Promise<number> {
  const signals = trapShutdownSignals(config.delivery.flushTimeoutMs, logger);
  const source = await openSource(command, config, logger);
  const { sink, target } = createSink(config, command.useKafka);
  const counts: TickCounts = { ticks: 0, skipped: 0 };
  const progress = new ProgressReporter(sink, counts, logger);
  logger.log(`${describe(command)} → ${target}`);
  progress.start(config.progressIntervalMs);
  let stats: DeliveryStats | undefined;
  try {
    const plan = { intervalMs: command.intervalMs, maxTicks: command.maxTicks, notBeforeMs: source.notBeforeMs };
    await runTicks(source.next, sink, command.kind === 'simulate' ? { ...plan, startMs: command.startMs } : plan, signals.stop, counts);
  } finally {
    // Without a signal this flushes for as long as it takes (retrying, logging); a signal bounds it.
    stats = await sink.close(signals.giveUp);
    progress.stop();
    progress.report(stats);
  }
  if (stats.snapshotsUnsent === 0) return EXIT_OK;
  logger.error(`gave up with ${stats.snapshotsUnsent} snapshot(s) unsent`);
  return EXIT_FAILURE;
}

async function openSource(command: RunCommand, config: Readonly<CollectorConfig>, logger: Logger): Promise<PreparedSource> {
  if (command.kind === 'sample') return openProcfsSource(resolveMachineId(config.machineId), command.intervalMs);
  const { machines, processes, seed, prefix, startMs } = command;
  if (startMs !== undefined && startMs < Date.now() - DEFAULT_RETENTION_MS) {
    logger.warn('--start is older than the default raw retention (RETENTION_DAYS, 30 days): the gateway will refuse those snapshots');
  }
  return simulatedSource({ machines, processes, seed, prefix });
}

function describe(command: RunCommand): string {
  const every = `every ${formatDuration(command.intervalMs)}`;
  const limit = command.maxTicks === undefined ? '' : `, ${command.maxTicks} tick(s)`;
  if (command.kind === 'sample') return `sampling /proc ${every}${limit}`;
  const from = command.startMs === undefined ? '' : `, back-filling from ${new Date(command.startMs).toISOString()}`;
  return `simulating ${command.machines} machines × ${command.processes} processes ${every}${limit}${from} (seed ${command.seed})`;
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A configuration error lists every bad variable in its message; a stack adds nothing.
    if (error instanceof ConfigError) process.stderr.write(`collector: ${error.message}\n`);
    else new Logger('Collector').error('collector failed', error);
    process.exit(EXIT_FAILURE);
  },
);
