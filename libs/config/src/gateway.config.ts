import { AuthConfig, readAuthConfig } from './auth.config';
import { readRawRetentionMs } from './retention.config';
import { EnvReader } from './env-reader';
import { readServerTls } from './https.config';
import { HttpConfig, KafkaConfig, RecordFormat, readHttpConfig, readKafkaConfig, readRecordFormat } from './common.config';
import { ScrubbingConfig, readScrubbingConfig } from './scrubbing.config';

export interface GatewayConfig {
  /** API keys: every route but /healthz and /readyz needs one */
  auth: AuthConfig;
  http: HttpConfig & {
    /** largest accepted request body, after gzip decoding, in bytes */
    bodyLimitBytes: number;
    /** request bodies being received or handled at once, in bytes (declared Content-Length, or bytes read so far); past it 503 */
    maxInFlightBodyBytes: number;
    /** time for a client to send its request headers, ms (Node's server.headersTimeout) */
    headersTimeoutMs: number;
    /** time for a client to send its whole request, headers and body, ms; past it 408 */
    requestTimeoutMs: number;
    /** longest pause between two parts of a request body, ms; past it 408 */
    bodyIdleTimeoutMs: number;
    /** how long an idle keep-alive connection stays open between requests, ms */
    keepAliveTimeoutMs: number;
  };
  kafka: KafkaConfig & {
    /** how long a POST waits for Kafka's acknowledgement before answering 503, ms */
    produceTimeoutMs: number;
    /** records waiting for Kafka at once before new requests get 503 */
    maxInFlightRecords: number;
    /** largest snapshot accepted (its JSON is one Kafka record: keep it under the broker's message.max.bytes) */
    maxRecordBytes: number;
    /** what the gateway produces (GATEWAY_RECORD_FORMAT, default v2): schema version 2, transcoded once after validation, or the JSON as received (v1) */
    recordFormat: RecordFormat;
    /** each snapshot is checked, scrubbed and written as v2 in one walk over JSON.parse's tree (GATEWAY_DIRECT_V2, default on; off keeps JSON.parse → validate → encode, for the bench's A/B) */
    directV2: boolean;
  };
  /** snapshots older than this are rejected, ms */
  retentionMs: number;
  /** command lines are scrubbed of secrets before they are produced */
  scrubbing: ScrubbingConfig;
}

export function loadGatewayConfig(env: Record<string, string | undefined>): Readonly<GatewayConfig> {
  const r = new EnvReader(env);
  const config: GatewayConfig = {
    http: { ...readHttpConfig(r, 'GATEWAY_PORT', 8080), ...readBodyLimits(r), tls: readServerTls(r) },
    auth: readAuthConfig(r),
    kafka: {
      ...readKafkaConfig(r, 'ingest-gateway', 'gateway'),
      produceTimeoutMs: r.int('GATEWAY_PRODUCE_TIMEOUT_MS', 10_000, { min: 100, max: 300_000 }),
      maxInFlightRecords: r.int('GATEWAY_MAX_IN_FLIGHT_RECORDS', 20_000, { min: 1, max: 10_000_000 }),
      // Our broker takes 32 MiB (infra/start-kafka.sh); Kafka's own default message.max.bytes is
      // 1 MiB (1,048,588) for the record and its headers: set this below what the broker takes.
      maxRecordBytes: r.int('GATEWAY_MAX_RECORD_BYTES', 16 * 1024 * 1024, { min: 1024, max: 1024 ** 3 }),
      recordFormat: readRecordFormat(r, 'GATEWAY_RECORD_FORMAT', 'v2'),
      directV2: r.bool('GATEWAY_DIRECT_V2', true),
    },
    retentionMs: readRawRetentionMs(r),
    scrubbing: readScrubbingConfig(r),
  };
  if (config.http.maxInFlightBodyBytes < config.http.bodyLimitBytes) {
    // Otherwise a body at the limit could never be taken, and its client would retry the 503 forever.
    r.problem('GATEWAY_MAX_IN_FLIGHT_BODY_BYTES: must be at least GATEWAY_BODY_LIMIT_BYTES');
  }
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    r.problem('GATEWAY_HEADERS_TIMEOUT_MS: must not be more than GATEWAY_REQUEST_TIMEOUT_MS (Node refuses it)');
  }
  return r.finish(config);
}

// Defaults: a 16 MiB body over a slow 1 Mbit/s link takes about 2 minutes, but collectors send
// far smaller bodies; 60 s for the whole request and 10 s of silence bound what a stalled client
// holds. 128 MiB of bodies at once is 8 bodies at the limit, or hundreds of typical 100 KiB ones.
function readBodyLimits(r: EnvReader) {
  return {
    bodyLimitBytes: r.int('GATEWAY_BODY_LIMIT_BYTES', 16 * 1024 * 1024, { min: 1024, max: 1024 ** 3 }),
    maxInFlightBodyBytes: r.int('GATEWAY_MAX_IN_FLIGHT_BODY_BYTES', 128 * 1024 * 1024, { min: 1024, max: 16 * 1024 ** 3 }),
    headersTimeoutMs: r.int('GATEWAY_HEADERS_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
    requestTimeoutMs: r.int('GATEWAY_REQUEST_TIMEOUT_MS', 60_000, { min: 100, max: 3_600_000 }),
    bodyIdleTimeoutMs: r.int('GATEWAY_BODY_IDLE_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
    keepAliveTimeoutMs: r.int('GATEWAY_KEEP_ALIVE_TIMEOUT_MS', 72_000, { min: 100, max: 3_600_000 }),
  };
}
