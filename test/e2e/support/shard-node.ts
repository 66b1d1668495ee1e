import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { resolve } from 'node:path';
import { SHARD_URLS } from './test-stack';

const REPO = resolve(__dirname, '..', '..', '..');
const STATE_DIR = process.env.PA_STATE_DIR ?? resolve(REPO, 'var', 'test');

/** Stops one shard node of the test stack (pg_ctl stop -m fast, as the postgres OS user). */
export function stopShardNode(shard: number): void {
  const dir = resolve(STATE_DIR, 'pg', `shard-${shard}`);
  const pgCtl = execFileSync('bash', ['-c', "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1"]).toString().trim() + '/pg_ctl';
  const command = [pgCtl, '-D', dir, '-m', 'fast', '-w', 'stop'];
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', ...command], { cwd: '/', stdio: 'pipe' });
  else execFileSync(command[0], command.slice(1), { stdio: 'pipe' });
}

/**
 * Starts every stopped shard node again with the project's own (idempotent) script. Asynchronous:
 * on a loaded machine the script (TLS files, roles, ownership checks on every node) takes a while,
 * and a load running meanwhile must keep going, not stall behind a blocked event loop.
 */
export async function startShardNodes(): Promise<void> {
  const env = {
    ...process.env,
    PA_STATE_DIR: STATE_DIR,
    PG_BASE_PORT: new URL(SHARD_URLS[0]).port,
    SHARDS: String(SHARD_URLS.length),
  };
  await promisify(execFile)('bash', [resolve(REPO, 'infra', 'start-pg-shards.sh')], { env });
}
