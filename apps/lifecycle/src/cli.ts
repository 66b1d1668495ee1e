// `npm run lifecycle -- run | status [--json] | restore --day D [--shard N]`: the operator's commands (README, "Data lifecycle").
import { Logger } from '@nestjs/common';
import { LifecycleConfig, loadLifecycleConfig } from '@pa/config';
import { ShardTopology, openServiceTopology } from '@pa/catalog';
import { UsageError, parseLifecycleCommand, usage } from './cli/lifecycle-command';
import { printStatus } from './cli/status-printer';
import { loadOrCreateArchiveKey } from './retention/archive-crypto';
import { dayArchive } from './retention/archive-store';
import { RestoreError, restoreDay } from './retention/day-restorer';
import { LIFECYCLE_LOCK_SQL, runShard } from './service/lifecycle-runner';
import { dayStatuses } from './status/day-status';

async function withClient<T>(topology: ShardTopology, shard: number, work: (client: import('pg').PoolClient) => Promise<T>): Promise<T> {
  const client = await topology.pools.pool(shard).connect();
  try {
    return await work(client);
  } finally {
    // Destroyed: a session that held the lifecycle lock gives it up with the connection.
    client.release(true);
  }
}

async function restore(topology: ShardTopology, config: LifecycleConfig, key: Buffer, day: string, only?: number): Promise<void> {
  const shards = only === undefined ? Array.from({ length: topology.pools.count }, (_, s) => s) : [only];
  let restored = 0;
  for (const shard of shards) {
    if (shard >= topology.pools.count) throw new UsageError(`--shard ${shard}: there are ${topology.pools.count} shards (0-${topology.pools.count - 1})`);
    const archive = dayArchive(config.retention.archiveDir, shard, day, key, config.retention.archiveRowGroupRows);
    await withClient(topology, shard, async (client) => {
      if (!(await client.query<{ locked: boolean }>(LIFECYCLE_LOCK_SQL)).rows[0].locked) throw new RestoreError(`shard ${shard}: another lifecycle instance is working on it; try again`);
      try {
        const r = await restoreDay(client, archive);
        console.log(`shard ${shard} ${day}: restored ${r.samples} samples and ${r.ledgerRows} ledger rows, verified`);
        restored++;
      } catch (error) {
        // Without --shard, a shard that never archived the day is not an error.
        if (only === undefined && error instanceof RestoreError && /no archive in/.test(error.message)) return console.log(`shard ${shard} ${day}: no archive`);
        throw error;
      }
    });
  }
  if (restored === 0) throw new RestoreError(`${day}: no shard has an archive of it`);
}

async function main(): Promise<void> {
  const command = parseLifecycleCommand(process.argv.slice(2));
  if (command.kind === 'help') return void console.log(usage());
  const config = loadLifecycleConfig(process.env);
  const key = loadOrCreateArchiveKey(config.retention.archiveKeyFile);
  const quiet = { log: () => undefined, warn: (m: string) => console.error(m) };
  const topology = await openServiceTopology(config.shards, { applicationName: 'pa-lifecycle', logger: quiet });
  try {
    const shards = Array.from({ length: topology.pools.count }, (_, shard) => shard);
    if (command.kind === 'restore') return await restore(topology, config, key, command.day, command.shard);
    if (command.kind === 'run') {
      for (const shard of shards) {
        const run = await runShard(shard, topology.pools.pool(shard), config, key, (line) => console.log(line));
        if (run.skipped) console.log(`shard ${shard}: skipped, ${run.skipped}`);
        else if (run.sealed.length === 0 && run.retention?.days.length === 0) console.log(`shard ${shard}: nothing due`);
      }
      return;
    }
    const statuses = [];
    for (const shard of shards) {
      statuses.push({ shard, days: await withClient(topology, shard, (client) => dayStatuses(client, config, (day) => dayArchive(config.retention.archiveDir, shard, day, key, config.retention.archiveRowGroupRows))) });
    }
    printStatus(statuses, command.json);
  } finally {
    await topology.close();
  }
}

main().catch((error: unknown) => {
  if (!(error instanceof UsageError || error instanceof RestoreError)) new Logger('lifecycle').error(error instanceof Error ? error.stack : String(error));
  console.error(`lifecycle: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
