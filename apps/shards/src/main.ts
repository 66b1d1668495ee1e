// `npm run shards -- <command>`: the operator's tool for shard nodes and bucket moves (README, "Nodes,
// the shard map and moves"). Talks to the catalog and to every node as their owner.
import { Cluster, Mover, addNode, clusterStatus, rebalance } from '@pa/catalog';
import { loadMoverConfig, withPgCredentialsOf } from '@pa/config';
import { ShardsCommand, parseShardsCommand, usage } from './cli/shards-command';
import { printStatus } from './cli/status-printer';

async function main(): Promise<void> {
  const command = parseShardsCommand(process.argv.slice(2));
  if (command.kind === 'help') return void console.log(usage());
  const { shards, copyRowsPerSecond } = loadMoverConfig(process.env);
  const cluster = new Cluster(shards);
  const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  const mover = new Mover(cluster, {
    graceMs: command.graceMs ?? 3 * shards.mapPollMs,
    sliceRows: 100_000,
    copyRowsPerSecond: (command.kind === 'move' || command.kind === 'rebalance' ? command.rate : undefined) ?? copyRowsPerSecond,
    verifyAttempts: 5,
    verifyPauseMs: 1_000,
    log,
    stopAfter: command.kind === 'move' ? command.stopAfter : undefined,
  });
  try {
    await run(command, cluster, mover, log);
  } finally {
    await cluster.end();
  }
}

async function run(command: Exclude<ShardsCommand, { kind: 'help' }>, cluster: Cluster, mover: Mover, log: (line: string) => void): Promise<void> {
  switch (command.kind) {
    case 'add':
      // The node's address from the command line, with the role and TLS of PG_USER / PG_PASSWORD_FILE / PG_SSLROOTCERT.
      await addNode(cluster, withPgCredentialsOf(command.url), log);
      return;
    case 'status':
      printStatus(await clusterStatus(cluster), command.json);
      return;
    case 'move':
      if (command.resume) return void ((await mover.resume()) ?? log('no move to resume'));
      if (command.abort) return void ((await mover.abort()) ?? log('no move to abort'));
      await mover.move(command.from, command.to, command.target);
      return;
    case 'rebalance':
      if (!command.dryRun && (await mover.resume())) log('rebalance: finished the move that was under way first');
      await rebalance(cluster, mover, log, command.dryRun);
      return;
  }
}

main().catch((error: unknown) => {
  console.error(`shards: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
