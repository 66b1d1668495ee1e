import { DayStatus } from '../status/day-status';

export interface ShardStatus {
  shard: number;
  days: DayStatus[];
}

const MIB = 1024 * 1024;

/** One line per shard and day; `--json`: the same as one JSON document. */
export function printStatus(shards: ShardStatus[], json: boolean): void {
  if (json) return void console.log(JSON.stringify({ shards }, null, 2));
  console.log('shard  day         form             sealed  heap rows   heap MiB  comp rows  segments  comp MiB  last step');
  for (const { shard, days } of shards) {
    for (const d of days) {
      const step = d.lastStep ? `${d.lastStep.status}${d.lastStep.detail ? `: ${d.lastStep.detail}` : ''}` : '';
      console.log(
        [String(shard).padEnd(5), d.day, d.form.padEnd(16), (d.isSealed ? 'yes' : 'no').padEnd(6), String(d.heapRows).padStart(9),
          (d.heapBytes / MIB).toFixed(2).padStart(10), String(d.compressedRows).padStart(10), String(d.segments).padStart(9),
          (d.compressedBytes / MIB).toFixed(2).padStart(9), step].join('  '),
      );
    }
  }
}
