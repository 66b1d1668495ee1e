import { availableParallelism } from 'node:os';
import { formatNumber } from '../support/progress';
import { StatementTime } from '../measure/load-profile';
import { Sample, TableRow } from './bench-context';
import { medianOf, pairedRatio } from './paired';

const rate = (samples: Sample[], name: string) => `${formatNumber(medianOf(samples, name))} rows/s`;

/** The table lines of items 1–3 whose loads ran (BENCH_LOADS may pick a few), from the samples of every round. */
export function loadComparisonRows(samples: Sample[]): TableRow[] {
  const ran = new Set(samples.map((s) => s.measurement));
  return allRows(samples).filter(({ loads }) => loads.every((l) => ran.has(l))).map(({ row }) => row);
}

function allRows(samples: Sample[]): { loads: string[]; row: TableRow }[] {
  const writerRatio = pairedRatio(samples, 'writer', 'copy-parent');
  const writerV2Ratio = pairedRatio(samples, 'writer-v2', 'copy-parent');
  const rows: TableRow[] = [
    {
      item: '1',
      what: 'writer: Kafka → ledger + COPY + outbox, all shards',
      figure: rate(samples, 'writer'),
      baseline: `psql \\copy ${rate(samples, 'copy-parent')}`,
      ratio: writerRatio,
      target: '≥ 0.8',
      isMet: writerRatio >= 0.8,
      note: writerProfile(samples, 'writer'),
    },
    {
      item: '1',
      what: 'writer from schema version 2 (binary) records, same rows',
      figure: rate(samples, 'writer-v2'),
      baseline: `psql \\copy ${rate(samples, 'copy-parent')}`,
      ratio: writerV2Ratio,
      target: '≥ 0.8',
      isMet: writerV2Ratio >= 0.8,
      note: writerProfile(samples, 'writer-v2'),
    },
    {
      item: '1',
      what: 'writer from zstd batches (KAFKA_COMPRESSION=zstd) vs uncompressed batches (the default), JSON records',
      figure: rate(samples, 'writer-zstd'),
      baseline: `uncompressed ${rate(samples, 'writer')}`,
      ratio: pairedRatio(samples, 'writer-zstd', 'writer'),
      note: writerProfile(samples, 'writer-zstd'),
    },
    {
      item: '1',
      what: 'writer: v2 records vs v1 JSON records',
      figure: rate(samples, 'writer-v2'),
      baseline: `v1 ${rate(samples, 'writer')}`,
      ratio: pairedRatio(samples, 'writer-v2', 'writer'),
    },
    {
      item: '1',
      what: 'writer over TLS (verify-full) vs plaintext, same role',
      figure: rate(samples, 'writer'),
      baseline: `plaintext ${rate(samples, 'writer-no-tls')}`,
      ratio: pairedRatio(samples, 'writer', 'writer-no-tls'),
    },
    {
      item: '1',
      what: 'psql \\copy into the parent table',
      figure: rate(samples, 'copy-parent'),
      baseline: `into the day partition ${rate(samples, 'copy-partition')}`,
      ratio: pairedRatio(samples, 'copy-parent', 'copy-partition'),
    },
    {
      item: '2',
      what: 'COPY vs INSERT of 1,000-row batches',
      figure: rate(samples, 'copy-parent'),
      baseline: `INSERT ${rate(samples, 'insert-1000')}`,
      ratio: pairedRatio(samples, 'copy-parent', 'insert-1000'),
    },
    {
      item: '3',
      what: 'COPY with extra cpu_pct + mem_pct btrees',
      figure: rate(samples, 'copy-extra-indexes'),
      baseline: `our indexes ${rate(samples, 'copy-parent')}`,
      ratio: pairedRatio(samples, 'copy-extra-indexes', 'copy-parent'),
    },
    {
      item: '1',
      what: 'writer from v2 records vs writer-v2-baseline (BENCH_WRITER_BASELINE_DIST, _ENV, _SOURCE)',
      figure: rate(samples, 'writer-v2'),
      baseline: `baseline ${rate(samples, 'writer-v2-baseline')}`,
      ratio: pairedRatio(samples, 'writer-v2', 'writer-v2-baseline'),
      note: writerProfile(samples, 'writer-v2-baseline'),
    },
  ];
  // the loads each row compares, in the order of `rows`
  const loads = [
    ['writer', 'copy-parent'], ['writer-v2', 'copy-parent'], ['writer-zstd', 'writer'], ['writer-v2', 'writer'], ['writer', 'writer-no-tls'],
    ['copy-parent', 'copy-partition'], ['copy-parent', 'insert-1000'], ['copy-extra-indexes', 'copy-parent'], ['writer-v2', 'writer-v2-baseline'],
  ];
  return rows.map((row, i) => ({ row, loads: loads[i] }));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Seconds of COPY in PostgreSQL (pg_stat_statements, summed over shards) of one load. */
function copySeconds(sample: Sample): number {
  const statements = (sample.detail.statements ?? []) as StatementTime[];
  return statements.filter((s) => s.query.startsWith('COPY ')).reduce((n, s) => n + s.totalMs, 0) / 1000;
}

/**
 * Where the writer's time goes, from what the round measured (medians): its own CPU against the
 * wall time, and the COPY time PostgreSQL counted for it against psql's COPY of the same rows.
 */
function writerProfile(samples: Sample[], load: 'writer' | 'writer-v2' | 'writer-zstd' | 'writer-v2-baseline'): string | undefined {
  const writer = samples.filter((s) => s.measurement === load);
  const copy = samples.filter((s) => s.measurement === 'copy-parent');
  if (!writer.length || !copy.length) return undefined;
  const wall = median(writer.map((s) => Number(s.detail.seconds)));
  const cpu = median(writer.map((s) => Number(s.detail.drainCpuSeconds) / Number(s.detail.seconds)));
  const inTransactions = median(writer.map((s) => Number(s.detail.shardWriteSeconds)));
  const perMillion = (list: Sample[], key: string) => median(list.map((s) => (Number(s.detail[key]) / Number(s.detail.rows)) * 1e6)).toFixed(1);
  return [
    `drain ${wall.toFixed(1)} s after a ${median(writer.map((s) => Number(s.detail.bootSeconds))).toFixed(1)} s boot;`,
    `writer process at ${(cpu * 100).toFixed(0)}% of one core;`,
    `CPU s per million rows: writer ${perMillion(writer, 'drainCpuSeconds')} (kernel ${perMillion(writer, 'drainSystemCpuSeconds')} of it) + PostgreSQL ${perMillion(writer, 'postgresCpuSeconds')} + Kafka ${perMillion(writer, 'kafkaCpuSeconds')},`,
    `against psql's load: PostgreSQL ${perMillion(copy, 'postgresCpuSeconds')} (${availableParallelism()} cores);`,
    `shard transactions ${inTransactions.toFixed(1)} s summed (overlapping);`,
    `COPY time in PostgreSQL ${median(writer.map(copySeconds)).toFixed(1)} s vs psql's ${median(copy.map(copySeconds)).toFixed(1)} s for the same rows (pg_stat_statements, summed over shards)`,
  ].join(' ');
}
