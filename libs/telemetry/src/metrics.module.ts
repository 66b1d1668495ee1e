import { Controller, DynamicModule, Get, Header, Inject, Module } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** A Prometheus registry labelled with the service name, with Node's process metrics in it. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

@Controller()
class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  /** Prometheus text exposition format. */
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Serves `GET /metrics` from the given registry. */
@Module({})
export class MetricsModule {
  static forRegistry(registry: Registry): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: METRICS_REGISTRY, useValue: registry }],
      exports: [METRICS_REGISTRY],
      global: true,
    };
  }
}

/** What every app's module imports: `/metrics` from its registry, and span flushing on shutdown. */
export interface Observability {
  registry: Registry;
  stopTelemetry: () => Promise<void>;
}
