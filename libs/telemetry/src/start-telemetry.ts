import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { hostname } from 'node:os';
import { envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import type { TelemetryConfig } from '@pa/config';

let started: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry SDK; call it before kafkajs, pg, http or Nest are first required (an
 * app's instrument.ts, imported first by main.ts), or their instrumentation silently misses.
 * With tracing off nothing is started: the API then hands out no-op spans that cost ~nothing.
 * Refuses a second start (immich's bootstrapTelemetry does the same). Returns the shutdown.
 */
export function startTelemetry(config: TelemetryConfig): () => Promise<void> {
  if (started) throw new Error('telemetry already started');
  if (!config.tracesEnabled) return async () => undefined;
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      'service.name': config.serviceName,
      'service.version': config.serviceVersion,
      'service.instance.id': config.instanceId,
      'host.name': hostname(),
      'process.pid': process.pid,
    }),
    // Not the default host and process detectors: Zipkin copies every resource attribute into the
    // tags of every span (command line, executable path, host id…: ~1 KiB a span), which made
    // tracing cost the gateway a third of its throughput (npm run bench, item 7). OTEL_RESOURCE_ATTRIBUTES still applies.
    resourceDetectors: [envDetector],
    spanProcessors: spanProcessors(config),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(metrics|healthz|readyz)/.test(req.url ?? '') }),
      new NestInstrumentation(),
      new PgInstrumentation({ requireParentSpan: true }),
      new KafkaJsInstrumentation(),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  started = sdk;
  return () => sdk.shutdown();
}

function spanProcessors(config: TelemetryConfig): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (config.zipkinUrl) processors.push(new BatchSpanProcessor(new ZipkinExporter({ url: config.zipkinUrl })));
  // The OTLP exporter reads OTEL_EXPORTER_OTLP_* (endpoint, headers, timeout) itself, per the spec.
  if (config.otlpEndpoint) processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  return processors;
}
