import { Attributes, SpanStatusCode, Tracer, trace } from '@opentelemetry/api';

/** Our instrumentation scope's tracer. */
export function tracerFor(scope: string): Tracer {
  return trace.getTracer(`process-analyzer/${scope}`);
}

/**
 * Runs `fn` inside a new active span named `name`; records an exception and an error status when
 * it throws, and always ends the span. `fn` may add attributes to the span it is given.
 */
export async function withSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  fn: (span: import('@opentelemetry/api').Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
