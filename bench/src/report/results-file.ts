import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { BenchOptions } from '../cli/bench-options';
import { ItemResult } from '../items/bench-context';
import { repoRoot } from '../support/paths';

const RESULTS_DIR = join(repoRoot(), 'bench', 'results');

export interface RunRecord {
  startedAt: Date;
  argv: string[];
  options: BenchOptions;
  /** load averages when the run began: how busy the shared box was */
  loadAtStart: number[];
  items: Record<string, ItemResult | { error: string }>;
}

/** Writes bench/results/<date>T<time>Z[-quick].json and returns its path. */
export function writeResults(record: RunRecord, table: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = record.startedAt.toISOString().replace(/:/g, '').replace(/\.\d+Z$/, 'Z');
  const path = join(RESULTS_DIR, `${stamp}${record.options.isQuick ? '-quick' : ''}.json`);
  const body = {
    startedAt: record.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `npm run bench${record.argv.length ? ` -- ${record.argv.join(' ')}` : ''}`,
    host: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), loadAtStart: record.loadAtStart, loadAtEnd: loadavg() },
    options: { ...record.options, items: [...record.options.items] },
    table: table.split('\n'),
    items: record.items,
  };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}
