import { ProblemException } from '@pa/http';
import { BackpressureError, PublishError } from '@pa/kafka';
import { IngestErrorCode, ingestProblem } from './ingest.errors';

/**
 * The answer to a publish that failed, by whether retrying can help (STYLE.md §12): 503 +
 * Retry-After when it can (Kafka slow or down, too much waiting; the producer is replaced after
 * any failure, so even kafkajs's non-retriable sequence errors heal), 413 when the request is at
 * fault (a record over the topic's limit), 500 when only Kafka's operator can fix it.
 */
export function publishProblem(error: unknown, topic: { name: string; maxRecordBytes: number }): ProblemException {
  if (error instanceof BackpressureError) {
    return ingestProblem(IngestErrorCode.BACKPRESSURE, `${error.message}; retry later`, { headers: { 'retry-after': '1' } });
  }
  if (error instanceof PublishError && error.tooLarge) {
    return ingestProblem(
      IngestErrorCode.RECORD_TOO_LARGE,
      `Kafka refused a snapshot as larger than topic ${topic.name} takes: a snapshot's JSON may have at most ${topic.maxRecordBytes} bytes; retrying cannot help`,
    );
  }
  if (error instanceof PublishError && error.refusedByConfig) {
    return ingestProblem(IngestErrorCode.KAFKA_REFUSED, 'Kafka refuses the gateway’s records for a reason retrying cannot fix; see the gateway log');
  }
  return ingestProblem(IngestErrorCode.KAFKA_UNAVAILABLE, 'Kafka did not acknowledge the snapshots; nothing was accepted, retry later', {
    headers: { 'retry-after': '5' },
  });
}
