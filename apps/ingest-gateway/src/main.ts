import { stopTelemetry } from './instrument';
// Before anything loads kafkajs: its record batches get the native CRC32C (libs/kafka/src/native-crc32c.ts).
import { useDirectProduceEncoding, useLeanKafkaEncoder, useNativeCrc32c } from '@pa/kafka';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ApiKeyGuard, accessPolicy } from '@pa/auth';
import { loadGatewayConfig } from '@pa/config';
import { createHttpApp, listen } from '@pa/http';
import { createMetricsRegistry } from '@pa/telemetry';
import { GatewayModule } from './gateway.module';

async function bootstrap(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  const registry = createMetricsRegistry('ingest-gateway');
  const guard = await ApiKeyGuard.open(config.auth, new Logger('ApiKeys'));
  const app = await createHttpApp(GatewayModule.forConfig(config, { registry, stopTelemetry }, guard), {
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
  guard.install(app.getHttpAdapter().getInstance(), accessPolicy({ 'POST /v1/snapshots': 'ingest' }));
  const port = await listen(app, config.http.host, config.http.port);
  new Logger('IngestGateway').log(`record batch CRC32C: ${useNativeCrc32c() ? 'native (@node-rs/crc32)' : "kafkajs's JavaScript (KAFKA_NATIVE_CRC32C=off)"}`);
  new Logger('IngestGateway').log(`kafkajs Encoder: ${useLeanKafkaEncoder() ? 'sized once, no zero fill (libs/kafka/src/kafkajs-encoder.ts)' : "kafkajs's own (KAFKA_LEAN_ENCODER=off)"}`);
  new Logger('IngestGateway').log(`produce requests: ${useDirectProduceEncoding() ? 'written once into one buffer (libs/kafka/src/direct-produce-encoder.ts)' : "kafkajs's nested Encoders (KAFKA_DIRECT_PRODUCE=off)"}`);
  new Logger('IngestGateway').log(`listening on ${config.http.tls ? 'https' : 'http'}://${config.http.host}:${port} (topic ${config.kafka.topic})`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
