import { Context, Link, Span, SpanKind, Tracer, context, trace } from '@opentelemetry/api';
import { KafkaMessage } from 'kafkajs';
import { contextFromKafkaHeaders, validSpanContext } from '@pa/telemetry';

/**
 * The spans of one consumed batch: a batch span linked to every record's producer span (span
 * links, as OTel's messaging conventions say for batches), and, because Zipkin shows no links,
 * one span per sampled record that is a child of its producer span and lasts from consume to
 * durable commit, carrying the batch's trace and span id. One request's trace then runs
 * gateway → Kafka → writer → commit, and names the batch trace with the shard COPY spans.
 */
export class BatchTrace {
  private readonly recordSpans: { offset: string; span: Span }[] = [];

  private constructor(
    readonly span: Span,
    readonly context: Context,
  ) {}

  static start(tracer: Tracer, topic: string, partition: number, messages: KafkaMessage[]): BatchTrace {
    const producers = messages.map((m) => ({ offset: m.offset, context: contextFromKafkaHeaders(m.headers) }));
    const links: Link[] = producers.flatMap((p) => {
      const spanContext = validSpanContext(p.context);
      return spanContext ? [{ context: spanContext }] : [];
    });
    const span = tracer.startSpan('writer.batch', {
      kind: SpanKind.CONSUMER,
      links,
      attributes: { 'messaging.destination.name': topic, 'messaging.kafka.partition': partition, 'batch.size': messages.length },
    });
    const batch = new BatchTrace(span, trace.setSpan(context.active(), span));
    const { traceId, spanId } = span.spanContext();
    for (const producer of producers) {
      const parent = validSpanContext(producer.context);
      if (!parent || (parent.traceFlags & 1) === 0) continue; // only records their producer sampled
      const recordSpan = tracer.startSpan(
        'writer.record',
        { kind: SpanKind.CONSUMER, attributes: { 'messaging.kafka.offset': producer.offset, 'batch.trace_id': traceId, 'batch.span_id': spanId } },
        producer.context,
      );
      batch.recordSpans.push({ offset: producer.offset, span: recordSpan });
    }
    return batch;
  }

  /** Ends every span; `parkedOffsets` are records held for a stopped shard (not yet durable). */
  end(attributes: Record<string, number>, parkedOffsets: Set<string>): void {
    for (const { offset, span } of this.recordSpans) {
      span.setAttribute('writer.parked', parkedOffsets.has(offset));
      span.end();
    }
    this.span.setAttributes(attributes);
    this.span.end();
  }
}
