import { createHash } from 'node:crypto';
import { PlannerSettings } from './planner-settings';

/**
 * Collects bind values and hands out their placeholders: every value a caller supplies travels as a
 * parameter, never inside the SQL text. Identifiers and keywords come only from fixed tables in code.
 */
export class SqlParams {
  readonly values: unknown[] = [];
  private readonly instants = new Map<number, string>();

  /** The placeholder of `value`, cast to `type` so that PostgreSQL never guesses. */
  add(value: unknown, type?: string): string {
    this.values.push(value);
    return type ? `$${this.values.length}::${type}` : `$${this.values.length}`;
  }

  /** An instant (epoch ms) as a timestamptz placeholder; one placeholder per distinct instant. */
  time(ms: number): string {
    let placeholder = this.instants.get(ms);
    if (!placeholder) {
      placeholder = this.add(new Date(ms).toISOString(), 'timestamptz');
      this.instants.set(ms, placeholder);
    }
    return placeholder;
  }
}

/** A SQL statement with its bind values; a `name` makes it a prepared statement per connection. */
export interface BoundSql {
  text: string;
  values: unknown[];
  name?: string;
  /** planner settings of the statement's query shape, set for its transaction (planner-settings.ts) */
  settings?: PlannerSettings;
  /**
   * run on the shard's `generic-plans` pool (libs/pg-shards shard-pools.ts: plan_cache_mode=
   * force_generic_plan on its connections): a named statement planned once per connection, with
   * no transaction around it
   */
  genericPlan?: boolean;
}

/**
 * A prepared statement's name for `text`: `prefix` plus a digest of the text, so that one text is
 * one statement per connection whatever the bind values, and two texts never share a name. The
 * names a caller makes must come from a bounded set of texts (query shapes, not values): pg keeps
 * every statement a connection prepared for the connection's life. Within PostgreSQL's 63 bytes.
 */
export function statementName(prefix: string, text: string): string {
  return `${prefix}-${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
}
