import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { MetricsModule, Observability } from './metrics.module';

const SHUTDOWN = Symbol('TELEMETRY_SHUTDOWN');

class TelemetryShutdown implements OnApplicationShutdown {
  constructor(@Inject(SHUTDOWN) private readonly shutdown: () => Promise<void>) {}

  /** Flushes buffered spans when Nest shuts down (SIGTERM), so the last traces are not lost. */
  async onApplicationShutdown(): Promise<void> {
    await this.shutdown();
  }
}

@Module({})
export class TelemetryShutdownModule {
  static forShutdown(shutdown: () => Promise<void>): DynamicModule {
    return { module: TelemetryShutdownModule, providers: [{ provide: SHUTDOWN, useValue: shutdown }, TelemetryShutdown] };
  }
}

/** The modules an app imports for `/metrics` and for flushing spans on shutdown. */
export function observabilityModules(o: Observability): DynamicModule[] {
  return [MetricsModule.forRegistry(o.registry), TelemetryShutdownModule.forShutdown(o.stopTelemetry)];
}
