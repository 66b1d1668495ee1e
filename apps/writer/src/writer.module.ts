import { DynamicModule, Module } from '@nestjs/common';
import { WriterConfig } from '@pa/config';
import { Observability, observabilityModules } from '@pa/telemetry';
import { SnapshotConsumer } from './consumer/snapshot-consumer.service';
import { HealthController } from './health/health.controller';
import { WRITER_CONFIG } from './writer.tokens';

@Module({})
export class WriterModule {
  static forConfig(config: WriterConfig, observability: Observability): DynamicModule {
    return {
      module: WriterModule,
      imports: observabilityModules(observability),
      controllers: [HealthController],
      providers: [{ provide: WRITER_CONFIG, useValue: config }, SnapshotConsumer],
    };
  }
}
