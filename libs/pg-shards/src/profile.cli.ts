// `npm run profile [-- --limit N] [-- --reset]`: the slowest statements across every shard in
// PG_SHARDS, merged (calls, mean, total, rows), from pg_stat_statements.
import { parseArgs } from 'node:util';
import { loadShardsConfig } from '@pa/config';
import { ShardPools } from './shard-pools';
import { slowestStatements } from './slow-statements';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { limit: { type: 'string', default: '15' }, reset: { type: 'boolean', default: false } } });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Error('--limit must be an integer from 1 to 500');
  const config = loadShardsConfig(process.env);
  const pools = new ShardPools({ ...config.shards, poolSize: 1, applicationName: 'pa-profile', onError: () => undefined });
  const all = Array.from({ length: pools.count }, (_, i) => pools.pool(i));
  try {
    if (values.reset) {
      await Promise.all(all.map((p) => p.query('SELECT pg_stat_statements_reset()')));
      console.log(`profile: statistics reset on ${all.length} shards`);
      return;
    }
    const stats = await slowestStatements(all, limit);
    console.log(`${'calls'.padStart(9)} ${'mean ms'.padStart(9)} ${'total ms'.padStart(11)} ${'rows'.padStart(10)}  shards  query`);
    for (const s of stats) {
      const query = s.query.length > 110 ? `${s.query.slice(0, 107)}...` : s.query;
      console.log(
        `${String(s.calls).padStart(9)} ${s.meanMs.toFixed(2).padStart(9)} ${s.totalMs.toFixed(0).padStart(11)} ${String(s.rows).padStart(10)}  ${s.shards.join(',').padEnd(6)}  ${query}`,
      );
    }
  } finally {
    await pools.end();
  }
}

main().catch((error: unknown) => {
  console.error(`profile failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
