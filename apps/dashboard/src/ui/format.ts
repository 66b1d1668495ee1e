import type { QueryMetric } from '@pa/contracts';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes in binary units, 3 significant digits: 1536 → "1.50 KiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${bytes < 0 ? '-' : ''}${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** A percentage (100 = one core for CPU). */
export function formatPct(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} %`;
}

export function formatMetric(metric: QueryMetric, value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return metric === 'rss_bytes' ? formatBytes(value) : formatPct(value);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export const METRIC_LABELS: Record<QueryMetric, string> = { cpu_pct: 'CPU', mem_pct: 'Memory %', rss_bytes: 'RSS' };

const pad = (n: number) => String(n).padStart(2, '0');

/** The viewer's local time, to the second: "2026-12-01 14:05:07". */
export function formatLocal(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** UTC, to the second, marked: "2026-12-01 13:05:07 UTC". */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
