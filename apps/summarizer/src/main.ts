import { stopTelemetry } from './instrument';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadSummarizerConfig } from '@pa/config';
import { ApiKeyGuard, accessPolicy } from '@pa/auth';
import { createHttpApp, listen } from '@pa/http';
import { createMetricsRegistry } from '@pa/telemetry';
import { SummarizerModule } from './summarizer.module';

async function bootstrap(): Promise<void> {
  const config = loadSummarizerConfig(process.env);
  const registry = createMetricsRegistry('summarizer');
  const app = await createHttpApp(SummarizerModule.forConfig(config, { registry, stopTelemetry }), { serviceName: 'summarizer', registry, });
  // Only /metrics is guarded here (metrics scope); the probes stay public.
  const guard = await ApiKeyGuard.open(config.auth, new Logger('ApiKeys'));
  guard.install(app.getHttpAdapter().getInstance(), accessPolicy({}));
  const port = await listen(app, config.http.host, config.http.port);
  new Logger('Summarizer').log(`keeping rollups of ${config.shards.urls.length} shards; health on :${port}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
