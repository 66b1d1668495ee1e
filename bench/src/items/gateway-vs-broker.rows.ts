import { formatNumber } from '../support/progress';
import { median } from '../support/stats';
import { Sample, TableRow } from './bench-context';
import { medianOf, pairedRatio } from './paired';

const detail = (samples: Sample[], measurement: string, key: string) =>
  median(samples.filter((s) => s.measurement === measurement).map((s) => Number(s.detail[key])));

/** Median over rounds of a's `key` over b's, each pair from one round. */
function pairedDetailRatio(samples: Sample[], key: string, a: string, b: string): number {
  const value = (rep: number, m: string) => Number(samples.find((s) => s.rep === rep && s.measurement === m)?.detail[key]);
  const reps = [...new Set(samples.map((s) => s.rep))];
  return median(reps.map((rep) => value(rep, a) / value(rep, b)).filter(Number.isFinite));
}

/** Issue 15: the gateway at ≥ 0.8× Kafka's own producer on the same snapshots, acks=all. */
const GATEWAY_RATIO_TARGET = 0.8;

/** The table lines of item 4. */
export function gatewayRows(samples: Sample[], setup: { processes: number; connections: number; recordBytes: number; logBytes?: Record<string, number> }): TableRow[] {
  const gateway = medianOf(samples, 'gateway');
  const rejected = samples.filter((s) => s.measurement === 'gateway').reduce((n, s) => n + Number(s.detail.rejected), 0);
  const ratio = pairedRatio(samples, 'gateway', 'producer-perf');
  return [
    {
      item: '4',
      what: `gateway POST /v1/snapshots (1 snapshot of ${setup.processes} processes per request, ${setup.connections} connections)`,
      figure: `${formatNumber(gateway)} snapshots/s = ${formatNumber(gateway * setup.processes)} rows/s`,
      baseline: `ProducerPerformance ${formatNumber(medianOf(samples, 'producer-perf'))} records/s of ${formatNumber(setup.recordBytes / 1024, 1)} KiB`,
      ratio,
      target: `≥ ${GATEWAY_RATIO_TARGET}`,
      isMet: ratio >= GATEWAY_RATIO_TARGET,
      note: [
        `gateway process at ${formatNumber(detail(samples, 'gateway', 'gatewayCpuShare') * 100)}% of one core;`,
        `a request waits ${formatNumber(detail(samples, 'gateway', 'produceMeanMs'))} ms on average for Kafka's ack (pa_gateway_produce_seconds)`,
        rejected ? `; ${rejected} requests answered non-2xx over all rounds` : '',
      ].join(' '),
    },
    ...securityRows(samples, setup.processes),
    {
      item: '4',
      what: "the gateway's CPU per snapshot, native CRC32C over kafkajs's JavaScript one (KAFKA_NATIVE_CRC32C=off), same rounds",
      figure: `native ${formatNumber(detail(samples, 'gateway', 'cpuMsPerSnapshot'), 2)} CPU-ms per snapshot (${formatNumber(gateway)}/s)`,
      baseline: `JavaScript ${formatNumber(detail(samples, 'gateway-js-crc32c', 'cpuMsPerSnapshot'), 2)} CPU-ms (${formatNumber(medianOf(samples, 'gateway-js-crc32c'))}/s)`,
      ratio: pairedDetailRatio(samples, 'cpuMsPerSnapshot', 'gateway', 'gateway-js-crc32c'),
      note: 'CPU per snapshot, not the rate: a gateway starved by other tenants of the box shows a low rate at low CPU',
    },
    ...encoderRows(samples),
    ...compressionRows(samples, setup.logBytes ?? {}),
    ...recordFormatRows(samples, setup.logBytes ?? {}),
    {
      item: '4',
      what: 'gateway request latency at that load, p50 / p99',
      figure: `${detail(samples, 'gateway', 'p50Ms')} / ${detail(samples, 'gateway', 'p99Ms')} ms`,
      baseline: `ProducerPerformance send→ack ${detail(samples, 'producer-perf', 'p50Ms')} / ${detail(samples, 'producer-perf', 'p99Ms')} ms`,
      ratio: NaN,
    },
  ];
}

/** Item 4's TLS + SASL on vs off line: the same gateway and broker, HTTPS + SASL_SSL against plain HTTP + PLAINTEXT. */
function securityRows(samples: Sample[], processes: number): TableRow[] {
  if (!samples.some((s) => s.measurement === 'gateway-plain')) return [];
  return [
    {
      item: '4',
      what: `gateway with transport security (HTTPS in, TLS + SCRAM-SHA-512 + ACLs to Kafka) vs without (plain HTTP, PLAINTEXT), ${processes} processes per snapshot`,
      figure: `${formatNumber(medianOf(samples, 'gateway'))} snapshots/s`,
      baseline: `${formatNumber(medianOf(samples, 'gateway-plain'))} snapshots/s without`,
      ratio: pairedRatio(samples, 'gateway', 'gateway-plain'),
      note: `p50 / p99 ${detail(samples, 'gateway', 'p50Ms')} / ${detail(samples, 'gateway', 'p99Ms')} ms vs ${detail(samples, 'gateway-plain', 'p50Ms')} / ${detail(samples, 'gateway-plain', 'p99Ms')} ms; gateway CPU ${formatNumber(detail(samples, 'gateway', 'gatewayCpuShare') * 100)}% vs ${formatNumber(detail(samples, 'gateway-plain', 'gatewayCpuShare') * 100)}% of a core`,
    },
  ];
}

/** Item 4's compression lines: the gateway producing zstd batches (KAFKA_COMPRESSION=zstd) against uncompressed (the default), and against ProducerPerformance with zstd. */
function compressionRows(samples: Sample[], logBytes: Record<string, number>): TableRow[] {
  if (!samples.some((s) => s.measurement === 'gateway-zstd')) return [];
  const bytes = (variant: string) => (logBytes[variant] ? `${formatNumber(logBytes[variant])} B` : 'n/a');
  return [
    {
      item: '4',
      what: 'gateway with zstd record batches (KAFKA_COMPRESSION=zstd) vs uncompressed (the default), same rounds',
      figure: `${formatNumber(medianOf(samples, 'gateway-zstd'))} snapshots/s`,
      baseline: `${formatNumber(medianOf(samples, 'gateway'))} snapshots/s uncompressed`,
      ratio: pairedRatio(samples, 'gateway-zstd', 'gateway'),
      note:
        `broker log bytes per record ${bytes('gateway-zstd')} vs ${bytes('gateway')}; ` +
        `gateway CPU ${formatNumber(detail(samples, 'gateway-zstd', 'cpuMsPerSnapshot'), 2)} vs ${formatNumber(detail(samples, 'gateway', 'cpuMsPerSnapshot'), 2)} CPU-ms per snapshot; ` +
        `${pairedRatio(samples, 'gateway-zstd', 'producer-perf').toFixed(2)}× ProducerPerformance uncompressed`,
    },
    {
      item: '4',
      what: 'gateway with zstd batches vs ProducerPerformance with zstd batches (compression.type=zstd), like for like',
      figure: `${formatNumber(medianOf(samples, 'gateway-zstd'))} snapshots/s`,
      baseline: `ProducerPerformance zstd ${formatNumber(medianOf(samples, 'producer-perf-zstd'))} records/s`,
      ratio: pairedRatio(samples, 'gateway-zstd', 'producer-perf-zstd'),
    },
  ];
}

/** Item 4's Encoder lines: the gateway with its sized kafkajs Encoder against kafkajs's own growth (KAFKA_LEAN_ENCODER=off), and against the gateway as it was (v1 JSON and kafkajs's Encoder). */
function encoderRows(samples: Sample[]): TableRow[] {
  const cpu = (m: string) => `${formatNumber(detail(samples, m, 'cpuMsPerSnapshot'), 2)} CPU-ms per snapshot (${formatNumber(medianOf(samples, m))}/s)`;
  const rows: TableRow[] = [];
  // The deployed gateway against one with a single lever turned off: CPU per snapshot, paired by round.
  const against = (variant: string, what: string, figure: string, baseline: string) => {
    if (!samples.some((s) => s.measurement === variant)) return;
    rows.push({
      item: '4',
      what,
      figure: `${figure} ${cpu('gateway')}`,
      baseline: `${baseline} ${cpu(variant)}`,
      ratio: pairedDetailRatio(samples, 'cpuMsPerSnapshot', 'gateway', variant),
      note: `CPU per snapshot, not the rate; snapshots/s ${pairedRatio(samples, 'gateway', variant).toFixed(2)}× (paired)`,
    });
  };
  against('gateway-ajv-then-encode', "the gateway's CPU per snapshot, checked and written as v2 in one walk over JSON.parse's tree vs ajv then encodeSnapshotV2 (GATEWAY_DIRECT_V2=off), same rounds", 'one walk', 'ajv + encoder');
  against('gateway-kafkajs-produce', "the gateway's CPU per snapshot, produce requests written once into one buffer vs kafkajs's nested Encoders (KAFKA_DIRECT_PRODUCE=off, lean Encoder on), same rounds", 'direct', 'kafkajs');
  if (samples.some((s) => s.measurement === 'gateway-kafkajs-encoder')) {
    rows.push({
      item: '4',
      what: "the gateway's CPU per snapshot, kafkajs Encoder sized once and produce requests written directly over kafkajs's own growth and nesting (KAFKA_LEAN_ENCODER=off KAFKA_DIRECT_PRODUCE=off), same rounds",
      figure: `sized ${cpu('gateway')}`,
      baseline: `kafkajs ${cpu('gateway-kafkajs-encoder')}`,
      ratio: pairedDetailRatio(samples, 'cpuMsPerSnapshot', 'gateway', 'gateway-kafkajs-encoder'),
      note: 'CPU per snapshot, not the rate',
    });
  }
  if (samples.some((s) => s.measurement === 'gateway-v1-kafkajs-encoder')) {
    rows.push({
      item: '4',
      what: 'the gateway as deployed vs as before (GATEWAY_RECORD_FORMAT=v1 KAFKA_LEAN_ENCODER=off KAFKA_DIRECT_PRODUCE=off), same rounds: CPU per snapshot',
      figure: `${cpu('gateway')}`,
      baseline: `before ${cpu('gateway-v1-kafkajs-encoder')}`,
      ratio: pairedDetailRatio(samples, 'cpuMsPerSnapshot', 'gateway', 'gateway-v1-kafkajs-encoder'),
      note: `snapshots/s ${pairedRatio(samples, 'gateway', 'gateway-v1-kafkajs-encoder').toFixed(2)}× (paired); before: ${pairedRatio(samples, 'gateway-v1-kafkajs-encoder', 'producer-perf').toFixed(2)}× ProducerPerformance`,
    });
  }
  return rows;
}

/** Item 4's record format line: the gateway producing schema version 2 records (the default) against JSON (GATEWAY_RECORD_FORMAT=v1), same rounds. */
function recordFormatRows(samples: Sample[], logBytes: Record<string, number>): TableRow[] {
  if (!samples.some((s) => s.measurement === 'gateway-v1')) return [];
  const bytes = (variant: string) => (logBytes[variant] ? `${formatNumber(logBytes[variant])} B` : 'n/a');
  const ratio = pairedRatio(samples, 'gateway-v1', 'producer-perf');
  return [
    {
      item: '4',
      what: 'gateway producing schema version 2 records (the default) vs JSON (GATEWAY_RECORD_FORMAT=v1), same rounds',
      figure: `${formatNumber(medianOf(samples, 'gateway'))} snapshots/s`,
      baseline: `${formatNumber(medianOf(samples, 'gateway-v1'))} snapshots/s producing JSON`,
      ratio: pairedRatio(samples, 'gateway', 'gateway-v1'),
      note:
        `JSON at ${ratio.toFixed(2)}× ProducerPerformance; broker log bytes per record ${bytes('gateway')} vs ${bytes('gateway-v1')}; ` +
        `gateway CPU ${formatNumber(detail(samples, 'gateway', 'cpuMsPerSnapshot'), 2)} vs ${formatNumber(detail(samples, 'gateway-v1', 'cpuMsPerSnapshot'), 2)} CPU-ms per snapshot`,
    },
  ];
}
