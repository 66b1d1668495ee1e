import { DynamicModule, Module } from '@nestjs/common';
import { LifecycleConfig } from '@pa/config';
import { Observability, observabilityModules } from '@pa/telemetry';
import { HealthController } from './health/health.controller';
import { LifecycleWorker } from './service/lifecycle-worker.service';
import { LIFECYCLE_CONFIG } from './lifecycle.tokens';

@Module({})
export class LifecycleModule {
  static forConfig(config: LifecycleConfig, observability: Observability): DynamicModule {
    return {
      module: LifecycleModule,
      imports: observabilityModules(observability),
      controllers: [HealthController],
      providers: [{ provide: LIFECYCLE_CONFIG, useValue: config }, LifecycleWorker],
    };
  }
}
