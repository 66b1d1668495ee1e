// `node dist/bench/src/scaling/simulate-routing.js [--machines 100000] [--from 2] [--to 6]`:
// replays the routing of a fleet's machine ids (bucketOf, the one routing function) and the
// rebalance plan (planRebalance, what `npm run shards -- rebalance` runs) for each node added,
// and prints the buckets and the share of machines and rows per node after each rebalance.
// Rows per machine vary (20 to 400 processes, seeded), as on a real fleet.
import { Move, mapForStep, planRebalance } from '@pa/catalog';
import { BUCKET_COUNT, ShardMap, bucketOf, evenShardMap } from '@pa/pg-shards';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

function main(): void {
  const machines = option('machines', 100_000);
  const [from, to] = [option('from', 2), option('to', 6)];
  const rows = new Array<number>(BUCKET_COUNT).fill(0);
  const count = new Array<number>(BUCKET_COUNT).fill(0);
  let seed = 42;
  for (let i = 0; i < machines; i++) {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    const bucket = bucketOf(`host-${String(i).padStart(6, '0')}`);
    rows[bucket] += 20 + (seed % 381);
    count[bucket]++;
  }
  console.log(`${machines} machines over ${BUCKET_COUNT} buckets: ${Math.min(...count)}–${Math.max(...count)} machines per bucket`);
  let map: ShardMap = evenShardMap(from);
  report(map, from, rows, count, 'even split');
  for (let nodes = from + 1; nodes <= to; nodes++) {
    const moves = planRebalance(map, nodes, rows);
    map = moves.reduce((m: ShardMap, move: Move) => ({ ...mapForStep(m, move, 'done'), version: m.version + 1 }), map);
    report(map, nodes, rows, count, `node ${nodes - 1} added, ${moves.length} moves`);
  }
}

function report(map: ShardMap, nodes: number, rows: number[], count: number[], what: string): void {
  const per = Array.from({ length: nodes }, () => ({ buckets: 0, machines: 0, rows: 0 }));
  for (const r of map.ranges) {
    for (let b = r.from; b <= r.to; b++) {
      per[r.shard].buckets++;
      per[r.shard].machines += count[b];
      per[r.shard].rows += rows[b];
    }
  }
  const total = rows.reduce((a, b) => a + b, 0);
  const shares = per.map((p) => (100 * p.rows) / total);
  const over = Math.max(0, (Math.max(...shares) * nodes) / 100 - 1) * 100;
  console.log(`\n${nodes} nodes (${what}); the fullest node holds ${over.toFixed(1)}% more rows than an even share`);
  console.log('node\tbuckets\tmachines\trows %');
  per.forEach((p, node) => console.log(`${node}\t${p.buckets}\t${p.machines}\t${shares[node].toFixed(1)}`));
}

main();
