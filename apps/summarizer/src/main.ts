import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadSummarizerConfig } from '@pa/config';
import { createHttpApp, listen } from '@pa/http';
import { SummarizerModule } from './summarizer.module';

async function bootstrap(): Promise<void> {
  const config = loadSummarizerConfig(process.env);
  const app = await createHttpApp(SummarizerModule.forConfig(config) as never);
  const port = await listen(app, config.http.host, config.http.port);
  new Logger('Summarizer').log(`keeping rollups of ${config.shards.urls.length} shards; health on :${port}`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
