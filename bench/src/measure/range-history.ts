import { Pool } from 'pg';
import { ValidSnapshot } from '@pa/contracts';
import { bucketOf, writeShardBatch } from '@pa/pg-shards';
import { machineIdOf, snapshotOf } from '../data/fleet-generator';

/** What fillRange stored: the machines (all in the range) and how many rows. */
export interface RangeHistory {
  machines: string[];
  snapshots: number;
  rows: number;
}

const SNAPSHOTS_PER_BATCH = 100;

/**
 * At least `rows` process rows of history on `node` (shard `shard` of map version 1), for machines
 * whose buckets lie in [from, to]: `processes` processes every 10 s, ending now, written by the
 * writer's own storage path (ledger, COPY, outbox), so the summarizer rolls them up as usual.
 */
export async function fillRange(
  node: Pool,
  target: { shard: number; from: number; to: number; rows: number; processes: number; prefix: string },
  onBatch: (stored: number) => void,
): Promise<RangeHistory> {
  const snapshotsPerMachine = 200;
  const count = Math.ceil(target.rows / (target.processes * snapshotsPerMachine));
  const machines = machinesInBuckets(target.prefix, target.from, target.to, count);
  const shape = { machines: 0, processes: target.processes, snapshots: snapshotsPerMachine, intervalMs: 10_000, startMs: Date.now() - snapshotsPerMachine * 10_000, prefix: target.prefix };
  let batch: ValidSnapshot[] = [];
  let stored = 0;
  const flush = async () => {
    if (!batch.length) return;
    await writeShardBatch(node, batch, target.shard, 1);
    stored += batch.length;
    batch = [];
    onBatch(stored * target.processes);
  };
  for (let tick = 0; tick < snapshotsPerMachine; tick++) {
    for (const [i, machineId] of machines.entries()) {
      const snapshot = { ...snapshotOf(shape, i, tick), machine_id: machineId };
      batch.push({ ...snapshot, tsMs: Date.parse(snapshot.ts) });
      if (batch.length === SNAPSHOTS_PER_BATCH) await flush();
    }
  }
  await flush();
  return { machines, snapshots: stored, rows: stored * target.processes };
}

/** The first `count` ids `prefix`00001… whose buckets lie in [from, to]. */
export function machinesInBuckets(prefix: string, from: number, to: number, count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) {
    const id = machineIdOf(prefix, i);
    const bucket = bucketOf(id);
    if (bucket >= from && bucket <= to) ids.push(id);
  }
  return ids;
}
