import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pollUntil } from '@pa/testing';
import { PrivateRedis } from './query-redis';
import { writeRedisAcl } from './redis-acl';

const run = promisify(execFile);

/**
 * A Redis Cluster of our own: three masters (the installed redis-server), no replicas, no
 * persistence; TLS on clients and the cluster bus, and one ACL (infra/redis/acl-rules.txt) on every node.
 */
export class PrivateRedisCluster {
  private readonly dir = mkdtempSync(join(tmpdir(), 'pa-redis-cluster-'));
  private readonly acl = writeRedisAcl(this.dir);
  readonly nodes = [0, 1, 2].map(() => new PrivateRedis(this.acl));

  /** The query API's REDIS_URL for it: every node, comma-separated. */
  get url(): string {
    return this.nodes.map((n) => n.url).join(',');
  }

  /** REDIS_PASSWORD_FILE and REDIS_CA_FILE for the query API (every node has the same users). */
  get clientEnv(): Record<string, string> {
    return this.nodes[0].clientEnv;
  }

  async start(): Promise<this> {
    const cluster = (i: number) => ['--cluster-enabled', 'yes', '--cluster-config-file', join(this.dir, `nodes-${i}.conf`), '--dir', this.dir];
    await Promise.all(this.nodes.map((n, i) => n.start([...cluster(i), '--tls-cluster', 'yes', '--tls-replication', 'yes'])));
    const create = ['--cluster', 'create', ...this.nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'];
    await run('redis-cli', [...this.nodes[0].cliArgs(), ...create]);
    await pollUntil(() => this.cli(0, 'cluster', 'info'), (info) => info.includes('cluster_state:ok'), { timeoutMs: 20_000, what: 'the Redis Cluster to be ok' });
    return this;
  }

  /** `redis-cli` against node `i`; its output. */
  async cli(i: number, ...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', [...this.nodes[i].cliArgs(), ...args]);
    return stdout;
  }

  /** Keys of `prefix` held by each master. */
  async keysPerNode(prefix: string): Promise<number[]> {
    return Promise.all(this.nodes.map(async (_, i) => (await this.cli(i, '--scan', '--pattern', `${prefix}*`)).split('\n').filter(Boolean).length));
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
