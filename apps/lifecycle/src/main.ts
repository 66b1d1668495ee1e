import { stopTelemetry } from './instrument';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadLifecycleConfig } from '@pa/config';
import { ApiKeyGuard, accessPolicy } from '@pa/auth';
import { createHttpApp, listen } from '@pa/http';
import { createMetricsRegistry } from '@pa/telemetry';
import { LifecycleModule } from './lifecycle.module';

async function bootstrap(): Promise<void> {
  const config = loadLifecycleConfig(process.env);
  const registry = createMetricsRegistry('lifecycle');
  const app = await createHttpApp(LifecycleModule.forConfig(config, { registry, stopTelemetry }), { serviceName: 'lifecycle', registry });
  // Only /metrics is guarded here (metrics scope); the probes stay public.
  const guard = await ApiKeyGuard.open(config.auth, new Logger('ApiKeys'));
  guard.install(app.getHttpAdapter().getInstance(), accessPolicy({}));
  const port = await listen(app, config.http.host, config.http.port);
  new Logger('Lifecycle').log(`sealing days older than ${config.latenessMs / 3_600_000} h on ${config.shards.urls.length} shards every ${config.intervalMs / 1000} s; health on :${port}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
