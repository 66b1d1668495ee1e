import { stopTelemetry } from './instrument';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadGatewayConfig } from '@pa/config';
import { createHttpApp, listen } from '@pa/http';
import { createMetricsRegistry } from '@pa/telemetry';
import { GatewayModule } from './gateway.module';

async function bootstrap(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const registry = createMetricsRegistry('ingest-gateway');
  const app = await createHttpApp(GatewayModule.forConfig(config, { registry, stopTelemetry }), {
    serviceName: 'ingest-gateway',
    registry,
    rawBodies: {
      limitBytes: config.http.bodyLimitBytes,
      maxInFlightBytes: config.http.maxInFlightBodyBytes,
      idleTimeoutMs: config.http.bodyIdleTimeoutMs,
      timeoutMs: config.http.requestTimeoutMs,
    },
    timeouts: config.http,
    tls: config.http.tls,
  });
  const port = await listen(app, config.http.host, config.http.port);
  new Logger('IngestGateway').log(`listening on ${config.http.tls ? 'https' : 'http'}://${config.http.host}:${port} (topic ${config.kafka.topic})`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
