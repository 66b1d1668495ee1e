import { isTenantName, tenantPrincipalOf, tenantTopicOf } from '@pa/contracts';
import { EnvReader } from './env-reader';
import { KafkaConfig, readKafkaConfig, readRecordFormat } from './common.config';
import type { RecordFormat } from './common.config';

export interface CollectorConfig {
  /** machine_id of the real sampler; absent = the host name, sanitized by the collector */
  machineId?: string;
  gateway: {
    /** base URL; snapshots go to `${url}/v1/snapshots` */
    url: string;
    /** ms before one POST is abandoned and retried */
    requestTimeoutMs: number;
    /** API key with the ingest scope (COLLECTOR_API_KEY), sent as a bearer token */
    apiKey?: string;
    /** file holding that key instead (COLLECTOR_API_KEY_FILE; npm start writes var/keys/ingest.key) */
    apiKeyFile?: string;
  };
  kafka: KafkaConfig & {
    /** COLLECTOR_TENANT: produce to this tenant's topic as its principal (infra/kafka-tenant.sh made both) */
    tenant?: string;
    /** ms to wait for acks=all of one send */
    ackTimeoutMs: number;
    /** create the snapshots topic at first connect when missing (local stack); off where topics are managed */
    ensureTopic: boolean;
    /** COLLECTOR_KAFKA_RECORD_FORMAT: JSON records (v1) or schema version 2 (binary; the writer decodes it without JSON) */
    recordFormat: RecordFormat;
  };
  delivery: {
    /** snapshots per request (HTTP) or per send (Kafka) */
    chunkSnapshots: number;
    /** uncompressed bytes per request at most; keeps below the gateway's body limit */
    maxChunkBytes: number;
    /** requests or sends in flight at once */
    concurrency: number;
    /** snapshots held in memory while the sink is slow or down; past it ticking waits */
    bufferSnapshots: number;
    /** first retry delay, ms (doubles per attempt, with jitter) */
    retryInitialMs: number;
    /** longest retry delay, ms (also caps a server's Retry-After) */
    retryMaxMs: number;
    /** on SIGTERM/SIGINT, how long to keep trying to send what is buffered, ms */
    flushTimeoutMs: number;
  };
  /** ms between two progress lines */
  progressIntervalMs: number;
  /** log one JSON object per line instead of Nest's coloured text */
  logJson: boolean;
}

/** Reads the collector's environment; throws one ConfigError naming every bad variable. */
export function loadCollectorConfig(env: Record<string, string | undefined>): Readonly<CollectorConfig> {
  const r = new EnvReader(env);
  return r.finish({
    machineId: readMachineId(r),
    gateway: {
      url: readGatewayUrl(r),
      requestTimeoutMs: r.int('COLLECTOR_REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 }),
      apiKey: r.optionalString('COLLECTOR_API_KEY'),
      apiKeyFile: r.optionalString('COLLECTOR_API_KEY_FILE'),
    },
    kafka: {
      ...readCollectorKafka(r),
      ackTimeoutMs: r.int('COLLECTOR_KAFKA_ACK_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 }),
      ensureTopic: r.bool('COLLECTOR_KAFKA_ENSURE_TOPIC', true),
      recordFormat: readRecordFormat(r, 'COLLECTOR_KAFKA_RECORD_FORMAT'),
    },
    delivery: {
      chunkSnapshots: r.int('COLLECTOR_CHUNK_SNAPSHOTS', 200, { min: 1, max: 10_000 }),
      maxChunkBytes: r.int('COLLECTOR_MAX_CHUNK_BYTES', 8 * 1024 * 1024, { min: 1024, max: 1024 ** 3 }),
      concurrency: r.int('COLLECTOR_CONCURRENCY', 2, { min: 1, max: 64 }),
      bufferSnapshots: r.int('COLLECTOR_BUFFER_SNAPSHOTS', 2_000, { min: 1, max: 1_000_000 }),
      retryInitialMs: r.int('COLLECTOR_RETRY_INITIAL_MS', 250, { min: 1, max: 60_000 }),
      retryMaxMs: r.int('COLLECTOR_RETRY_MAX_MS', 30_000, { min: 1, max: 3_600_000 }),
      flushTimeoutMs: r.int('COLLECTOR_FLUSH_TIMEOUT_MS', 10_000, { min: 0, max: 3_600_000 }),
    },
    progressIntervalMs: r.int('COLLECTOR_PROGRESS_INTERVAL_MS', 30_000, { min: 1_000, max: 3_600_000 }),
    logJson: r.bool('LOG_JSON', false),
  });
}

/**
 * With COLLECTOR_TENANT=t the collector writes topic proc.tenant.t.<KAFKA_TOPIC without proc.> as
 * principal collector-t (KAFKA_USERNAME still overrides it): the broker lets that principal write
 * nothing else, and the writer stores only t's machines from that topic.
 */
function readCollectorKafka(r: EnvReader): KafkaConfig & { tenant?: string } {
  const tenant = r.optionalString('COLLECTOR_TENANT');
  if (tenant === undefined) return readKafkaConfig(r, 'collector', 'collector');
  if (!isTenantName(tenant)) {
    r.problem(`COLLECTOR_TENANT=${JSON.stringify(tenant)}: must be a tenant name (letters, digits, - and _, at most 63, no dot)`);
    return readKafkaConfig(r, 'collector', 'collector');
  }
  const kafka = readKafkaConfig(r, 'collector', tenantPrincipalOf(tenant));
  return { ...kafka, tenant, topic: tenantTopicOf(kafka.topic, tenant) };
}

function readGatewayUrl(r: EnvReader): string {
  const raw = r.string('GATEWAY_URL', 'http://127.0.0.1:8080');
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  r.problem(`GATEWAY_URL=${JSON.stringify(raw)}: must be an http:// or https:// URL`);
  return raw;
}

function readMachineId(r: EnvReader): string | undefined {
  const id = r.optionalString('COLLECTOR_MACHINE_ID');
  // Same rule as the snapshot schema's machine_id, so a bad override fails at boot, not at every POST.
  if (id !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(id)) {
    r.problem(`COLLECTOR_MACHINE_ID=${JSON.stringify(id)}: must be 1-128 characters of letters, digits and . _ : -`);
  }
  return id;
}
