import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, pollUntil } from '@pa/testing';
import { tlsFiles } from './local-tls';
import { RedisAcl, RedisUser, writeRedisAcl } from './redis-acl';

/**
 * A Redis server of our own (no persistence) that a test may stop and start again on the same
 * port, to play a cache outage without touching the machine's shared Redis. Started as
 * infra/start-redis.sh starts the stack's: TLS only with the local CA, the same ACL users.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  port = 0;

  /** `acl`: users shared with other servers (a cluster's nodes); default: its own, made at first start. */
  constructor(private acl?: RedisAcl) {}

  /** The query API's URL (its ACL user; the password comes from `queryApiEnv`'s file). */
  get url(): string {
    return `rediss://query-api@127.0.0.1:${this.port}`;
  }

  /** The users of its ACL (query-api, admin), with their passwords. */
  get users(): Record<string, RedisUser> {
    if (!this.acl) throw new Error('PrivateRedis: not started');
    return this.acl.users;
  }

  /** REDIS_PASSWORD_FILE and REDIS_CA_FILE for a query API using this server (REDIS_URL is the caller's). */
  get clientEnv(): Record<string, string> {
    return { REDIS_PASSWORD_FILE: this.users['query-api'].passwordFile, REDIS_CA_FILE: tlsFiles().ca };
  }

  /** Starts it (on its former port after a stop), with `extraArgs` for redis-server (e.g. cluster mode). */
  async start(extraArgs: string[] = []): Promise<this> {
    this.port ||= await freePort();
    this.acl ??= writeRedisAcl(mkdtempSync(join(tmpdir(), 'pa-redis-acl-')));
    const tls = tlsFiles();
    const args = ['--port', '0', '--tls-port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    args.push('--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca, '--tls-auth-clients', 'no');
    this.child = spawn('redis-server', [...args, '--aclfile', this.acl.aclFile, ...extraArgs], { stdio: 'ignore' });
    await pollUntil(() => isOpen(this.port), Boolean, { timeoutMs: 10_000, what: `redis-server on :${this.port}` });
    return this;
  }

  /** redis-cli arguments that reach it over TLS as `user` (admin by default). */
  cliArgs(user = 'admin'): string[] {
    const { password } = this.users[user];
    return ['--tls', '--cacert', tlsFiles().ca, '-p', String(this.port), '--user', user, '--pass', password, '--no-auth-warning'];
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}

function isOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (isConnected: boolean) => {
      socket.destroy();
      resolve(isConnected);
    };
    socket.once('connect', () => done(true)).once('error', () => done(false));
    socket.connect(port, '127.0.0.1');
  });
}
