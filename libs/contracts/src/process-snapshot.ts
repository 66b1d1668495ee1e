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
}
