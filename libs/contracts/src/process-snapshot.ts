/** One process as sampled by a collector (OpenTelemetry `process.*` naming where it exists). */
export interface ProcessSample {
  pid: number;
  ppid?: number;
  name: string;
  username?: string;
  cmdline?: string;
  /** 0–100 × cores */
  cpu_pct: number;
  /** 0–100 of the machine's memory */
  mem_pct: number;
  rss_bytes: number;
  vms_bytes?: number;
  threads?: number;
  state?: string;
  io_read_bytes?: number;
  io_write_bytes?: number;
  /** RFC 3339 */
  start_time?: string;
}

/** The wire format: one snapshot of one machine at one instant. */
export interface ProcessSnapshot {
  machine_id: string;
  /** RFC 3339 sample instant */
  ts: string;
  batch_id?: string;
  processes: ProcessSample[];
}

/** A validated snapshot with its instant resolved to epoch milliseconds (the storage precision). */
export interface ValidSnapshot extends ProcessSnapshot {
  tsMs: number;
  /**
   * Set when the snapshot came as schema version 2 (wire-v2/WIRE-V2.md): its process rows,
   * validated, already in process_samples' COPY binary form (views into the record's bytes), and
   * `processes` is then empty. Use `processCount()` for the number of processes.
   */
  copyRows?: { count: number; parts: Buffer[] };
}

/** Number of processes of a validated snapshot, whichever wire format it came in. */
export function processCount(snapshot: ValidSnapshot): number {
  return snapshot.copyRows ? snapshot.copyRows.count : snapshot.processes.length;
}
