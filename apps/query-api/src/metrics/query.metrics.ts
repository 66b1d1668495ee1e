import { Counter, Histogram, Registry } from 'prom-client';

/**
 * The query API's own metrics, beside the per-route request latency that libs/http records:
 * how answers were obtained (cache), and how each shard answers.
 */
export class QueryMetrics {
  readonly cacheAnswers: Counter<'endpoint' | 'result'>;
  readonly shardSeconds: Histogram<'shard'>;
  readonly shardFailures: Counter<'shard'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.cacheAnswers = new Counter({
      name: 'pa_query_cache_answers_total',
      help: 'Fleet-wide answers by cache outcome: hit, miss (computed), bypass (no cache, Redis down, shard missing)',
      labelNames: ['endpoint', 'result'],
      registers,
    });
    this.shardSeconds = new Histogram({
      name: 'pa_query_shard_statement_seconds',
      help: 'One statement on one shard, from the pool checkout to the last row',
      labelNames: ['shard'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.shardFailures = new Counter({
      name: 'pa_query_shard_failures_total',
      help: 'Statements a shard did not answer (down, unreachable, over the statement timeout)',
      labelNames: ['shard'],
      registers,
    });
  }
}
