import { Level, Range, WindowPlan, subtract, usedLevels } from '../planning/window-plan';
import { SqlParams } from './sql-params';

/*
 * Exact answers from rollups plus raw rows, in ONE statement per shard.
 *
 * Why this is exact. Under READ COMMITTED one statement reads one snapshot of the shard. The
 * writer inserts raw rows and their rollup_outbox row (the time range it touched, per machine) in
 * one transaction; the summarizer recomputes the rollups of the claimed ranges and deletes those
 * outbox rows in one transaction (under a per-machine lock). So, within one snapshot: a
 * (machine, bucket) of any level that no outbox row overlaps has a rollup row equal to the
 * aggregate of its raw rows: every raw row in it was summarized, and nothing newer is visible. A
 * coarse bucket is rebuilt from finer ones, so it is clean only if all of its finer buckets are,
 * which "no outbox row overlaps the coarse bucket" guarantees.
 *
 * So the statement reads, for the window [from, to) split by planWindow:
 *   - level L rows of L's own range (minus the coarser level's range), unless dirty;
 *   - level L rows inside coarser buckets that are dirty, unless dirty themselves;
 *   - raw rows at the unaligned edges (outside the 1m range) and inside dirty minutes.
 * Dirty buckets come from the outbox rows overlapping the rollup ranges, expanded to minutes and
 * coarsened to hours and days (bucket bounds are minute multiples, so minutes decide overlap).
 * Every instant of the window is read from exactly one source; all sources are partial aggregates
 * (sum, count, max, pid sets) that the caller's merge combines.
 *
 * Fleet rollups (migration 017; spec.fleet). A fleet row (name, bucket) is the aggregate of the
 * node's per-machine rows of that bucket as of its last rebuild. Every change to those rows adds a
 * fleet_rollup_outbox row in its own transaction, and a rebuild deletes the ones it claimed in
 * the transaction that rewrites the fleet rows. So, within one snapshot, a bucket that no
 * fleet_rollup_outbox row names and in which no machine is dirty has a fleet row equal to the
 * aggregate of its raw rows. Level L's own range is then read as fleet rows of such buckets plus,
 * for the others (fleet_fallback_L), the per-machine rows as above (clean ones; dirty machines
 * fall through to finer levels exactly as before). Fleet rows span every machine of the node:
 * never with a tenant, and never on a node that holds buckets it does not own (the caller knows).
 */

/** One source of partial aggregates: a table read under the alias `a`. */
export interface PartSource {
  table: string;
  /** SELECT list over alias `a`: grouping keys, then partials; the same columns for every source */
  select: (a: string) => string;
  /** GROUP BY list over alias `a` */
  groupBy: (a: string) => string;
  /** extra condition on alias `a` (machine, process name, cursor), if any */
  where?: (a: string) => string;
}

export interface LayeredSpec {
  /** the source for a rollup level (time column `bucket`) */
  rollup: (level: Level) => PartSource;
  /** raw sources (time column `ts`) */
  raw: PartSource[];
  /** placeholder of the one machine all rows belong to, if any: narrows the outbox scan */
  machine?: string;
  /** the final SELECT over the union of all parts, given as a parenthesized subquery text */
  merge: (parts: string) => string;
  /** the caller's tenant as a condition on a machine_id column (read-tenant.ts), if restricted: applied to every part */
  tenant?: (column: string) => string;
  /**
   * the fleet rollup source for a level (no machine column; same select list as `rollup`), when
   * the answer may read fleet rows: ignored with a tenant (fleet rows count every machine)
   */
  fleet?: (level: Level) => PartSource;
}

const UNIT: Record<Level, string> = { '1m': 'minute', '1h': 'hour', '1d': 'day' };
const WIDTH: Record<Level, string> = { '1m': "interval '1 minute'", '1h': "interval '1 hour'", '1d': "interval '1 day'" };

/** The statement answering `spec` over `plan`; its bind values accumulate in `p`. */
export function layeredSql(plan: WindowPlan, spec: LayeredSpec, p: SqlParams): string {
  const levels = usedLevels(plan);
  const parts: string[] = [];
  const within = (source: PartSource) => withTenant(source, spec.tenant);
  const fleet = spec.tenant ? undefined : spec.fleet;
  levels.forEach((level, i) => {
    const source = within(spec.rollup(level));
    const coarser = levels[i + 1];
    parts.push(...(fleet ? fleetParts(plan, level, coarser, source, fleet(level), p) : rollupParts(plan, level, coarser, source, p)));
  });
  for (const source of spec.raw) parts.push(...rawParts(plan, levels[0], within(source), p, spec.machine === undefined));
  const union = `(${parts.join('\n  UNION ALL\n  ')}) u`;
  const ctes = levels.length > 0 ? [dirtyCtes(plan, levels, spec.machine, p), ...(fleet ? fleetFallbackCtes(plan, levels, p) : [])] : [];
  return `${ctes.length ? `WITH ${ctes.join(',\n  ')}\n` : ''}${spec.merge(union)}`;
}

/**
 * Level L's own range from fleet rows where the bucket is clean for the whole node, per-machine
 * rows (the clean machines) of the other buckets, and the same fall-through into coarser dirty
 * buckets as rollupParts.
 */
function fleetParts(plan: WindowPlan, level: Level, coarser: Level | undefined, source: PartSource, fleet: PartSource, p: SqlParams): string[] {
  const own = plan.levels[level] as Range;
  const clean = cleanCondition(level);
  const parts: string[] = [];
  for (const r of subtract(own, coarser && plan.levels[coarser])) {
    const [from, to] = [p.time(r.from), p.time(r.to)];
    const whole = `NOT EXISTS (SELECT 1 FROM fleet_fallback_${level} f WHERE f.bucket = a.bucket)`;
    parts.push(part(fleet, [`a.bucket >= ${from}`, `a.bucket < ${to}`], [whole]));
    const rows = `SELECT * FROM ${source.table} a WHERE a.bucket = f.bucket${extra(source).map((c) => ` AND ${c}`).join('')} OFFSET 0`;
    parts.push(
      `SELECT ${source.select('a')} FROM fleet_fallback_${level} f CROSS JOIN LATERAL (${rows}) a ` +
        `WHERE f.bucket >= ${from} AND f.bucket < ${to} AND ${clean} GROUP BY ${source.groupBy('a')}`,
    );
  }
  if (coarser) {
    const inside = ['a.bucket >= c.bucket', `a.bucket < c.bucket + ${WIDTH[coarser]}`];
    parts.push(dirtyPart(source, `dirty_${coarser} c`, inside, [clean]));
  }
  return parts;
}

/** A per-machine rollup row (alias a) that no outbox row overlaps at `level`. */
function cleanCondition(level: Level): string {
  return `NOT EXISTS (SELECT 1 FROM dirty_${level} d WHERE d.machine_id = a.machine_id AND d.bucket = a.bucket)`;
}

/**
 * fleet_fallback_<level>: the buckets of the level's range whose fleet rows cannot be read: a
 * machine is dirty there, or the bucket waits for its fleet rebuild.
 */
function fleetFallbackCtes(plan: WindowPlan, levels: Level[], p: SqlParams): string[] {
  return levels.map((level) => {
    const range = plan.levels[level] as Range;
    return `fleet_fallback_${level} AS MATERIALIZED (
    SELECT bucket FROM dirty_${level}
    UNION
    SELECT bucket FROM fleet_rollup_outbox WHERE level = '${level}' AND bucket >= ${p.time(range.from)} AND bucket < ${p.time(range.to)})`;
  });
}

function rollupParts(plan: WindowPlan, level: Level, coarser: Level | undefined, source: PartSource, p: SqlParams): string[] {
  const own = plan.levels[level] as Range;
  const clean = cleanCondition(level);
  const parts = subtract(own, coarser && plan.levels[coarser]).map((r) =>
    part(source, [`a.bucket >= ${p.time(r.from)}`, `a.bucket < ${p.time(r.to)}`], [clean]),
  );
  if (coarser) {
    const inside = ['a.bucket >= c.bucket', `a.bucket < c.bucket + ${WIDTH[coarser]}`];
    parts.push(dirtyPart(source, `dirty_${coarser} c`, inside, [clean]));
  }
  return parts;
}

/**
 * Raw edges of a fleet-wide read at most this long are read machine by machine (edgePart). A
 * window's edges outside its 1-minute range are shorter than a minute; the forced-raw windows
 * (hours) keep one range scan.
 */
export const PER_MACHINE_EDGE_MS = 60_000;

function rawParts(plan: WindowPlan, finest: Level | undefined, source: PartSource, p: SqlParams, isFleetWide: boolean): string[] {
  const edges = subtract(plan.window, finest && plan.levels[finest]);
  const parts = edges.map((r) => {
    const [from, to] = [p.time(r.from), p.time(r.to)];
    const conditions = [`a.ts >= ${from}`, `a.ts < ${to}`];
    return isFleetWide && r.to - r.from <= PER_MACHINE_EDGE_MS ? edgePart(source, conditions, { from, to }) : part(source, conditions, [], { from, to });
  });
  if (finest) parts.push(dirtyPart(source, 'dirty_runs c', ['a.ts >= c.from_ts', 'a.ts < c.to_ts'], [], { from: 'c.from_ts', to: 'c.to_ts' }));
  return parts;
}

/** SQL expressions of a raw source's time range [from, to). */
interface RawRange {
  from: string;
  to: string;
}

/**
 * What a source is read from: process samples through pa_read.process_samples_between (migration
 * 013), heap rows and compressed segments alike, so that an answer is the same whatever form a day
 * has; the range reaches the segments' hour index (a plain view could not carry it there).
 */
function fromClause(source: PartSource, range: RawRange | undefined): string {
  return range && source.table === RAW_SAMPLES_TABLE ? `process_samples_between(${range.from}, ${range.to})` : source.table;
}

/** The raw table whose sealed days may be compressed (docs/lifecycle.md). */
export const RAW_SAMPLES_TABLE = 'process_samples';

/** Rows of `source` in a time range: `conditions` use the table's indexes, `outer` run after. */
function part(source: PartSource, conditions: string[], outer: string[], range?: RawRange): string {
  const where = [...conditions, ...outer, ...extra(source)].join(' AND ');
  return `SELECT ${source.select('a')} FROM ${fromClause(source, range)} a WHERE ${where} GROUP BY ${source.groupBy('a')}`;
}

/**
 * Fleet-wide rows of `source` in a short time range, machine by machine: one (machine_id, ts)
 * index range scan per machine of the node (the machines directory, migration 010: the writer adds
 * a machine in the transaction of its first rows, bucket moves copy it, nothing else deletes it;
 * its read view leaves out the same machines as the raw ones). The plain range condition had only
 * the BRIN index on ts, lossy where the day's rows are not in time order (a back-fill, late
 * machines): bench item 6's data, a 37 s edge of one shard, 7,060 heap blocks rechecked
 * (275 k rows removed) and 276–580 ms at load 15–20, against 111 exact heap blocks and 25 ms this way.
 */
function edgePart(source: PartSource, conditions: string[], range: RawRange): string {
  const inner = ['a.machine_id = m.machine_id', ...conditions, ...extra(source)];
  const rows = `SELECT * FROM ${fromClause(source, range)} a WHERE ${inner.join(' AND ')} OFFSET 0`;
  return `SELECT ${source.select('a')} FROM machines m CROSS JOIN LATERAL (${rows}) a GROUP BY ${source.groupBy('a')}`;
}

/**
 * Rows of `source` inside dirty time ranges (`dirty`, aliased c, has machine_id). LATERAL ...
 * OFFSET 0 keeps PostgreSQL from flattening it into a merge join on machine_id alone (it cannot
 * estimate the CTE): each range becomes one index range scan on (machine_id, time).
 */
function dirtyPart(source: PartSource, dirty: string, inside: string[], outer: string[], range?: RawRange): string {
  const inner = ['a.machine_id = c.machine_id', ...inside, ...extra(source)];
  const rows = `SELECT * FROM ${fromClause(source, range)} a WHERE ${inner.join(' AND ')} OFFSET 0`;
  const where = outer.length ? ` WHERE ${outer.join(' AND ')}` : '';
  return `SELECT ${source.select('a')} FROM ${dirty} CROSS JOIN LATERAL (${rows}) a${where} GROUP BY ${source.groupBy('a')}`;
}

/** `source` with the tenant condition added to its own (every part reads only the caller's machines). */
function withTenant(source: PartSource, tenant: ((column: string) => string) | undefined): PartSource {
  if (!tenant) return source;
  const own = source.where;
  return { ...source, where: (a) => (own ? `${own(a)} AND ${tenant(`${a}.machine_id`)}` : tenant(`${a}.machine_id`)) };
}

function extra(source: PartSource): string[] {
  const condition = source.where?.('a');
  return condition ? [condition] : [];
}

/**
 * dirty_<finest>: (machine, minute) of every outbox range overlapping the rollup ranges; each
 * coarser dirty_<level>: those minutes coarsened, kept where that level is used. MATERIALIZED:
 * small, and probed once per rollup row.
 */
function dirtyCtes(plan: WindowPlan, levels: Level[], machine: string | undefined, p: SqlParams): string {
  const [finest, ...coarser] = levels;
  const span = plan.levels[finest] as Range;
  const from = p.time(span.from);
  const to = p.time(span.to);
  const ctes = [
    `dirty_${finest} AS MATERIALIZED (
    SELECT DISTINCT o.machine_id, g.bucket
    FROM rollup_outbox o
    CROSS JOIN LATERAL generate_series(
      date_trunc('${UNIT[finest]}', greatest(o.from_ts, ${from}), 'UTC'),
      least(o.to_ts, ${to} - interval '1 microsecond'),
      ${WIDTH[finest]}) AS g(bucket)
    WHERE o.from_ts < ${to} AND o.to_ts >= ${from}${machine ? ` AND o.machine_id = ${machine}` : ''})`,
  ];
  let finer = finest;
  for (const level of coarser) {
    const range = plan.levels[level] as Range;
    ctes.push(`dirty_${level} AS MATERIALIZED (
    SELECT DISTINCT machine_id, date_trunc('${UNIT[level]}', bucket, 'UTC') AS bucket FROM dirty_${finer}
    WHERE bucket >= ${p.time(range.from)} AND bucket < ${p.time(range.to)})`);
    finer = level;
  }
  // Raw rows are read per run of consecutive dirty minutes of a machine (gaps and islands): a
  // backlog of thousands of dirty minutes becomes a few index range scans.
  ctes.push(`dirty_runs AS MATERIALIZED (
    SELECT machine_id, min(bucket) AS from_ts, max(bucket) + ${WIDTH[finest]} AS to_ts
    FROM (SELECT machine_id, bucket, bucket - ${WIDTH[finest]} * row_number() OVER (PARTITION BY machine_id ORDER BY bucket) AS island
          FROM dirty_${finest}) m
    GROUP BY machine_id, island)`);
  return ctes.join(',\n  ');
}

/** `machine_rollup_1h`-style table name of a rollup family at a level. */
export function rollupTable(family: 'machine' | 'process', level: Level): string {
  return `${family}_rollup_${level}`;
}

/** The fleet rollup table of a level (migration 017): per process name over every machine of a node. */
export function fleetRollupTable(level: Level): string {
  return `process_fleet_rollup_${level}`;
}
