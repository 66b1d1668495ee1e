import type { SnapshotProcessBody } from '@pa/contracts';
import { h } from '../ui/dom';
import { formatBytes, formatCount, formatLocal, formatPct } from '../ui/format';

type Key = keyof SnapshotProcessBody;

interface Column {
  key: Key;
  title: string;
  numeric: boolean;
  show: (p: SnapshotProcessBody) => string;
}

const text = (v: string | null) => v ?? '';
const num = (v: number | null) => (v === null ? '' : formatCount(v));
const bytes = (v: number | null) => (v === null ? '' : formatBytes(v));

/** Every field the snapshot endpoint gives, in `ps` order. */
export const COLUMNS: Column[] = [
  { key: 'pid', title: 'PID', numeric: true, show: (p) => String(p.pid) },
  { key: 'ppid', title: 'PPID', numeric: true, show: (p) => (p.ppid === null ? '' : String(p.ppid)) },
  { key: 'name', title: 'Name', numeric: false, show: (p) => p.name },
  { key: 'username', title: 'User', numeric: false, show: (p) => text(p.username) },
  { key: 'state', title: 'State', numeric: false, show: (p) => text(p.state) },
  { key: 'cpu_pct', title: 'CPU', numeric: true, show: (p) => formatPct(p.cpu_pct) },
  { key: 'mem_pct', title: 'Mem', numeric: true, show: (p) => formatPct(p.mem_pct) },
  { key: 'rss_bytes', title: 'RSS', numeric: true, show: (p) => formatBytes(p.rss_bytes) },
  { key: 'vms_bytes', title: 'VMS', numeric: true, show: (p) => bytes(p.vms_bytes) },
  { key: 'threads', title: 'Threads', numeric: true, show: (p) => num(p.threads) },
  { key: 'io_read_bytes', title: 'Read', numeric: true, show: (p) => bytes(p.io_read_bytes) },
  { key: 'io_write_bytes', title: 'Written', numeric: true, show: (p) => bytes(p.io_write_bytes) },
  { key: 'start_time', title: 'Started', numeric: false, show: (p) => (p.start_time ? formatLocal(Date.parse(p.start_time)) : '') },
  { key: 'cmdline', title: 'Command line', numeric: false, show: (p) => text(p.cmdline) },
];
export const SORT_KEYS = COLUMNS.map((c) => c.key);

/** The processes whose name, user or command line contain `filter` (case-insensitive), sorted. */
export function selectProcesses(processes: SnapshotProcessBody[], filter: string, sort: Key, descending: boolean): SnapshotProcessBody[] {
  const needle = filter.trim().toLowerCase();
  const kept = needle ? processes.filter((p) => [p.name, p.username ?? '', p.cmdline ?? ''].some((v) => v.toLowerCase().includes(needle))) : [...processes];
  const sign = descending ? -1 : 1;
  return kept.sort((a, b) => sign * compare(a[sort], b[sort]) || a.pid - b.pid);
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** The table; each header is a button that sorts by its column (again: the other way). */
export function processTable(rows: SnapshotProcessBody[], sort: Key, descending: boolean, onSort: (key: Key) => void): HTMLTableElement {
  const head = h(
    'tr',
    {},
    ...COLUMNS.map((c) =>
      h(
        'th',
        { scope: 'col', class: c.numeric ? 'num' : undefined, 'aria-sort': c.key === sort ? (descending ? 'descending' : 'ascending') : undefined },
        h('button', { type: 'button', class: 'sort', 'data-sort': c.key, onclick: () => onSort(c.key) }, c.title, c.key === sort ? (descending ? ' ▼' : ' ▲') : ''),
      ),
    ),
  );
  const cell = (p: SnapshotProcessBody, c: Column) => {
    const value = p[c.key];
    const attrs = { class: c.numeric ? 'num' : c.key === 'cmdline' ? 'cmd' : undefined, 'data-col': c.key, 'data-value': typeof value === 'number' ? value : undefined };
    return h('td', attrs, c.show(p));
  };
  const body = rows.map((p) => h('tr', { 'data-pid': p.pid }, ...COLUMNS.map((c) => cell(p, c))));
  return h('table', { class: 'grid processes' }, h('thead', {}, head), h('tbody', {}, ...body));
}
