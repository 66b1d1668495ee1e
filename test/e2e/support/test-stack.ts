import { Kafka, KafkaConfig, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { EnvReader, readKafkaSecurity, withPgCredentialsOf } from '@pa/config';
import { kafkaSecurityOptions } from '@pa/kafka';
import { ShardRouter, evenShardMap } from '@pa/pg-shards';

/** The test stack started by infra/test.sh (or whatever KAFKA_BROKERS / PG_SHARDS name). */
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:29092').split(',');
/** The nodes with the test's credentials (PG_USER, PG_PASSWORD_FILE: the owner) and TLS (PG_SSLROOTCERT). */
export const SHARD_URLS = (process.env.PG_SHARDS ?? 'postgres://127.0.0.1:25433/pa,postgres://127.0.0.1:25434/pa')
  .split(',')
  .map((url) => withPgCredentialsOf(url));

export const router = new ShardRouter(evenShardMap(SHARD_URLS.length), SHARD_URLS.length);

/** kafkajs `ssl`/`sasl` for a principal of the test stack (TLS + SCRAM unless KAFKA_SECURITY=plaintext). */
export function kafkaSecurityAs(principal: string): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const { KAFKA_USERNAME: _user, KAFKA_PASSWORD_FILE: _file, ...env } = process.env;
  const reader = new EnvReader(env);
  return kafkaSecurityOptions(reader.finish({ security: readKafkaSecurity(reader, principal) }).security);
}

/** A client of the test stack as `principal` (admin: creates topics, reads and writes everything). */
export function testKafka(principal = 'admin'): Kafka {
  return new Kafka({ clientId: 'e2e', brokers: BROKERS, logLevel: logLevel.NOTHING, retry: { retries: 3 }, ...kafkaSecurityAs(principal) });
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
