import { AuthConfig, readAuthConfig } from './auth.config';
import { readRawRetentionMs } from './retention.config';
import { EnvReader } from './env-reader';
import { HttpConfig, KafkaConfig, ShardsConfig, readHttpConfig, readKafkaConfig, readShardsConfig } from './common.config';
import { ScrubbingConfig, readScrubbingConfig } from './scrubbing.config';

export interface WriterConfig {
  /** API keys: every route but /healthz and /readyz needs one */
  auth: AuthConfig;
  http: HttpConfig;
  kafka: KafkaConfig & {
    groupId: string;
    /** partitions processed at the same time (each batch writes one transaction per shard) */
    partitionsConsumedConcurrently: number;
    /** most bytes fetched per partition per round, bounds the batch size */
    maxBytesPerPartition: number;
    /** most bytes of one fetch over all partitions: below concurrency × per-partition, fewer partitions come at once */
    maxBytes: number;
    /**
     * ms without a heartbeat before the group coordinator drops a member: after a crash (SIGKILL)
     * the partitions of the dead writer wait this long before a restarted one gets them
     */
    sessionTimeoutMs: number;
  };
  shards: ShardsConfig;
  batch: {
    /** most process rows written in one shard transaction, and decoded at once from a batch */
    maxRows: number;
    /** longest the broker waits to fill a fetch before handing over a smaller batch, ms */
    maxWaitMs: number;
  };
  /** records of a stopped shard held in memory (bytes) while other shards go on; past it the writer pauses */
  parkedLimitBytes: number;
  retentionMs: number;
  /** command lines of records produced to Kafka directly are scrubbed before they are stored */
  scrubbing: ScrubbingConfig;
}

export function loadWriterConfig(env: Record<string, string | undefined>): Readonly<WriterConfig> {
  const r = new EnvReader(env);
  const concurrency = r.int('WRITER_CONCURRENCY', 4, { min: 1, max: 64 });
  return r.finish({
    http: readHttpConfig(r, 'WRITER_PORT', 8082),
    auth: readAuthConfig(r),
    kafka: {
      ...readKafkaConfig(r, 'writer', 'writer'),
      groupId: r.string('WRITER_GROUP_ID', 'proc-writer'),
      partitionsConsumedConcurrently: concurrency,
      // 16 MiB / 64 MiB / 100,000 rows against 4 MiB / 32 MiB / 50,000: writer CPU per million rows
      // 2.0-2.2 against 2.4-2.9, Kafka's 0.7-1.0 against 1.2-1.8, rows/s higher in 3 of 3 rounds (bench item 1).
      maxBytesPerPartition: r.int('WRITER_MAX_BYTES_PER_PARTITION', 16 * 1024 * 1024, { min: 65536 }),
      maxBytes: r.int('WRITER_MAX_FETCH_BYTES', 64 * 1024 * 1024, { min: 65536 }),
      // The broker refuses less than its group.min.session.timeout.ms (6 s by default).
      sessionTimeoutMs: r.int('WRITER_SESSION_TIMEOUT_MS', 30_000, { min: 6_000, max: 300_000 }),
    },
    shards: readShardsConfig(r, concurrency + 2),
    batch: {
      maxRows: r.int('WRITER_BATCH_MAX_ROWS', 100_000, { min: 1, max: 10_000_000 }),
      maxWaitMs: r.int('WRITER_BATCH_MAX_WAIT_MS', 200, { min: 1, max: 60_000 }),
    },
    parkedLimitBytes: r.int('WRITER_PARKED_LIMIT_BYTES', 256 * 1024 * 1024, { min: 1024 }),
    retentionMs: readRawRetentionMs(r),
    scrubbing: readScrubbingConfig(r),
  });
}
