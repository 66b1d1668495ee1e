import { ClusterStatus } from '@pa/catalog';

/** The status as a table (or JSON): one line per node, then the move under way. */
export function printStatus(status: ClusterStatus, json: boolean): void {
  if (json) return void console.log(JSON.stringify(status, null, 2));
  console.log(`shard map version ${status.mapVersion}`);
  console.log(['node', 'address', 'buckets', 'machines', 'snapshots', 'rows', 'size', 'ranges'].join('\t'));
  for (const n of status.nodes) {
    const figures = n.isReachable ? [n.machines, n.snapshots, n.rows, mebibytes(n.bytes)] : ['-', '-', '-', 'unreachable'];
    console.log([n.nodeId, n.address, n.buckets, ...figures, n.ranges.join(' ') || '(none)'].join('\t'));
  }
  const m = status.move;
  if (m) {
    console.log(
      `move ${m.moveId} under way: buckets ${m.from}-${m.to} node ${m.source} → ${m.target}, step ${m.step}${m.isStepDone ? ' (done)' : ''}, ` +
        `${m.snapshotsCopied} snapshots / ${m.rowsCopied} rows copied${m.isAborted ? ', aborting' : ''}`,
    );
  }
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}
