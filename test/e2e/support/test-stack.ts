import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { withPgCredentialsOf } from '@pa/config';
import { ShardRouter, evenShardMap } from '@pa/pg-shards';

/** The test stack started by infra/test.sh (or whatever KAFKA_BROKERS / PG_SHARDS name). */
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:29092').split(',');
/** The nodes with the test's credentials (PG_USER, PG_PASSWORD_FILE: the owner) and TLS (PG_SSLROOTCERT). */
export const SHARD_URLS = (process.env.PG_SHARDS ?? 'postgres://127.0.0.1:25433/pa,postgres://127.0.0.1:25434/pa')
  .split(',')
  .map((url) => withPgCredentialsOf(url));

export const router = new ShardRouter(evenShardMap(SHARD_URLS.length), SHARD_URLS.length);

export function testKafka(): Kafka {
  return new Kafka({ clientId: 'e2e', brokers: BROKERS, logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

/** One small pool per shard, for asserting on what landed. */
export function shardPools(): Pool[] {
  return SHARD_URLS.map((url) => {
    const pool = new Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined);
    return pool;
  });
}

/** Machine ids whose buckets map to `shard`, built from `prefix`. */
export function machinesOnShard(prefix: string, shard: number, count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) {
    const id = `${prefix}-${String(i).padStart(4, '0')}`;
    if (router.shardOf(id) === shard) ids.push(id);
  }
  return ids;
}

/** `perShard` machine ids on every shard, built from `prefix`, shard 0's first. */
export function machinesOnEveryShard(prefix: string, perShard: number): string[] {
  return SHARD_URLS.flatMap((_, shard) => machinesOnShard(prefix, shard, perShard));
}
