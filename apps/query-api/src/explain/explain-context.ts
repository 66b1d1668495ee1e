import { AsyncLocalStorage } from 'node:async_hooks';

/** `plan`: EXPLAIN (FORMAT JSON, SETTINGS), the statement not run a second time; `analyze`: with ANALYZE, BUFFERS (runs it again). */
export type ExplainMode = 'plan' | 'analyze';

/** One statement's plan on one shard, as EXPLAIN (FORMAT JSON) gave it. */
export interface ShardPlan {
  shard: number;
  /** the prepared statement's name, if it has one */
  statement?: string;
  /** the planner settings its query shape set (planner-settings.ts) */
  settings: Record<string, string>;
  plan: unknown;
}

/** The plans a request with explain=… collects, in the order its statements ran. */
export interface ExplainCollector {
  mode: ExplainMode;
  plans: ShardPlan[];
}

const store = new AsyncLocalStorage<ExplainCollector>();

/** Runs `work` so that every shard statement it makes also records its plan in `collector`. */
export function collectPlans<T>(collector: ExplainCollector, work: () => Promise<T>): Promise<T> {
  return store.run(collector, work);
}

/** The collector of the current request, if it asked for plans. */
export function currentExplain(): ExplainCollector | undefined {
  return store.getStore();
}

/** The EXPLAIN statement text of `text` in `mode`. */
export function explainText(mode: ExplainMode, text: string): string {
  return mode === 'analyze' ? `EXPLAIN (ANALYZE, BUFFERS, SETTINGS, FORMAT JSON) ${text}` : `EXPLAIN (SETTINGS, FORMAT JSON) ${text}`;
}
