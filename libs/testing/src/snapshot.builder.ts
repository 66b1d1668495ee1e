import { ProcessSample, ProcessSnapshot, SNAPSHOT_RECORD_HEADERS, SnapshotRecord, WireFormat, snapshotRecordOf } from '@pa/contracts';

/** A valid process sample with predictable values derived from `pid`. */
export function buildProcess(pid: number, overrides: Partial<ProcessSample> = {}): ProcessSample {
  return {
    pid,
    ppid: 1,
    name: `proc-${pid % 7}`,
    username: pid % 2 ? 'root' : 'app',
    cmdline: `/usr/bin/proc-${pid % 7} --flag "quoted\ttab" \\back`,
    cpu_pct: (pid % 400) / 4 + 0.125,
    mem_pct: (pid % 100) / 10 + 0.5,
    rss_bytes: 1_048_576 * (pid % 50) + 4096,
    vms_bytes: 8_388_608 * (pid % 50) + 8192,
    threads: (pid % 16) + 1,
    state: 'S',
    io_read_bytes: pid * 10,
    io_write_bytes: pid * 3,
    start_time: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A valid snapshot of `processes` processes at `tsMs` (default: now, to the ms). */
export function buildSnapshot(machineId: string, processes: number, tsMs = Date.now()): ProcessSnapshot {
  return {
    machine_id: machineId,
    ts: new Date(tsMs).toISOString(),
    processes: Array.from({ length: processes }, (_, i) => buildProcess(i + 1)),
  };
}

export { SNAPSHOT_RECORD_HEADERS, SNAPSHOT_V2_RECORD_HEADERS, WIRE_FORMATS } from '@pa/contracts';
export type { WireFormat } from '@pa/contracts';

/** A snapshot as a direct producer writes it to Kafka: key = machine_id, JSON value, the contract's headers. */
export function snapshotRecord(snapshot: ProcessSnapshot): { key: string; value: string; headers: Record<string, string> } {
  return { key: snapshot.machine_id, value: JSON.stringify(snapshot), headers: { ...SNAPSHOT_RECORD_HEADERS } };
}

/** `snapshotRecord` in the given wire format: `.map(recordsIn('v2'))`. */
export function recordsIn(format: WireFormat): (snapshot: ProcessSnapshot) => SnapshotRecord {
  return (snapshot) => snapshotRecordOf(snapshot, format);
}
