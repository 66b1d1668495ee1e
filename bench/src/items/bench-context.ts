import { Kafka } from 'kafkajs';
import { ShardRouter, evenShardMap } from '@pa/pg-shards';
import { BenchOptions } from '../cli/bench-options';
import { BenchDatabases } from '../support/bench-databases';
import { BenchEnv } from '../support/bench-env';
import { Progress } from '../support/progress';
import { benchKafka } from '../data/topic-filler';

/** What every item needs: where the stack is, the options, and a place to report progress. */
export interface BenchContext {
  env: BenchEnv;
  options: BenchOptions;
  progress: Progress;
  databases: BenchDatabases;
  router: ShardRouter;
  kafka: Kafka;
  /** unique per run: topic and group names carry it */
  runId: string;
}

export function createContext(env: BenchEnv, options: BenchOptions, progress: Progress): BenchContext {
  const shards = env.shardNodes.length;
  return {
    env,
    options,
    progress,
    databases: new BenchDatabases(env.shardNodes, env.apiKeySecretFile),
    router: new ShardRouter(evenShardMap(shards), shards),
    kafka: benchKafka(env.brokers),
    runId: Date.now().toString(36),
  };
}

/** One timed run of one measurement. */
export interface Sample {
  measurement: string;
  rep: number;
  value: number;
  unit: string;
  /** anything else measured alongside (rows, seconds, boot time, latencies) */
  detail: Record<string, unknown>;
}

/** A line of the printed table: a figure next to its baseline, and their ratio. */
export interface TableRow {
  item: string;
  what: string;
  figure: string;
  baseline: string;
  ratio: number;
  /** e.g. "≥ 0.8" */
  target?: string;
  isMet?: boolean;
  note?: string;
}

export interface ItemResult {
  rows: TableRow[];
  samples: Sample[];
  /** item-specific numbers worth keeping in the JSON (medians, settings) */
  summary: Record<string, unknown>;
}
