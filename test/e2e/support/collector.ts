import { ServiceProcess } from '@pa/testing';

export interface SimulatedFleetOptions {
  /** machine ids are prefix + 0001, 0002, … */
  prefix: string;
  machines: number;
  processes: number;
  intervalMs: number;
  seed: string;
}

/**
 * The real collector, `collector simulate` in real time, POSTing to `gatewayUrl` with its own
 * retries (Retry-After honoured up to COLLECTOR_RETRY_MAX_MS). Stop it with SIGTERM: it stops
 * ticking, flushes, and exits 0 only if nothing was left unsent.
 */
export function startSimulatedCollector(gatewayUrl: string, fleet: SimulatedFleetOptions, env: Record<string, string> = {}): ServiceProcess {
  const args = ['simulate', '--machines', String(fleet.machines), '--processes', String(fleet.processes)];
  args.push('--interval', `${fleet.intervalMs}ms`, '--prefix', fleet.prefix, '--seed', fleet.seed);
  return new ServiceProcess(
    'collector',
    {
      GATEWAY_URL: gatewayUrl,
      COLLECTOR_PROGRESS_INTERVAL_MS: '1000',
      COLLECTOR_FLUSH_TIMEOUT_MS: '60000',
      OTEL_SDK_DISABLED: 'true',
      NO_COLOR: '1',
      ...env,
    },
    args,
  ).start();
}

export interface CollectorProgress {
  ticks: number;
  skipped: number;
  sent: number;
  retried: number;
  rejected: number;
  unsent: number;
}

/** The last progress line of a collector's log ("ticks 40, sent 400 snapshots / … errors 3 retried, 0 rejected, …"). */
export function lastProgress(log: string): CollectorProgress | undefined {
  const lines = [...log.matchAll(/ticks (\d+)(?: \((\d+) skipped\))?, sent (\d+) snapshots[^\n]*?errors (\d+) retried, (\d+) rejected[^\n]*/g)];
  const last = lines.at(-1);
  if (!last) return undefined;
  const unsent = /UNSENT (\d+)/.exec(last[0]);
  return {
    ticks: Number(last[1]),
    skipped: Number(last[2] ?? 0),
    sent: Number(last[3]),
    retried: Number(last[4]),
    rejected: Number(last[5]),
    unsent: unsent ? Number(unsent[1]) : 0,
  };
}
