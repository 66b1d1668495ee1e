import { hostname } from 'node:os';
import { EnvReader } from './env-reader';

export interface TelemetryConfig {
  serviceName: string;
  serviceVersion: string;
  /** unique per process: host and pid */
  instanceId: string;
  /** false when OTEL_SDK_DISABLED=true, OTEL_TRACES_EXPORTER=none, or no exporter endpoint is set */
  tracesEnabled: boolean;
  /** Zipkin v2 spans URL, e.g. http://127.0.0.1:9411/api/v2/spans */
  zipkinUrl?: string;
  /** OTLP/HTTP base endpoint, e.g. http://collector:4318 (the exporter appends /v1/traces) */
  otlpEndpoint?: string;
}

/**
 * Telemetry settings from the standard OpenTelemetry variables. Sampling stays with the SDK's own
 * OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, which it reads itself.
 */
export function loadTelemetryConfig(env: Record<string, string | undefined>, serviceName: string, serviceVersion: string): Readonly<TelemetryConfig> {
  const r = new EnvReader(env);
  const disabled = r.bool('OTEL_SDK_DISABLED', false) || r.string('OTEL_TRACES_EXPORTER', '') === 'none';
  const zipkinUrl = r.optionalString('OTEL_EXPORTER_ZIPKIN_ENDPOINT');
  const otlpEndpoint = r.optionalString('OTEL_EXPORTER_OTLP_ENDPOINT') ?? r.optionalString('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  return r.finish({
    serviceName: r.string('OTEL_SERVICE_NAME', serviceName),
    serviceVersion,
    instanceId: `${hostname()}:${process.pid}`,
    tracesEnabled: !disabled && Boolean(zipkinUrl || otlpEndpoint),
    zipkinUrl,
    otlpEndpoint,
  });
}
