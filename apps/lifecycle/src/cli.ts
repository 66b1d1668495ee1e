// `npm run lifecycle -- run | status [--json]`: the operator's commands (README, "Data lifecycle").
import { Logger } from '@nestjs/common';
import { loadLifecycleConfig } from '@pa/config';
import { openServiceTopology } from '@pa/catalog';
import { UsageError, parseLifecycleCommand, usage } from './cli/lifecycle-command';
import { printStatus } from './cli/status-printer';
import { runShard } from './service/lifecycle-runner';
import { dayStatuses } from './status/day-status';

async function main(): Promise<void> {
  const command = parseLifecycleCommand(process.argv.slice(2));
  if (command.kind === 'help') return void console.log(usage());
  const config = loadLifecycleConfig(process.env);
  const quiet = { log: () => undefined, warn: (m: string) => console.error(m) };
  const topology = await openServiceTopology(config.shards, { applicationName: 'pa-lifecycle', logger: quiet });
  try {
    const shards = Array.from({ length: topology.pools.count }, (_, shard) => shard);
    if (command.kind === 'run') {
      for (const shard of shards) {
        const run = await runShard(shard, topology.pools.pool(shard), config, (line) => console.log(line));
        if (run.skipped) console.log(`shard ${shard}: skipped, ${run.skipped}`);
        else if (run.sealed.length === 0) console.log(`shard ${shard}: nothing due`);
      }
      return;
    }
    const statuses = [];
    for (const shard of shards) {
      const client = await topology.pools.pool(shard).connect();
      try {
        statuses.push({ shard, days: await dayStatuses(client, config) });
      } finally {
        client.release();
      }
    }
    printStatus(statuses, command.json);
  } finally {
    await topology.close();
  }
}

main().catch((error: unknown) => {
  if (!(error instanceof UsageError)) new Logger('lifecycle').error(error instanceof Error ? error.stack : String(error));
  console.error(`lifecycle: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
