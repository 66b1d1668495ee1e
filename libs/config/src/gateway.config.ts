import { EnvReader } from './env-reader';
import { HttpConfig, KafkaConfig, readHttpConfig, readKafkaConfig } from './common.config';

export interface GatewayConfig {
  http: HttpConfig & {
    /** largest accepted request body, after gzip decoding, in bytes */
    bodyLimitBytes: number;
  };
  kafka: KafkaConfig & {
    /** how long a POST waits for Kafka's acknowledgement before answering 503, ms */
    produceTimeoutMs: number;
    /** records waiting for Kafka at once before new requests get 503 */
    maxInFlightRecords: number;
    /** largest snapshot accepted (its JSON is one Kafka record: keep it under the broker's message.max.bytes) */
    maxRecordBytes: number;
  };
  /** snapshots older than this are rejected, ms */
  retentionMs: number;
}

export function loadGatewayConfig(env: Record<string, string | undefined>): Readonly<GatewayConfig> {
  const r = new EnvReader(env);
  return r.finish({
    http: {
      ...readHttpConfig(r, 'GATEWAY_PORT', 8080),
      bodyLimitBytes: r.int('GATEWAY_BODY_LIMIT_BYTES', 16 * 1024 * 1024, { min: 1024, max: 1024 ** 3 }),
    },
    kafka: {
      ...readKafkaConfig(r, 'ingest-gateway'),
      produceTimeoutMs: r.int('GATEWAY_PRODUCE_TIMEOUT_MS', 10_000, { min: 100, max: 300_000 }),
      maxInFlightRecords: r.int('GATEWAY_MAX_IN_FLIGHT_RECORDS', 20_000, { min: 1, max: 10_000_000 }),
      // Our broker takes 32 MiB (infra/start-kafka.sh); Kafka's own default message.max.bytes is
      // 1 MiB (1,048,588) for the record and its headers: set this below what the broker takes.
      maxRecordBytes: r.int('GATEWAY_MAX_RECORD_BYTES', 16 * 1024 * 1024, { min: 1024, max: 1024 ** 3 }),
    },
    retentionMs: r.int('RETENTION_DAYS', 90, { min: 1, max: 3650 }) * 86_400_000,
  });
}
