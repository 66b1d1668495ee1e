import { DynamicModule, Module } from '@nestjs/common';
import { GatewayConfig } from '@pa/config';
import { GATEWAY_CONFIG } from './gateway.tokens';
import { HealthController } from './health/health.controller';
import { IngestController } from './ingest/ingest.controller';
import { SnapshotPublisher } from './ingest/snapshot-publisher.service';

@Module({})
export class GatewayModule {
  static forConfig(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [IngestController, HealthController],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, SnapshotPublisher],
    };
  }
}
