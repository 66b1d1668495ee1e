// `npm run migrate`: applies libs/pg-shards/sql/*.sql to every shard named by PG_SHARDS.
import { loadShardsConfig } from '@pa/config';
import { defaultMigrationsDir, migrateShard, readMigrations } from './migrations';
import { ShardPools } from './shard-pools';

async function main(): Promise<void> {
  const config = loadShardsConfig(process.env);
  const migrations = readMigrations(defaultMigrationsDir());
  const pools = new ShardPools({
    ...config.shards,
    poolSize: 1,
    applicationName: 'pa-migrate',
    onError: (shard, error) => console.error(`shard ${shard}: ${error.message}`),
  });
  try {
    const results = await Promise.allSettled(
      config.shards.urls.map(async (url, shard) => {
        const result = await migrateShard(pools.pool(shard), migrations);
        const what = result.applied.length ? `applied ${result.applied.join(', ')}` : 'up to date';
        console.log(`migrate: shard ${shard} (${redact(url)}): ${what}`);
      }),
    );
    const failed = results.flatMap((r, shard) => (r.status === 'rejected' ? [`shard ${shard}: ${r.reason}`] : []));
    if (failed.length) throw new Error(failed.join('\n'));
  } finally {
    await pools.end();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

main().catch((error: unknown) => {
  console.error(`migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
