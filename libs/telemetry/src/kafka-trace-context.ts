import { Context, ROOT_CONTEXT, SpanContext, propagation, trace } from '@opentelemetry/api';

type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined;

/** The trace context a producer put in a record's headers (values arrive as Buffers). */
export function contextFromKafkaHeaders(headers: KafkaHeaders): Context {
  const carrier: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) carrier[key] = last.toString();
  }
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** The span context in `context`, when there is a valid one. */
export function validSpanContext(context: Context): SpanContext | undefined {
  const spanContext = trace.getSpanContext(context);
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext : undefined;
}
