import { snapshotOf } from '../data/fleet-generator';
import { sleep } from '../support/app-process';
import { benchAuthHeaders } from '../support/bench-key';

/** One snapshot the gateway accepted, and when (epoch ms, at the 202). */
export interface AcceptedSnapshot {
  machineId: string;
  tsMs: number;
  acceptedAtMs: number;
  /** how many snapshots of this machine were accepted in ts's minute, this one included */
  nthInMinute: number;
}

export interface SteadyLoadResult {
  accepted: AcceptedSnapshot[];
  rejected: number;
  /** request latencies to the 202, ms */
  latenciesMs: number[];
  achievedPerSecond: number;
}

const MAX_IN_FLIGHT = 256;

/**
 * Open-loop load: POSTs one snapshot (`processes` processes, stamped at send time) every 1/rate s
 * for `seconds` (or until `until` is aborted), round-robin over `machines` machines, whatever the
 * answers' pace (up to 256 at once); `onAccepted` hears of every 202 as it arrives.
 */
export async function steadyLoad(
  gatewayUrl: string,
  plan: { rate: number; seconds: number; machines: number; processes: number; prefix: string; until?: AbortSignal },
  onAccepted: (snapshot: AcceptedSnapshot) => void,
): Promise<SteadyLoadResult> {
  const { rate, seconds } = plan;
  const result: SteadyLoadResult = { accepted: [], rejected: 0, latenciesMs: [], achievedPerSecond: 0 };
  const perMinute = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const fleet = { machines: plan.machines, processes: plan.processes, prefix: plan.prefix, snapshots: 1, intervalMs: 10_000, startMs: Date.now() };
  const started = Date.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total && !plan.until?.aborted; i++) {
    const due = started + (i * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const snapshot = snapshotOf(fleet, i % plan.machines, 0, Date.now());
    const send = post(gatewayUrl, JSON.stringify(snapshot)).then(({ status, ms }) => {
      inFlight.delete(send);
      if (status !== 202) return void result.rejected++;
      const tsMs = Date.parse(snapshot.ts);
      const key = `${snapshot.machine_id}|${Math.floor(tsMs / 60_000)}`;
      const nthInMinute = (perMinute.get(key) ?? 0) + 1;
      perMinute.set(key, nthInMinute);
      result.latenciesMs.push(ms);
      const accepted = { machineId: snapshot.machine_id, tsMs, acceptedAtMs: Date.now(), nthInMinute };
      result.accepted.push(accepted);
      onAccepted(accepted);
    });
    inFlight.add(send);
  }
  await Promise.all(inFlight);
  result.achievedPerSecond = result.accepted.length / ((Date.now() - started) / 1000);
  return result;
}

/**
 * Closed-loop load with the same requests as steadyLoad (fresh snapshots, round-robin over
 * `machines`): `concurrency` senders, each posting its next snapshot as soon as the last is
 * answered, for `seconds`. Measures what the gateway takes with this client's costs; returns the 202s.
 */
export async function saturatingLoad(
  gatewayUrl: string,
  plan: { concurrency: number; seconds: number; machines: number; processes: number; prefix: string },
): Promise<{ accepted: number; rejected: number; seconds: number }> {
  const fleet = { machines: plan.machines, processes: plan.processes, prefix: plan.prefix, snapshots: 1, intervalMs: 10_000, startMs: Date.now() };
  const started = Date.now();
  const deadline = started + plan.seconds * 1000;
  let next = 0;
  let accepted = 0;
  let rejected = 0;
  const sender = async () => {
    while (Date.now() < deadline) {
      const snapshot = snapshotOf(fleet, next++ % plan.machines, 0, Date.now());
      const { status } = await post(gatewayUrl, JSON.stringify(snapshot));
      if (status === 202) accepted++;
      else rejected++;
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, sender));
  return { accepted, rejected, seconds: (Date.now() - started) / 1000 };
}

async function post(gatewayUrl: string, body: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  try {
    const response = await fetch(`${gatewayUrl}/v1/snapshots`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...benchAuthHeaders() } });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started };
  } catch {
    return { status: 0, ms: performance.now() - started };
  }
}
