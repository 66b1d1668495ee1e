import { TableRow } from '../items/bench-context';

const HEADER = ['#', 'measurement', 'figure', 'baseline', 'ratio', 'target'];

/** The rows as a Markdown table (aligned, so it reads in a terminal and pastes into the README). */
export function renderTable(rows: TableRow[]): string {
  const cells = rows.map((r) => [r.item, r.what, r.figure, r.baseline, formatRatio(r.ratio), targetCell(r)]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.item} ${r.what}: ${r.note}`);
  return [line(HEADER), rule, ...cells.map(line), ...(notes.length ? ['', ...notes] : []), ...targetSummary(rows)].join('\n');
}

/**
 * Every row with a target once more, as a verdict list under the table: what an issue's "done
 * when" asks the bench to say (MET or MISSED with the figure), readable without the wide table.
 */
export function targetSummary(rows: TableRow[]): string[] {
  const targeted = rows.filter((r) => r.target);
  if (targeted.length === 0) return [];
  const verdict = (r: TableRow) => (r.isMet === undefined ? 'UNMEASURED' : r.isMet ? 'MET' : 'MISSED');
  const measured = (r: TableRow) => (Number.isFinite(r.ratio) ? `${r.figure}, ${formatRatio(r.ratio)} of ${r.baseline}` : r.figure);
  return ['', 'Targets:', ...targeted.map((r) => `- ${verdict(r)} · item ${r.item} ${r.what}: ${measured(r)}, target ${r.target}`)];
}

function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 10 ? `${value.toFixed(1)}×` : `${value.toFixed(2)}×`;
}

function targetCell(row: TableRow): string {
  if (!row.target) return '';
  if (row.isMet === undefined) return row.target;
  return `${row.target} ${row.isMet ? 'MET' : 'MISSED'}`;
}
