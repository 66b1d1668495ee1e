import { readFileSync } from 'node:fs';
import { Kafka, KafkaConfig, logLevel, LogEntry } from 'kafkajs';
import { LogSink } from './log-sink';
// Registers the zstd codec wherever a client exists (producers and consumers).
import './batch-compression';

/** TLS against a CA plus SASL/SCRAM-SHA-512 (files read when the client is built), or plaintext. */
export type KafkaSecurity =
  | { protocol: 'plaintext' }
  | { protocol: 'sasl_ssl'; username: string; passwordFile: string; caFile: string };

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** where kafkajs's own log lines go (its logCreator), instead of its console default */
  logger: LogSink;
  /** ms to wait for a broker connection */
  connectionTimeoutMs?: number;
  /** how to connect and authenticate; absent = plaintext */
  security?: KafkaSecurity;
}

/**
 * One kafkajs client with logs bridged into our logger. Retries are set here, explicitly,
 * because kafkajs otherwise changes its retry defaults when NODE_ENV=test.
 */
export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 5 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => bridgeLog(options.logger, entry),
    ...kafkaSecurityOptions(options.security),
  });
}

/**
 * kafkajs's `ssl` and `sasl` options for `security`. Reads the CA and password files (throws when
 * one is unreadable); the broker's certificate is verified against the CA and its host name.
 */
export function kafkaSecurityOptions(security: KafkaSecurity | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (!security || security.protocol === 'plaintext') return {};
  return {
    ssl: { ca: [readSetting(security.caFile, 'KAFKA_CA_FILE')], rejectUnauthorized: true },
    sasl: { mechanism: 'scram-sha-512', username: security.username, password: readSetting(security.passwordFile, 'KAFKA_PASSWORD_FILE').trim() },
  };
}

/** The file's text; throws naming the variable and the path (never the content) when it cannot be read. */
function readSetting(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); infra/start-kafka.sh creates it`);
  }
}

function bridgeLog(logger: LogSink, { level, log }: LogEntry): void {
  const { message, ...fields } = log;
  const line = `kafkajs ${log.logger ?? ''}: ${message}`;
  if (level === logLevel.ERROR || level === logLevel.NOTHING) logger.error(line, fields);
  else if (level === logLevel.WARN) logger.warn(line, fields);
  else logger.debug?.(line, fields);
}
