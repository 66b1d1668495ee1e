/**
 * The writer's ingest pause per shard: at each commit on a shard, how long that shard went
 * without a commit while snapshots for it were waiting (since its previous commit, or since
 * input for it began waiting, whichever is later). Idle time without input is no pause. A fence
 * wait, a rewrite after a fence refusal, a ledger row locked by a move's copy, a parked outage:
 * each shows as a longer gap. Issue 12's target for a move is under 2 s. Pure: the caller says
 * when input begins and ends waiting and when a commit lands; `now` is injected for tests.
 */
export class IngestPauseMeter {
  private readonly waiting = new Map<number, number>();
  private readonly since = new Map<number, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Snapshots for `shard` are waiting to be written (a write begins, or they are parked). */
  begin(shard: number): void {
    const count = this.waiting.get(shard) ?? 0;
    if (count === 0) this.since.set(shard, this.now());
    this.waiting.set(shard, count + 1);
  }

  /** What `begin` announced is written or handed on; call once per `begin`. */
  end(shard: number): void {
    const count = (this.waiting.get(shard) ?? 0) - 1;
    if (count > 0) this.waiting.set(shard, count);
    else this.waiting.delete(shard);
  }

  /** A transaction on `shard` committed; returns the pause it ended, ms. */
  committed(shard: number): number {
    const now = this.now();
    const pause = now - (this.since.get(shard) ?? now);
    this.since.set(shard, now);
    return pause;
  }
}
