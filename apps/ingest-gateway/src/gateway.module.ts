import { DynamicModule, Module } from '@nestjs/common';
import { API_KEY_GUARD, ApiKeyGuard } from '@pa/auth';
import { GatewayConfig } from '@pa/config';
import { Observability, observabilityModules } from '@pa/telemetry';
import { GatewayMetrics } from './ingest/gateway.metrics';
import { GATEWAY_CONFIG } from './gateway.tokens';
import { HealthController } from './health/health.controller';
import { IngestController } from './ingest/ingest.controller';
import { SnapshotPublisher } from './ingest/snapshot-publisher.service';

@Module({})
export class GatewayModule {
  static forConfig(config: GatewayConfig, observability: Observability, guard: ApiKeyGuard): DynamicModule {
    return {
      module: GatewayModule,
      imports: observabilityModules(observability),
      controllers: [IngestController, HealthController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: API_KEY_GUARD, useValue: guard },
        { provide: GatewayMetrics, useValue: new GatewayMetrics(observability.registry) },
        SnapshotPublisher,
      ],
    };
  }
}
