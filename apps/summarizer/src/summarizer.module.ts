import { DynamicModule, Module } from '@nestjs/common';
import { SummarizerConfig } from '@pa/config';
import { Observability, observabilityModules } from '@pa/telemetry';
import { HealthController } from './health/health.controller';
import { OutboxWorker } from './outbox/outbox-worker.service';
import { SUMMARIZER_CONFIG } from './summarizer.tokens';

@Module({})
export class SummarizerModule {
  static forConfig(config: SummarizerConfig, observability: Observability): DynamicModule {
    return {
      module: SummarizerModule,
      imports: observabilityModules(observability),
      controllers: [HealthController],
      providers: [{ provide: SUMMARIZER_CONFIG, useValue: config }, OutboxWorker],
    };
  }
}
