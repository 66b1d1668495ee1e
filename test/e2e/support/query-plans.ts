import { Pool } from 'pg';

/** One node of an EXPLAIN (FORMAT JSON) plan, the fields the golden-plan tests read. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** What explain=… puts beside an answer (apps/query-api/src/explain). */
export interface ExplainBody {
  answer: unknown;
  explain: { mode: string; plans: { shard: number; statement?: string; settings: Record<string, string>; plan: [{ Plan: PlanNode }] }[] };
}

/** Every node of a plan tree, depth first. */
export function planNodes(root: PlanNode): PlanNode[] {
  return [root, ...(root.Plans ?? []).flatMap(planNodes)];
}

/** A scan of a relation in a plan taken with ANALYZE, BUFFERS. */
export interface Scan {
  relation: string;
  node: string;
  index?: string;
  /** shared buffers it touched (hit + read), over all its loops */
  buffers: number;
}

/**
 * Relations a plan (EXPLAIN ANALYZE) really read, with how (node type and index). Scans that never
 * ran are left out: partitions pruned at run time (a LATERAL's bounds, a CTE's instant) stay in the
 * plan with zero loops.
 */
export function scans(root: PlanNode): Scan[] {
  return planNodes(root)
    .filter((n) => n['Relation Name'] !== undefined && (n['Actual Loops'] ?? 0) > 0)
    .map((n) => ({ relation: n['Relation Name'] as string, node: n['Node Type'], index: n['Index Name'], buffers: sharedBuffers(n) }));
}

/** Buffers below which a sequential scan reads next to nothing (a compressed day's emptied heap partition with a few late rows). */
export const NEARLY_EMPTY_BUFFERS = 4;

/** Sequential scans of relations matching `pattern` that read more than a nearly empty relation. */
export function wholeScans(root: PlanNode, pattern: RegExp): Scan[] {
  return scans(root).filter((s) => s.node === 'Seq Scan' && pattern.test(s.relation) && s.buffers > NEARLY_EMPTY_BUFFERS);
}

/** Shared buffers (hit + read) of the whole statement: the root node's counts include its children's. */
export function sharedBuffers(root: PlanNode): number {
  return (root['Shared Hit Blocks'] ?? 0) + (root['Shared Read Blocks'] ?? 0);
}

/** `process_samples_YYYYMMDD` of a day's midnight (ms). */
export function samplesPartition(dayMs: number): string {
  return `process_samples_${new Date(dayMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** Heap pages of a relation on a node. */
export async function relationPages(pool: Pool, relation: string): Promise<number> {
  const { rows } = await pool.query<{ pages: string }>('SELECT pg_relation_size($1::regclass) / current_setting($2)::int AS pages', [relation, 'block_size']);
  return Number(rows[0].pages);
}
