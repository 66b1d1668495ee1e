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

/** What runs a statement on one connection (a pg PoolClient inside the statement's transaction). */
interface Queryable {
  query<R extends Record<string, unknown>>(config: { text: string; values?: unknown[] }): Promise<{ rows: R[] }>;
}

/**
 * The plan of prepared statement `name` as it runs (its cached plan: generic under
 * plan_cache_mode=force_generic_plan), by EXPLAIN EXECUTE. The statement must already be prepared on
 * `client`. EXECUTE takes no bind parameters in its argument list (a utility statement's
 * parameters are not analyzed), so the values travel as bind parameters of set_config (local to the
 * transaction) and the arguments read them back, cast to the statement's own parameter types from
 * pg_prepared_statements: no value ever enters the SQL text.
 */
export async function explainPrepared(client: Queryable, mode: ExplainMode, name: string, values: unknown[]): Promise<unknown> {
  const [prepared] = (await client.query<{ types: string[] }>({ text: 'SELECT parameter_types::text[] AS types FROM pg_prepared_statements WHERE name = $1', values: [name] })).rows;
  if (!prepared) throw new Error(`prepared statement ${name} is not on this connection`);
  if (values.length > 0) {
    const calls = values.map((_, i) => `set_config('pa.explain_${i + 1}', $${i + 1}, true)`);
    await client.query({ text: `SELECT ${calls.join(', ')}`, values: values.map((v) => (v === null || v === undefined ? null : String(v))) });
  }
  // Type names from the catalog and a name made by statementName (hex digest): nothing from a request.
  const args = prepared.types.map((type, i) => `current_setting('pa.explain_${i + 1}')::${type}`);
  const call = `EXECUTE "${name.replace(/"/g, '""')}"${args.length ? `(${args.join(', ')})` : ''}`;
  const [row] = (await client.query<{ 'QUERY PLAN': unknown }>({ text: explainText(mode, call) })).rows;
  return row['QUERY PLAN'];
}
