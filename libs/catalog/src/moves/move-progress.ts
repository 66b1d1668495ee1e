import { HistorySlice } from './history-slices';
import { MoveRecord } from './move.repository';
import { SliceCopy } from './slice-copier';

/** Progress lines while a range's history is copied: rows and snapshots, rate, time left; at most one every `everyMs`. */
export class MoveProgress {
  snapshots = 0;
  rows = 0;
  private readonly totalRows: number;
  private readonly started = performance.now();
  private doneRows = 0;
  private lastLine = 0;

  constructor(
    private readonly record: MoveRecord,
    slices: HistorySlice[],
    private readonly log: (line: string) => void,
    /** the copy's rate limit, rows/s (undefined or 0: none) */
    private readonly limit?: number,
    private readonly everyMs = 2_000,
  ) {
    this.totalRows = slices.reduce((n, s) => n + s.rows, 0);
    const limited = limit ? `, at most ${limit} rows/s` : ', no rate limit';
    log(`move ${record.moveId}: copying ${this.totalRows} rows of buckets ${record.from}-${record.to} in ${slices.length} slices${limited}`);
  }

  add(slice: HistorySlice, copied: SliceCopy): void {
    this.snapshots += copied.snapshots;
    this.rows += copied.rows;
    this.doneRows += slice.rows;
    const now = performance.now();
    if (now - this.lastLine < this.everyMs) return;
    this.lastLine = now;
    const seconds = (now - this.started) / 1000;
    const rate = this.doneRows / seconds;
    const left = rate > 0 ? (this.totalRows - this.doneRows) / rate : 0;
    this.log(
      `move ${this.record.moveId}: ${this.doneRows}/${this.totalRows} rows (${percent(this.doneRows, this.totalRows)}), ` +
        `${Math.round(rate)} rows/s${this.limit ? ` (limit ${this.limit})` : ''}, about ${Math.ceil(left)} s left`,
    );
  }

  finish(machines: number): void {
    const seconds = (performance.now() - this.started) / 1000;
    this.log(
      `move ${this.record.moveId}: copied ${this.snapshots} snapshots, ${this.rows} rows of ${machines} machines in ${seconds.toFixed(1)} s ` +
        `(${Math.round(this.doneRows / Math.max(seconds, 0.001))} rows/s read; the rest was on the target already)`,
    );
  }
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '100%' : `${((100 * part) / whole).toFixed(0)}%`;
}
