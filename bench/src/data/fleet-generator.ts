import { ProcessSample, ProcessSnapshot } from '@pa/contracts';

/** The size and time span of a generated fleet. */
export interface FleetShape {
  machines: number;
  processes: number;
  /** snapshots per machine */
  snapshots: number;
  /** time between two snapshots of one machine, ms */
  intervalMs: number;
  /** instant of the first snapshot, epoch ms */
  startMs: number;
  /** machine ids are prefix + 00001, 00002, … */
  prefix: string;
}

// Typical Linux server processes; the cmdlines give rows of realistic width (COPY cost grows with bytes).
const PROGRAMS: readonly (readonly [string, string, string])[] = [
  ['postgres', 'postgres', 'postgres: 15/main: app appdb 10.0.3.17(52344) idle'],
  ['java', 'app', '/usr/lib/jvm/java-17/bin/java -Xms2g -Xmx2g -XX:+UseG1GC -jar /srv/orders/orders-service.jar --spring.profiles.active=prod'],
  ['node', 'app', 'node /srv/web/dist/server.js --port 3000 --workers 4'],
  ['nginx', 'www-data', 'nginx: worker process'],
  ['sshd', 'root', 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups'],
  ['systemd-journald', 'root', '/lib/systemd/systemd-journald'],
  ['python3', 'worker', '/usr/bin/python3 -m celery -A tasks worker --loglevel=INFO --concurrency=8'],
  ['redis-server', 'redis', '/usr/bin/redis-server 127.0.0.1:6379'],
  ['containerd', 'root', '/usr/bin/containerd'],
  ['kubelet', 'root', '/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///run/containerd/containerd.sock'],
  ['kworker/1:2-events', 'root', ''],
  ['bash', 'ops', '-bash'],
  ['cron', 'root', '/usr/sbin/cron -f'],
  ['prometheus-node', 'prometheus', '/usr/bin/prometheus-node-exporter --collector.systemd'],
  ['rsyslogd', 'syslog', '/usr/sbin/rsyslogd -n -iNONE'],
  ['chrome', 'desk', '/opt/google/chrome/chrome --type=renderer --lang=en-US --num-raster-threads=2 --enable-main-frame-before-activation'],
];

/**
 * Deterministic snapshots, tick by tick (every machine at tick 0, then tick 1, …) as a fleet sends
 * them. Values come from an integer hash of (machine, slot, tick): the same shape always gives the
 * same bytes, so every loader in one run stores exactly the same rows.
 */
export function* generateSnapshots(shape: FleetShape): Generator<ProcessSnapshot> {
  for (let tick = 0; tick < shape.snapshots; tick++) {
    for (let m = 0; m < shape.machines; m++) yield snapshotOf(shape, m, tick);
  }
}

export function machineIdOf(prefix: string, index: number): string {
  return `${prefix}${String(index + 1).padStart(5, '0')}`;
}

/** One machine's snapshot at one tick. */
export function snapshotOf(shape: FleetShape, machine: number, tick: number, tsMs = shape.startMs + tick * shape.intervalMs): ProcessSnapshot {
  const processes: ProcessSample[] = new Array(shape.processes);
  for (let slot = 0; slot < shape.processes; slot++) processes[slot] = processOf(machine, slot, tick, shape.startMs);
  return { machine_id: machineIdOf(shape.prefix, machine), ts: new Date(tsMs).toISOString(), processes };
}

function processOf(machine: number, slot: number, tick: number, startMs: number): ProcessSample {
  const [name, username, cmdline] = PROGRAMS[(machine + slot) % PROGRAMS.length];
  const h = mix(machine * 7919 + slot);
  const noise = mix(h ^ tick);
  const rss = 4_194_304 + (h % 2_000) * 1_048_576 + (noise % 1_024) * 4096;
  return {
    pid: 300 + slot * 7 + (h % 5),
    ppid: slot === 0 ? 1 : 300,
    name,
    username,
    cmdline: cmdline ? `${cmdline} --instance=${slot}` : '',
    cpu_pct: (noise % 40_000) / 1000,
    mem_pct: (h % 9_000) / 1000 + (noise % 100) / 1000,
    rss_bytes: rss,
    vms_bytes: rss * 3,
    threads: 1 + (h % 64),
    state: noise % 10 === 0 ? 'R' : 'S',
    io_read_bytes: (noise % 100_000) * 512,
    io_write_bytes: (h % 100_000) * 256,
    start_time: new Date(startMs - 86_400_000 - (h % 86_400) * 1000).toISOString(),
  };
}

/** A 32-bit integer hash (lowbias32, https://nullprogram.com/blog/2018/07/31/). */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
