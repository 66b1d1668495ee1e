import { KafkaJSError } from 'kafkajs';

/** Base error of libs/kafka; `retriable` tells callers whether trying again can succeed. */
export class KafkaLibError extends Error {
  constructor(message: string, readonly retriable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Kafka did not acknowledge a send in time or at all; the records may or may not be stored. */
export class PublishError extends KafkaLibError {
  /** the broker refused a record as larger than it accepts: sending it again cannot help */
  readonly tooLarge: boolean;
  /** Kafka refused for a reason only its operator can change (authorization, topic, versions): a new producer cannot help */
  readonly refusedByConfig: boolean;

  constructor(readonly topic: string, readonly records: number, cause: unknown, retriable: boolean) {
    super(`could not publish ${records} record(s) to ${topic}: ${messageOf(cause)}`, retriable, { cause });
    this.tooLarge = isMessageTooLarge(cause);
    this.refusedByConfig = !retriable && protocolTypes(cause).some((t) => REFUSED_BY_CONFIG.has(t));
  }
}

/** Too many records are already waiting for Kafka; the caller should back off. */
export class BackpressureError extends KafkaLibError {
  constructor(readonly inFlight: number, readonly limit: number) {
    super(`${inFlight} records already waiting for Kafka (limit ${limit})`, true);
  }
}

/** kafkajs marks its own errors retriable; anything else (a TypeError…) is a bug, not an outage. */
export function isRetriableKafkaError(error: unknown): boolean {
  if (error instanceof KafkaJSError) return error.retriable || isConnectionError(error);
  return false;
}

function isConnectionError(error: KafkaJSError): boolean {
  return ['KafkaJSConnectionError', 'KafkaJSNumberOfRetriesExceeded', 'KafkaJSRequestTimeoutError', 'KafkaJSTimeout'].includes(
    error.name,
  );
}

/**
 * Broker error types (kafkajs `type`) that no retry and no new producer can fix. Not in the list,
 * though kafkajs calls them non-retriable: the sequence and producer-id errors, which the fresh
 * producer RecordProducer makes after any failure does fix.
 */
const REFUSED_BY_CONFIG = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_REQUIRED_ACKS',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'POLICY_VIOLATION',
]);

/** True when Kafka (somewhere in the chain of causes) refused a record or batch for its size (message.max.bytes). */
export function isMessageTooLarge(error: unknown): boolean {
  return protocolTypes(error).some((t) => t === 'MESSAGE_TOO_LARGE' || t === 'RECORD_LIST_TOO_LARGE');
}

/** The kafkajs protocol error types (`type`) along the chain of causes. */
function protocolTypes(error: unknown): string[] {
  const types: string[] = [];
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string') types.push(type);
  }
  return types;
}

/** True when the broker refused for lack of an ACL (in the chain of causes, or in an aggregate's errors). */
export function isAuthorizationError(error: unknown): boolean {
  const nested = (error as { errors?: unknown[] } | undefined)?.errors ?? [];
  return [error, ...nested].some((e) => protocolTypes(e).some((t) => t.endsWith('_AUTHORIZATION_FAILED')));
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
