import { SNAPSHOTS_TOPIC_PARTITIONS } from '@pa/contracts';
import { AppProcess, freePort } from '../support/app-process';
import { benchCatalogUrl } from '../support/bench-databases';
import { createTopic } from '../data/topic-filler';
import { BenchContext } from './bench-context';

const PORT_VARIABLE = { writer: 'WRITER_PORT', summarizer: 'SUMMARIZER_PORT' } as const;

/** A writer or summarizer of the bench on the databases `urls` (default settings otherwise), once ready; `env` may choose its port. */
export async function startPipelineApp(
  ctx: BenchContext,
  app: 'writer' | 'summarizer',
  urls: string[],
  env: Record<string, string>,
  label: string,
): Promise<AppProcess> {
  const port = Number(env[PORT_VARIABLE[app]] ?? (await freePort()));
  // The writer's Kafka principal may use its topics but not create them: the bench (admin) does.
  if (env.KAFKA_TOPIC) await createTopic(ctx.kafka, env.KAFKA_TOPIC, SNAPSHOTS_TOPIC_PARTITIONS);
  if (env.KAFKA_DLQ_TOPIC) await createTopic(ctx.kafka, env.KAFKA_DLQ_TOPIC, 1);
  const all = { KAFKA_BROKERS: ctx.env.brokers.join(','), PG_SHARDS: urls.join(','), CATALOG_URL: benchCatalogUrl(urls), [PORT_VARIABLE[app]]: String(port), ...env };
  const process = new AppProcess(app, all, ctx.env.logDir, label).start();
  return process.waitReady(`http://127.0.0.1:${port}/readyz`);
}
