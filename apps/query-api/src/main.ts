import { stopTelemetry } from './instrument';
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ApiKeyGuard } from '@pa/auth';
import { loadQueryConfig, serviceVersion } from '@pa/config';
import { createHttpApp, listen } from '@pa/http';
import { createMetricsRegistry } from '@pa/telemetry';
import { installArchivedRangeHeader } from './common/archived-range';
import { serveDashboard } from './dashboard/serve-dashboard';
import { serveOpenApi } from './docs/open-api';
import { MAX_PATH_PARAM_CHARS } from './params/path-params';
import { QueryApiModule } from './query-api.module';
import { QUERY_ACCESS } from './query-access';

async function bootstrap(): Promise<void> {
  const config = loadQueryConfig(process.env);
  const registry = createMetricsRegistry('query-api');
  const guard = await ApiKeyGuard.open(config.auth, new Logger('ApiKeys'));
  const app = await createHttpApp(QueryApiModule.forConfig(config, { registry, stopTelemetry }, guard), {
    serviceName: 'query-api',
    registry,
    maxParamLength: MAX_PATH_PARAM_CHARS,
    tls: config.http.tls,
  });
  guard.install(app.getHttpAdapter().getInstance(), QUERY_ACCESS);
  installArchivedRangeHeader(app.getHttpAdapter().getInstance(), config.rawRetentionMs);
  serveOpenApi(app, serviceVersion());
  const dashboard = (await serveDashboard(app)) ? 'dashboard at /' : 'dashboard not built';
  const port = await listen(app, config.http.host, config.http.port);
  const cache = config.cache ? 'Redis cache on' : 'no cache (REDIS_URL unset)';
  new Logger('QueryApi').log(`listening on ${config.http.tls ? 'https' : 'http'}://${config.http.host}:${port} over ${config.shards.urls.length} shards; ${cache}; docs at /docs; ${dashboard}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
