import { SNAPSHOTS_TOPIC, SNAPSHOTS_TOPIC_PARTITIONS, deadLetterTopicOf } from '@pa/contracts';
import { EnvReader, isHostPort, isPostgresUrl } from './env-reader';
import { readPgCredentials, withPgCredentials } from './pg-credentials';
import { ServerTlsConfig } from './https.config';
import { KafkaSecurityConfig, readKafkaSecurity } from './kafka-security.config';

export interface KafkaConfig {
  /** host:port of every bootstrap broker */
  brokers: string[];
  clientId: string;
  /** the snapshots topic (proc.snapshots.v1 unless overridden, e.g. by tests) */
  topic: string;
  /** dead-letter topic for records the writer cannot decode, validate or accept (proc.dlq.<topic without proc.>) */
  dlqTopic: string;
  /** partitions when we create the topic */
  partitions: number;
  /** TLS + SCRAM (the default) or plaintext */
  security: KafkaSecurityConfig;
  /** how this client's producers compress record batches (KAFKA_COMPRESSION) */
  compression: BatchCompression;
}

/** Record batch compressions a producer may use (libs/kafka/src/batch-compression.ts registers zstd). */
export const BATCH_COMPRESSIONS = ['none', 'gzip', 'zstd'] as const;
export type BatchCompression = (typeof BATCH_COMPRESSIONS)[number];

export interface ShardsConfig {
  /** one PostgreSQL URL per shard node, index = shard number; must agree with the catalog's nodes */
  urls: string[];
  /** the catalog database: CATALOG_URL, else database pa_catalog on the first shard node */
  catalogUrl: string;
  /** how often the shard map is re-read besides LISTEN/NOTIFY, ms (the bound on a lost notification) */
  mapPollMs: number;
  /** connections per shard pool */
  poolSize: number;
  /** statement_timeout for every statement, ms */
  statementTimeoutMs: number;
}

export interface HttpConfig {
  host: string;
  port: number;
  /** HTTPS with this certificate; absent = plain HTTP (the writer's and summarizer's health ports, HTTP_PLAIN=true) */
  tls?: ServerTlsConfig;
}

export const DEFAULT_PG_SHARDS = ['postgres://127.0.0.1:5433/pa', 'postgres://127.0.0.1:5434/pa'];

/** `principal` is the service's own Kafka user (KAFKA_USERNAME overrides it). */
export function readKafkaConfig(env: EnvReader, clientId: string, principal: string): KafkaConfig {
  const topic = env.string('KAFKA_TOPIC', SNAPSHOTS_TOPIC);
  return {
    brokers: env.list('KAFKA_BROKERS', ['127.0.0.1:9092'], isHostPort, 'host:port'),
    clientId: env.string('KAFKA_CLIENT_ID', clientId),
    topic,
    dlqTopic: env.string('KAFKA_DLQ_TOPIC', deadLetterTopicOf(topic)),
    partitions: env.int('KAFKA_TOPIC_PARTITIONS', SNAPSHOTS_TOPIC_PARTITIONS, { min: 1, max: 1000 }),
    security: readKafkaSecurity(env, principal),
    compression: readBatchCompression(env),
  };
}

/**
 * Uncompressed by default. zstd saves the gateway CPU (1.80 vs 2.13 CPU-ms per 200-process
 * snapshot: TLS and CRC over 6.4× fewer bytes, 10,404 vs 66,866 B per record on the broker's disk;
 * bench item 4, bench/results/2026-12-02T124409Z.json) but costs the writer more than that: it
 * drained zstd batches at 0.72× the rate of uncompressed ones, 7.3 vs 4.9 CPU-s per million rows
 * (item 1, bench/results/2026-12-02T130007Z.json). Choose zstd where broker disk or network is scarcer than CPU.
 */
function readBatchCompression(env: EnvReader): BatchCompression {
  return env.oneOf('KAFKA_COMPRESSION', BATCH_COMPRESSIONS, 'none');
}

export function readShardsConfig(env: EnvReader, defaultPoolSize: number): ShardsConfig {
  // PG_SHARDS and CATALOG_URL say where the nodes are; PG_USER, PG_PASSWORD_FILE and PG_SSLROOTCERT
  // say who connects and whom to trust, for every node (also those that join at runtime: their
  // URLs copy the first one's credentials, libs/catalog urlForNode).
  const credentials = readPgCredentials(env);
  const urls = env.list('PG_SHARDS', DEFAULT_PG_SHARDS, isPostgresUrl, 'postgres:// URLs').map((url) => withPgCredentials(url, credentials));
  return {
    urls,
    catalogUrl: readCatalogUrl(env),
    mapPollMs: env.int('CATALOG_POLL_MS', 2_000, { min: 100, max: 60_000 }),
    poolSize: env.int('PG_POOL_SIZE', defaultPoolSize, { min: 1, max: 100 }),
    statementTimeoutMs: env.int('PG_STATEMENT_TIMEOUT_MS', 30_000, { min: 100, max: 3_600_000 }),
  };
}

/** CATALOG_URL, else database pa_catalog on the first shard node; with the service's role and TLS. */
export function readCatalogUrl(env: EnvReader): string {
  const firstShard = env.list('PG_SHARDS', DEFAULT_PG_SHARDS, isPostgresUrl, 'postgres:// URLs').slice(0, 1);
  const catalogUrl = env.list('CATALOG_URL', [defaultCatalogUrl(firstShard)], isPostgresUrl, 'one postgres:// URL')[0];
  return withPgCredentials(catalogUrl, readPgCredentials(env));
}

/** Database pa_catalog on the first shard node's server, with that URL's credentials. */
function defaultCatalogUrl(shardUrls: string[]): string {
  const url = new URL(shardUrls[0] ?? DEFAULT_PG_SHARDS[0]);
  url.pathname = '/pa_catalog';
  return url.toString();
}

export function readHttpConfig(env: EnvReader, portVar: string, defaultPort: number): HttpConfig {
  return {
    host: env.string('HTTP_HOST', '127.0.0.1'),
    port: env.int(portVar, defaultPort, { min: 0, max: 65535 }),
  };
}

/** Config of tools that only talk to the shards (migrations, profiling). */
export function loadShardsConfig(env: Record<string, string | undefined>): Readonly<{ shards: ShardsConfig }> {
  const r = new EnvReader(env);
  return r.finish({ shards: readShardsConfig(r, 2) });
}

/** Snapshot record formats a producer may write: JSON (schema version 1) or binary (version 2, libs/contracts wire-v2). */
export const RECORD_FORMATS = ['v1', 'v2'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

/** `name` as a record format; v1 unless set (bench item 4: v2 costs the gateway the same CPU per snapshot, README). */
export function readRecordFormat(env: EnvReader, name: string, fallback: RecordFormat = 'v1'): RecordFormat {
  return env.oneOf(name, RECORD_FORMATS, fallback);
}
