import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { QueryCacheConfig, QueryConfig } from '@pa/config';
import { Cluster, Redis, RedisOptions } from 'ioredis';
import { readFileSync } from 'node:fs';
import { QUERY_CONFIG } from '../query-api.tokens';

/**
 * Optional Redis cache of answers, on one Redis or a Redis Cluster (REDIS_URL listing its nodes:
 * each answer is one key, so every command goes to the one master of its slot). Never in the way:
 * without REDIS_URL it does nothing, and while Redis is down or slow every call returns at once as
 * a miss (no offline queue, short command timeout), so answers are only slower. An outage is
 * logged once, and so is the recovery.
 */
@Injectable()
export class QueryCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(QueryCache.name);
  private readonly redis?: Redis | Cluster;
  private readonly config?: QueryCacheConfig;
  private isDown = false;
  private isStopping = false;

  constructor(@Inject(QUERY_CONFIG) config: QueryConfig) {
    this.config = config.cache;
    if (!this.config) return;
    const options = {
      // Commands while disconnected fail at once instead of queueing behind a reconnect.
      maxRetriesPerRequest: 0,
      commandTimeout: this.config.commandTimeoutMs,
      connectTimeout: 2_000,
      ...transportOptions(this.config),
    };
    // Keep reconnecting in the background for as long as we run.
    const retry = (attempt: number) => Math.min(attempt * 500, 5_000);
    this.redis = this.config.clusterUrls
      ? new Cluster(
          this.config.clusterUrls.map((u) => ({ host: new URL(u).hostname, port: Number(new URL(u).port || 6379) })),
          { lazyConnect: true, enableOfflineQueue: false, clusterRetryStrategy: retry, redisOptions: { ...credentials(this.config.url), ...options } },
        )
      : new Redis({ ...nodeOptions(this.config.url), ...options, lazyConnect: true, enableOfflineQueue: false, retryStrategy: retry });
    this.redis.on('error', (error: Error) => this.noteFailure(error));
    // A server that shuts down cleanly closes the socket without an error event.
    this.redis.on('close', () => this.isStopping || this.noteFailure(new Error('connection closed')));
    this.redis.on('ready', () => this.noteSuccess());
  }

  /** Connects in the background: boot does not wait for (or fail on) the cache. */
  onModuleInit(): void {
    this.redis?.connect().catch((error: Error) => this.noteFailure(error));
  }

  async onApplicationShutdown(): Promise<void> {
    this.isStopping = true;
    this.redis?.disconnect();
  }

  /** True when REDIS_URL is set. */
  get isConfigured(): boolean {
    return this.redis !== undefined;
  }

  /** True when a lookup can be tried now (configured and connected). */
  get isAvailable(): boolean {
    return this.redis?.status === 'ready';
  }

  /** The cached text, or undefined on a miss or any cache failure. */
  async get(key: string): Promise<string | undefined> {
    if (!this.redis || !this.isAvailable) return undefined;
    try {
      const value = await this.redis.get(key);
      this.noteSuccess();
      return value ?? undefined;
    } catch (error) {
      this.noteFailure(error as Error);
      return undefined;
    }
  }

  /** Stores `value` for the configured TTL; failures are noted, never thrown. */
  async set(key: string, value: string): Promise<void> {
    if (!this.redis || !this.config || !this.isAvailable) return;
    try {
      await this.redis.set(key, value, 'EX', this.config.ttlSeconds);
      this.noteSuccess();
    } catch (error) {
      this.noteFailure(error as Error);
    }
  }

  private noteSuccess(): void {
    if (!this.isDown) return;
    this.isDown = false;
    this.logger.log('Redis cache is back: answers are cached again');
  }

  private noteFailure(error: Error): void {
    if (this.isDown) return;
    this.isDown = true;
    this.logger.warn(`Redis cache unavailable, answering without it until it is back: ${error.message}`);
  }
}

/**
 * TLS against REDIS_CA_FILE for rediss:// URLs and the password from REDIS_PASSWORD_FILE. Throws at
 * boot when a file cannot be read: a cache that can never log in is a configuration error.
 */
function transportOptions(config: QueryCacheConfig): Pick<RedisOptions, 'tls' | 'password'> {
  return {
    ...(config.caFile ? { tls: { ca: [readFileSync(config.caFile, 'utf8')], rejectUnauthorized: true } } : {}),
    ...(config.passwordFile ? { password: readFileSync(config.passwordFile, 'utf8').trim() } : {}),
  };
}

/**
 * Host, port, database and credentials of a redis:// or rediss:// URL. Parsed here rather than by
 * ioredis because its URL wins over the options: `rediss://user@host` would set an empty password
 * over REDIS_PASSWORD_FILE's.
 */
function nodeOptions(url: string): RedisOptions {
  const u = new URL(url);
  const db = Number(u.pathname.slice(1) || 0);
  return { host: u.hostname, port: Number(u.port || 6379), db, ...credentials(url) };
}

/** The user and password of a Redis URL, for the nodes of a cluster (every node takes the same). */
function credentials(url: string): { username?: string; password?: string } {
  const u = new URL(url);
  return { username: decodeURIComponent(u.username) || undefined, password: decodeURIComponent(u.password) || undefined };
}
