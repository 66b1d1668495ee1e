import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessSnapshot } from '@pa/contracts';
import { LogSink, messageOf } from '@pa/kafka';
import { DeliveryStats, SnapshotSink } from './snapshot-sink';
import { BackoffOptions, retryDelayMs } from './retry-delay';

/** How long close() waits for in-flight deliveries once it has given up, ms. */
const ABANDON_GRACE_MS = 2_000;

/** A snapshot serialized once at enqueue, so retries resend the very same bytes. */
export interface QueuedSnapshot {
  machineId: string;
  json: string;
  bytes: number;
  rows: number;
}

/** What one delivery attempt of a chunk came to. */
export type DeliveryOutcome =
  | { kind: 'delivered' }
  /** worth trying again later (503, connection refused, timeout, Kafka down) */
  | { kind: 'retry'; reason: string; cause?: unknown; retryAfterMs?: number }
  /** refused for what it is (400): trying again cannot help */
  | { kind: 'rejected'; reason: string; details?: unknown }
  /** too large as a whole (413): try the halves */
  | { kind: 'split'; reason: string };

/** Sends one chunk once; must turn expected failures into outcomes and honour `signal` (shutdown). */
export type DeliverChunk = (chunk: QueuedSnapshot[], signal: AbortSignal) => Promise<DeliveryOutcome>;

export interface DeliveryOptions extends BackoffOptions {
  /** snapshots per chunk at most */
  chunkSnapshots: number;
  /** serialized bytes per chunk at most (a single larger snapshot still goes alone) */
  maxChunkBytes: number;
  /** chunks in flight at once */
  concurrency: number;
  /** snapshots buffered (waiting + in flight) before send() waits */
  bufferSnapshots: number;
}

/**
 * The buffer behind both sinks: chunks snapshots, delivers them with `concurrency` workers,
 * retries with backoff until they are acknowledged, and drops nothing silently — a refused chunk
 * is logged, and whatever is still here when close() gives up is counted and reported.
 */
export class DeliveryQueue implements SnapshotSink {
  private readonly pending: QueuedSnapshot[] = [];
  private inFlight = 0;
  private isClosing = false;
  private readonly stopping = new AbortController();
  private waiters: (() => void)[] = [];
  private readonly workers: Promise<void>[];
  private readonly counters = { snapshotsSent: 0, rowsSent: 0, snapshotsRejected: 0, failedAttempts: 0, snapshotsUnsent: 0 };

  constructor(
    private readonly deliver: DeliverChunk,
    private readonly options: DeliveryOptions,
    private readonly logger: LogSink,
    private readonly random: () => number = Math.random,
  ) {
    this.workers = Array.from({ length: options.concurrency }, () => this.work());
  }

  async send(snapshots: ProcessSnapshot[], stop?: AbortSignal): Promise<void> {
    if (this.isClosing) throw new Error('sink is closed');
    while (this.size > 0 && this.size + snapshots.length > this.options.bufferSnapshots && !stop?.aborted) {
      if (this.stopping.signal.aborted) break;
      await this.changed(stop);
    }
    if (this.stopping.signal.aborted) {
      // close() has given up while we waited for room: these were never sent, so count them.
      this.counters.snapshotsUnsent += snapshots.length;
      return;
    }
    for (const s of snapshots) {
      const json = JSON.stringify(s);
      this.pending.push({ machineId: s.machine_id, json, bytes: Buffer.byteLength(json), rows: s.processes.length });
    }
    this.notify();
  }

  stats(): DeliveryStats {
    return { ...this.counters, buffered: this.size };
  }

  async close(giveUp: AbortSignal): Promise<DeliveryStats> {
    this.isClosing = true;
    while (this.size > 0 && !giveUp.aborted) await this.changed(giveUp);
    this.stopping.abort();
    this.notify();
    // fetch stops at the abort, but a kafkajs send cannot be aborted and may take its own retries'
    // time; past a short grace its chunk is counted as unsent (it may still land: at-least-once).
    const grace = sleep(ABANDON_GRACE_MS, false, { ref: false });
    const hasSettled = await Promise.race([Promise.all(this.workers).then(() => true), grace]);
    this.counters.snapshotsUnsent += this.pending.splice(0).length + (hasSettled ? 0 : this.inFlight);
    return { ...this.counters, buffered: 0 };
  }

  private get size(): number {
    return this.pending.length + this.inFlight;
  }

  private async work(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      const chunk = this.take();
      if (chunk.length === 0) {
        await this.changed();
        continue;
      }
      this.inFlight += chunk.length;
      await this.deliverUntilDone(chunk);
      this.inFlight -= chunk.length;
      this.notify();
    }
  }

  private take(): QueuedSnapshot[] {
    let count = 0;
    let bytes = 0;
    while (count < this.pending.length && count < this.options.chunkSnapshots) {
      bytes += this.pending[count].bytes;
      if (count > 0 && bytes > this.options.maxChunkBytes) break;
      count++;
    }
    return this.pending.splice(0, count);
  }

  private async deliverUntilDone(chunk: QueuedSnapshot[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopping.signal.aborted) {
        this.counters.snapshotsUnsent += chunk.length;
        return;
      }
      const outcome = await this.attempt(chunk);
      if (outcome.kind === 'delivered') {
        this.counters.snapshotsSent += chunk.length;
        this.counters.rowsSent += chunk.reduce((sum, s) => sum + s.rows, 0);
        return;
      }
      if (outcome.kind === 'split' && chunk.length > 1) {
        const half = Math.ceil(chunk.length / 2);
        await this.deliverUntilDone(chunk.slice(0, half));
        await this.deliverUntilDone(chunk.slice(half));
        return;
      }
      if (outcome.kind !== 'retry') {
        this.reject(chunk, outcome.reason, outcome.kind === 'rejected' ? outcome.details : undefined);
        return;
      }
      await this.backOff(attempt, chunk, outcome);
    }
  }

  private async attempt(chunk: QueuedSnapshot[]): Promise<DeliveryOutcome> {
    try {
      return await this.deliver(chunk, this.stopping.signal);
    } catch (error) {
      // DeliverChunk maps expected failures itself; anything thrown is unexpected, so it is
      // logged loudly, but the data is still kept and retried rather than lost.
      if (!this.stopping.signal.aborted) this.logger.error(`unexpected delivery failure: ${messageOf(error)}`, error);
      return { kind: 'retry', reason: messageOf(error) };
    }
  }

  private reject(chunk: QueuedSnapshot[], reason: string, details: unknown): void {
    this.counters.snapshotsRejected += chunk.length;
    const machines = [...new Set(chunk.map((s) => s.machineId))].slice(0, 5).join(', ');
    this.logger.error(`${chunk.length} snapshot(s) of ${machines} refused, not retried: ${reason}`, details ?? '');
  }

  private async backOff(attempt: number, chunk: QueuedSnapshot[], outcome: { reason: string; cause?: unknown; retryAfterMs?: number }) {
    if (this.stopping.signal.aborted) return;
    this.counters.failedAttempts++;
    const delay = retryDelayMs(attempt, this.options, this.random, outcome.retryAfterMs);
    this.logger.warn(`${chunk.length} snapshot(s) not delivered (attempt ${attempt + 1}): ${outcome.reason}; retrying in ${delay} ms`);
    await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }

  /** Resolves at the next change of the queue (or when `signal` aborts); callers re-check their condition. */
  private changed(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
