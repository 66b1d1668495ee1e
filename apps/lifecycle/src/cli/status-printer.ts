import { DayStatus } from '../status/day-status';

export interface ShardStatus {
  shard: number;
  days: DayStatus[];
}

const MIB = 1024 * 1024;

function stepText(d: DayStatus): string {
  const last = d.retentionStep ?? d.lastStep;
  if (!last) return '';
  const name = d.retentionStep ? `${d.retentionStep.step} ` : '';
  return `${name}${last.status}${last.detail && last.status === 'failed' ? `: ${last.detail}` : ''}`;
}

/** One line per shard and day (archive files under it); `--json`: the same as one JSON document. */
export function printStatus(shards: ShardStatus[], json: boolean): void {
  if (json) return void console.log(JSON.stringify({ shards }, null, 2));
  console.log('shard  day         form             sealed  heap rows   heap MiB  comp rows  segments  comp MiB  arch rows  arch MiB  last step');
  for (const { shard, days } of shards) {
    for (const d of days) {
      console.log(
        [String(shard).padEnd(5), d.day, d.form.padEnd(16), (d.isSealed ? 'yes' : 'no').padEnd(6), String(d.heapRows).padStart(9),
          (d.heapBytes / MIB).toFixed(2).padStart(10), String(d.compressedRows).padStart(10), String(d.segments).padStart(9),
          (d.compressedBytes / MIB).toFixed(2).padStart(9), String(d.archive?.samples ?? '').padStart(9),
          (d.archive ? (d.archive.bytes / MIB).toFixed(2) : '').padStart(8), stepText(d)].join('  '),
      );
      if (d.form === 'archived' && d.archive) console.log(`       archive: ${d.archive.problem ?? d.archive.files.join(', ')}`);
    }
  }
}
