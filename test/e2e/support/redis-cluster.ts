import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pollUntil } from '@pa/testing';
import { PrivateRedis } from './query-redis';

const run = promisify(execFile);

/** A Redis Cluster of our own: three masters (the installed redis-server), no replicas, no persistence. */
export class PrivateRedisCluster {
  readonly nodes = [0, 1, 2].map(() => new PrivateRedis());
  private dir = '';

  /** The query API's REDIS_URL for it: every node, comma-separated. */
  get url(): string {
    return this.nodes.map((n) => n.url).join(',');
  }

  async start(): Promise<this> {
    this.dir = mkdtempSync(join(tmpdir(), 'pa-redis-cluster-'));
    await Promise.all(
      this.nodes.map((n, i) => n.start(['--cluster-enabled', 'yes', '--cluster-config-file', join(this.dir, `nodes-${i}.conf`), '--dir', this.dir])),
    );
    await run('redis-cli', ['--cluster', 'create', ...this.nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await pollUntil(() => this.cli(0, 'cluster', 'info'), (info) => info.includes('cluster_state:ok'), { timeoutMs: 20_000, what: 'the Redis Cluster to be ok' });
    return this;
  }

  /** `redis-cli` against node `i`; its output. */
  async cli(i: number, ...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-p', String(this.nodes[i].port), ...args]);
    return stdout;
  }

  /** Keys of `prefix` held by each master. */
  async keysPerNode(prefix: string): Promise<number[]> {
    return Promise.all(this.nodes.map(async (_, i) => (await this.cli(i, '--scan', '--pattern', `${prefix}*`)).split('\n').filter(Boolean).length));
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
