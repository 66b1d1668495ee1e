import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { LogSink } from './log-sink';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** where kafkajs's own log lines go (its logCreator), instead of its console default */
  logger: LogSink;
  /** ms to wait for a broker connection */
  connectionTimeoutMs?: number;
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
  });
}

function bridgeLog(logger: LogSink, { level, log }: LogEntry): void {
  const { message, ...fields } = log;
  const line = `kafkajs ${log.logger ?? ''}: ${message}`;
  if (level === logLevel.ERROR || level === logLevel.NOTHING) logger.error(line, fields);
  else if (level === logLevel.WARN) logger.warn(line, fields);
  else logger.debug?.(line, fields);
}
