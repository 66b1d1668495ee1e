import { Cluster } from '../cluster';
import { raiseFence } from './fence';
import { historySlices, machinesInRange } from './history-slices';
import { deleteMachines } from './machine-cleaner';
import { Move, MoveStep, assertMovable, mapForStep, nextStep } from './move-steps';
import { MoveRecord, finishMove, markStepDone, publishStep, recordMove, recordProgress, unfinishedMove } from './move.repository';
import { digestDifferences, digestMachines, sourceKeysMissing } from './range-verifier';
import { copySlice } from './slice-copier';
import { MoveProgress } from './move-progress';
import { CopyRateLimiter } from './copy-rate-limiter';

export interface MoverOptions {
  /** how long after publishing a map every service is sure to have it: a few times their CATALOG_POLL_MS */
  graceMs: number;
  /** most process rows per copy transaction on the target */
  sliceRows: number;
  /**
   * Average process rows per second the copy may read from the source (MOVE_COPY_ROWS_PER_SECOND,
   * `--rate`); undefined or 0 = as fast as the nodes go. Slices then hold about a second of rows.
   */
  copyRowsPerSecond?: number;
  /** how often a difference found by verification is looked at again before the move stops, and how long between */
  verifyAttempts: number;
  verifyPauseMs: number;
  log: (line: string) => void;
  /** stop (unfinished, resumable) once this step is done: moves run step by step by an operator */
  stopAfter?: MoveStep;
  /**
   * Called at each point where a mover may die (after a publish, after the fences, after each
   * copied slice, after a step): the fault tests throw from it to leave the catalog and the nodes
   * exactly as a killed mover would. Absent in production.
   */
  onPoint?: (point: MovePoint, step: MoveStep) => void;
}

export type MovePoint = 'published' | 'fenced' | 'slice-copied' | 'step-done';

/** Why a move stopped without finishing (verification kept failing); the move stays resumable or abortable. */
export class MoveHaltedError extends Error {}

/**
 * Runs bucket moves step by step (move-steps.ts), recording each step in the catalog with the
 * map it publishes, so a mover killed anywhere resumes where it was (`resume`) or rolls back
 * (`abort`). Every step's work is idempotent: copying is gated by the target's ledger, fences
 * only go up, deleting deletes what is left.
 */
export class Mover {
  constructor(
    private readonly cluster: Cluster,
    private readonly options: MoverOptions,
  ) {}

  /** Starts and runs a move of buckets [from, to] to node `target`; their current owner is the source. */
  async move(from: number, to: number, target: number): Promise<MoveRecord> {
    const { map, nodes } = await this.cluster.state();
    const source = map.ranges.find((r) => r.from <= from && from <= r.to)?.shard as number;
    const move: Move = { from, to, source, target };
    assertMovable(map, move, nodes.length);
    const record = await recordMove(this.cluster.catalog, move).catch((error: { code?: string }) => {
      if (error.code === '23505') throw new Error('another move is unfinished: `npm run shards -- move --resume` or `-- move --abort` it first');
      throw error;
    });
    this.options.log(`move ${record.moveId}: buckets ${from}-${to} from node ${source} to node ${target}`);
    return this.run(record);
  }

  /** Continues the unfinished move, if any. */
  async resume(): Promise<MoveRecord | undefined> {
    const record = await unfinishedMove(this.cluster.catalog);
    if (!record) return undefined;
    this.options.log(`move ${record.moveId}: resuming at ${record.step}${record.isStepDone ? ' (done)' : ''}`);
    return record.isAborted ? this.abortRecord(record) : this.run(record);
  }

  /** Rolls the unfinished move back: the source keeps the range, the target's copy is deleted. */
  async abort(): Promise<MoveRecord | undefined> {
    const record = await unfinishedMove(this.cluster.catalog);
    if (!record) return undefined;
    if (record.step === 'switch_writes' || record.step === 'done') throw new Error(`move ${record.moveId} has switched writes already: resume it instead`);
    await this.cluster.catalog.query('UPDATE bucket_moves SET is_aborted = true WHERE move_id = $1', [record.moveId]);
    return this.abortRecord({ ...record, isAborted: true });
  }

  private async run(record: MoveRecord): Promise<MoveRecord> {
    let step: MoveStep | undefined = record.step === 'planned' ? 'exclude' : record.isStepDone ? nextStep(record.step) : record.step;
    while (step) {
      if (record.step !== step) {
        await this.publish(record, step);
        this.options.onPoint?.('published', step);
      }
      await this.doStep(record, step);
      await markStepDone(this.cluster.catalog, record);
      this.options.onPoint?.('step-done', step);
      if (step === this.options.stopAfter && nextStep(step)) {
        this.options.log(`move ${record.moveId}: stopped after ${step}; continue with \`npm run shards -- move --resume\``);
        return record;
      }
      step = nextStep(step);
    }
    await finishMove(this.cluster.catalog, record, false, `moved ${record.snapshotsCopied} snapshots, ${record.rowsCopied} rows`);
    this.options.log(`move ${record.moveId}: done`);
    return record;
  }

  private async publish(record: MoveRecord, step: MoveStep): Promise<number> {
    const version = await publishStep(this.cluster.catalog, record, step);
    this.options.log(`move ${record.moveId}: ${step} (shard map version ${version})`);
    return version;
  }

  private async doStep(record: MoveRecord, step: MoveStep): Promise<void> {
    const { map } = await this.cluster.state();
    switch (step) {
      case 'exclude':
      case 'switch_reads':
        return this.pause(this.options.graceMs);
      case 'dual_write': {
        // Everything received before the fences is on the source only, until copied.
        const cutoff = await this.sourceNow(record);
        await this.fence(record, map.version);
        this.options.onPoint?.('fenced', step);
        await this.copyHistory(record);
        return this.verify(record, cutoff);
      }
      case 'switch_writes':
        await this.fence(record, map.version);
        this.options.onPoint?.('fenced', step);
        return this.cleanUp(record, record.source);
      case 'done':
        return undefined;
    }
  }

  /** Raises both nodes' fences to `version`: no write of an older map commits on them after this. */
  private async fence(record: MoveRecord, version: number): Promise<void> {
    const waited = await Promise.all([record.source, record.target].map(async (node) => raiseFence(await this.cluster.node(node), version)));
    this.options.log(`move ${record.moveId}: writers of map versions before ${version} fenced off (waited ${Math.max(...waited).toFixed(0)} ms for writes in flight)`);
  }

  private async copyHistory(record: MoveRecord): Promise<void> {
    const [source, target] = await Promise.all([this.cluster.node(record.source), this.cluster.node(record.target)]);
    const machines = await machinesInRange(source, record.from, record.to);
    const limiter = new CopyRateLimiter(this.options.copyRowsPerSecond);
    const slices = await historySlices(source, machines, limiter.sliceRows(this.options.sliceRows));
    const progress = new MoveProgress(record, slices, this.options.log, limiter.rowsPerSecond);
    for (const slice of slices) {
      const copied = await copySlice(source, target, slice);
      progress.add(slice, copied);
      await recordProgress(this.cluster.catalog, record, progress.snapshots, progress.rows);
      this.options.onPoint?.('slice-copied', 'dual_write');
      // Between slices, outside their transactions: what the source read counts, new on the target or not.
      await limiter.take(slice.rows);
    }
    progress.finish(machines.length);
  }

  private async sourceNow(record: MoveRecord): Promise<string> {
    const { rows } = await (await this.cluster.node(record.source)).query<{ now: string }>('SELECT now()::text AS now');
    return rows[0].now;
  }

  /**
   * Digests of the range on both nodes, per bucket and day, of what was received before `cutoff`,
   * until equal (a write that began before the fences may still be committing).
   */
  private async verify(record: MoveRecord, cutoff: string): Promise<void> {
    const [source, target] = await Promise.all([this.cluster.node(record.source), this.cluster.node(record.target)]);
    for (let attempt = 1; ; attempt++) {
      const machines = await machinesInRange(source, record.from, record.to);
      const differing = digestDifferences(await digestMachines(source, machines, cutoff), await digestMachines(target, machines, cutoff));
      const differences: string[] = [];
      for (const d of differing) {
        const missing = await sourceKeysMissing(source, target, d.key, cutoff);
        if (missing.length) differences.push(`${d.line}; ${missing.join('; ')}`);
      }
      if (differences.length === 0) {
        this.options.log(`move ${record.moveId}: verified ${machines.length} machines, per bucket and day (counts and checksums, every snapshot of the source on the target)`);
        return;
      }
      if (attempt >= this.options.verifyAttempts) {
        throw new MoveHaltedError(`move ${record.moveId}: ${differences.length} bucket-days differ after ${attempt} checks, e.g. ${differences[0]}; resume or abort the move`);
      }
      this.options.log(`move ${record.moveId}: ${differences.length} bucket-days differ (${differences[0]}); copying again`);
      await this.copyHistory(record);
      await this.pause(this.options.verifyPauseMs);
    }
  }

  private async cleanUp(record: MoveRecord, node: number): Promise<void> {
    const pool = await this.cluster.node(node);
    const machines = await machinesInRange(pool, record.from, record.to);
    let last = 0;
    const rows = await deleteMachines(pool, machines, (n) => {
      if (n - last >= 100_000) this.options.log(`move ${record.moveId}: ${n} rows deleted on node ${node}`);
      last = n - (n % 100_000);
    });
    this.options.log(`move ${record.moveId}: node ${node} cleaned up (${machines.length} machines, ${rows} rows)`);
  }

  /** Abort: the source owns the range alone (its reads never moved), the target's rows are left out, deleted, then forgotten. */
  private async abortRecord(record: MoveRecord): Promise<MoveRecord> {
    const { map } = await this.cluster.state();
    const back = mapForStep(map, record, 'exclude');
    const version = await publishStep(this.cluster.catalog, record, 'exclude', back);
    await this.fence(record, version);
    await this.cleanUp(record, record.target);
    const { map: after } = await this.cluster.state();
    await publishStep(this.cluster.catalog, record, 'exclude', { ranges: after.ranges, stale: (after.stale ?? []).filter((s) => !(s.shard === record.target && s.from === record.from)) });
    await finishMove(this.cluster.catalog, record, true, 'aborted: the source kept the buckets');
    this.options.log(`move ${record.moveId}: aborted; node ${record.source} kept buckets ${record.from}-${record.to}`);
    return record;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
