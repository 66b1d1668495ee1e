import { Pool } from 'pg';
import { ShardRouter } from '@pa/pg-shards';
import { sleep } from '../support/app-process';
import { AcceptedSnapshot } from './steady-load';

/** When an accepted snapshot became visible: its rows, and the 1-minute rollup holding it. */
export interface Sighting {
  snapshot: AcceptedSnapshot;
  rowsAtMs?: number;
  rollupAtMs?: number;
}

const POLL_MS = 50;

// The ledger row commits with the process rows (one transaction), so it stands for all of them.
const VISIBLE = `
  SELECT machine_id, (extract(epoch FROM ts) * 1000)::bigint AS ts_ms FROM snapshots
  WHERE (machine_id, ts) IN (SELECT m, timestamptz 'epoch' + t * interval '1 millisecond' FROM unnest($1::text[], $2::bigint[]) AS u(m, t))`;
const ROLLED_UP = `
  SELECT machine_id, (extract(epoch FROM bucket) * 1000)::bigint AS bucket_ms, snapshots FROM machine_rollup_1m
  WHERE (machine_id, bucket) IN (SELECT m, timestamptz 'epoch' + b * interval '1 millisecond' FROM unnest($1::text[], $2::bigint[]) AS u(m, b))`;

/**
 * Polls the shards every 50 ms for the snapshots still unseen. A sighting is stamped with the time the
 * query was sent: PostgreSQL reads a snapshot taken at statement start, so the row was visible then
 * (an upper bound at most one poll late). A rollup counts as current for a snapshot once its minute
 * bucket counts as many snapshots of that machine as had been accepted up to and including it.
 */
export class VisibilityWatcher {
  readonly sightings: Sighting[] = [];
  private isStopped = false;
  private loop: Promise<void> | undefined;

  /**
   * `router` says where each machine's rows are; 'any shard' looks on every node (a bucket move
   * changes the owner mid-run) and takes the first node that shows them.
   */
  constructor(private readonly pools: Pool[], private readonly router: ShardRouter | 'any shard') {}

  add(snapshot: AcceptedSnapshot): void {
    this.sightings.push({ snapshot });
  }

  start(): void {
    this.loop = (async () => {
      while (!this.isStopped) {
        await this.pollOnce();
        await sleep(POLL_MS);
      }
    })();
  }

  /** Stops once every sighting is complete or `timeoutMs` has passed; returns how many stayed incomplete. */
  async finish(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending().length && Date.now() < deadline) await sleep(POLL_MS);
    this.isStopped = true;
    await this.loop;
    return this.pending().length;
  }

  private pending(): Sighting[] {
    return this.sightings.filter((s) => s.rollupAtMs === undefined);
  }

  private async pollOnce(): Promise<void> {
    const pending = this.pending();
    await Promise.all(
      this.pools.map(async (pool, shard) => {
        const { router } = this;
        const mine = router === 'any shard' ? pending : pending.filter((s) => router.shardOf(s.snapshot.machineId) === shard);
        await this.checkRows(pool, mine.filter((s) => s.rowsAtMs === undefined));
        await this.checkRollups(pool, mine.filter((s) => s.rowsAtMs !== undefined));
      }),
    );
  }

  private async checkRows(pool: Pool, unseen: Sighting[]): Promise<void> {
    if (!unseen.length) return;
    const askedAt = Date.now();
    const { rows } = await pool.query<{ machine_id: string; ts_ms: string }>(VISIBLE, [unseen.map((s) => s.snapshot.machineId), unseen.map((s) => s.snapshot.tsMs)]);
    const seen = new Set(rows.map((r) => `${r.machine_id}|${r.ts_ms}`));
    for (const s of unseen) if (seen.has(`${s.snapshot.machineId}|${s.snapshot.tsMs}`)) s.rowsAtMs ??= askedAt;
  }

  private async checkRollups(pool: Pool, visible: Sighting[]): Promise<void> {
    if (!visible.length) return;
    const askedAt = Date.now();
    const bucketOf = (s: Sighting) => s.snapshot.tsMs - (s.snapshot.tsMs % 60_000);
    const { rows } = await pool.query<{ machine_id: string; bucket_ms: string; snapshots: number }>(ROLLED_UP, [
      visible.map((s) => s.snapshot.machineId),
      visible.map(bucketOf),
    ]);
    const counted = new Map(rows.map((r) => [`${r.machine_id}|${r.bucket_ms}`, r.snapshots]));
    for (const s of visible) {
      if ((counted.get(`${s.snapshot.machineId}|${bucketOf(s)}`) ?? 0) >= s.snapshot.nthInMinute) s.rollupAtMs ??= askedAt;
    }
  }
}
