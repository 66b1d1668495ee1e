import { stopTelemetry } from './instrument';
// Before anything loads kafkajs: its record batches get the native CRC32C (libs/kafka/src/native-crc32c.ts).
import { useFetchAhead, useNativeCrc32c } from '@pa/kafka';
import { setFlagsFromString } from 'node:v8';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadWriterConfig } from '@pa/config';
import { ApiKeyGuard, accessPolicy } from '@pa/auth';
import { createHttpApp, listen } from '@pa/http';
import { createMetricsRegistry } from '@pa/telemetry';
import { WriterModule } from './writer.module';

async function bootstrap(): Promise<void> {
  const config = loadWriterConfig(process.env);
  // Both on unless set to off, before the consumer's first fetch (README, Performance, "Both together").
  const fetchAhead = useFetchAhead();
  const externalInGlobalLimit = process.env.WRITER_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT !== 'off';
  // The 64 MiB fetch buffers then count in V8's global heap limit, instead of starting a major GC
  // every 64 MB of Buffers (six in a million-row drain); Node refuses V8 flags in NODE_OPTIONS.
  if (externalInGlobalLimit) setFlagsFromString('--external-memory-accounted-in-global-limit');
  const registry = createMetricsRegistry('writer');
  const app = await createHttpApp(WriterModule.forConfig(config, { registry, stopTelemetry }), { serviceName: 'writer', registry, });
  // Only /metrics is guarded here (metrics scope); the probes stay public.
  const guard = await ApiKeyGuard.open(config.auth, new Logger('ApiKeys'));
  guard.install(app.getHttpAdapter().getInstance(), accessPolicy({}));
  const port = await listen(app, config.http.host, config.http.port);
  new Logger('Writer').log(`record batch CRC32C: ${useNativeCrc32c() ? 'native (@node-rs/crc32)' : "kafkajs's JavaScript (KAFKA_NATIVE_CRC32C=off)"}`);
  new Logger('Writer').log(
    `Kafka fetches: ${fetchAhead ? 'the next one sent while this one is stored' : "kafkajs's own, one after the other (KAFKA_FETCH_AHEAD=off)"}; ` +
      `V8 external memory ${externalInGlobalLimit ? 'in the global heap limit' : "by V8's default limit (WRITER_V8_EXTERNAL_MEMORY_IN_GLOBAL_LIMIT=off)"}`,
  );
  new Logger('Writer').log(
    `consuming ${config.kafka.topic} as ${config.kafka.groupId} into ${config.shards.urls.length} shards; health on :${port}`,
  );
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
