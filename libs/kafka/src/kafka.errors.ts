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

  constructor(readonly topic: string, readonly records: number, cause: unknown, retriable: boolean) {
    super(`could not publish ${records} record(s) to ${topic}: ${messageOf(cause)}`, retriable, { cause });
    this.tooLarge = isMessageTooLarge(cause);
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

/** True when Kafka (somewhere in the chain of causes) refused a record or batch for its size (message.max.bytes). */
export function isMessageTooLarge(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const type = (e as { type?: unknown }).type;
    if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') return true;
  }
  return false;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
