import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { QueryCacheConfig, QueryConfig } from '@pa/config';
import { Redis } from 'ioredis';
import { QUERY_CONFIG } from '../query-api.tokens';

/**
 * Optional Redis cache of answers. Never in the way: without REDIS_URL it does nothing, and while
 * Redis is down or slow every call returns at once as a miss (no offline queue, short command
 * timeout), so answers are only slower. An outage is logged once, and so is the recovery.
 */
@Injectable()
export class QueryCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(QueryCache.name);
  private readonly redis?: Redis;
  private readonly config?: QueryCacheConfig;
  private isDown = false;
  private isStopping = false;

  constructor(@Inject(QUERY_CONFIG) config: QueryConfig) {
    this.config = config.cache;
    if (!this.config) return;
    this.redis = new Redis(this.config.url, {
      lazyConnect: true,
      // Commands while disconnected fail at once instead of queueing behind a reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.config.commandTimeoutMs,
      connectTimeout: 2_000,
      // Keep reconnecting in the background for as long as we run.
      retryStrategy: (attempt) => Math.min(attempt * 500, 5_000),
    });
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
