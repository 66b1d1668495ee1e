import type { LeaksAnswerBody, MissingAnswerBody } from '@pa/contracts';
import { api } from '../api/api-client';
import type { ViewContext } from '../state/context';
import { formatRoute } from '../state/route';
import { fill, h } from '../ui/dom';
import { formatBytes, formatLocal } from '../ui/format';
import { Panel } from '../ui/panel';
import { allowPartial, enablePartial, keepRange } from './controls';

/** Silent machines listed in full up to this many; the rest are counted. */
const SHOWN_SILENT = 20;

const more = (n: number) => (n > SHOWN_SILENT ? h('p', { class: 'hint' }, `… and ${n - SHOWN_SILENT} more${n >= 100 ? ' (at least; the API lists 100)' : ''}.`) : null);

/** The leak test reads at most 7 days (GET /v1/insights/leaks)… */
const LEAK_MAX_WINDOW_MS = 7 * 86_400_000;
/** …and here at least an hour: a shorter window sees part of a garbage collector's cycle as growth. */
const LEAK_MIN_WINDOW_MS = 3_600_000;

const machineLink = (ctx: ViewContext, id: string) => h('a', { href: formatRoute({ view: 'machine', id, params: keepRange(ctx) }) }, id);
const processLink = (ctx: ViewContext, name: string) => h('a', { href: formatRoute({ view: 'process', id: name, params: keepRange(ctx) }) }, name);

/** Memory leak suspects over the window (at least its last hour, at most its last 7 days). */
export function renderLeakPanel(host: HTMLElement, ctx: ViewContext): void {
  const panel = new Panel('Memory leak suspects', 'leaks', enablePartial(ctx));
  host.append(panel.el);
  panel.loading('leak suspects');
  const to = ctx.window.to;
  const from = Math.min(Math.max(ctx.window.from, to - LEAK_MAX_WINDOW_MS), to - LEAK_MIN_WINDOW_MS);
  api
    .get<LeaksAnswerBody>('/v1/insights/leaks', { from: new Date(from).toISOString(), to: new Date(to).toISOString(), allow_partial: allowPartial(ctx) }, ctx.signal)
    .then((answer) => {
      const t = answer.thresholds;
      const over = `Over ${formatLocal(Date.parse(answer.from))} – ${formatLocal(Date.parse(answer.to))}: `;
      const method = h('p', { class: 'hint' }, `${over}RSS growing ≥ ${formatBytes(t.min_growth_bytes_per_hour)}/h with R² ≥ ${t.min_r2}, in ${Math.round(t.min_coverage * 100)} % of the ${answer.buckets} buckets of ${answer.step}, never falling back by more than ${Math.round(t.max_drawdown_ratio * 100)} % of its growth.`);
      if (answer.suspects.length === 0) {
        panel.empty('No process grows steadily in this window.');
        panel.body.append(method);
        return;
      }
      const rows = answer.suspects.map((s) =>
        h(
          'tr',
          { 'data-key': `${s.machine_id}/${s.name}` },
          h('td', {}, machineLink(ctx, s.machine_id)),
          h('td', {}, processLink(ctx, s.name)),
          h('td', { class: 'num', 'data-col': 'growth' }, `${formatBytes(s.growth_bytes_per_hour)}/h`),
          h('td', { class: 'num' }, s.r2.toFixed(3)),
          h('td', { class: 'num' }, `${formatBytes(s.rss_start)} → ${formatBytes(s.rss_end)}`),
        ),
      );
      const head = h('tr', {}, ...['Machine', 'Process', 'Growth', 'R²', 'RSS (fitted)'].map((c) => h('th', { scope: 'col' }, c)));
      fill(panel.body, h('table', { class: 'grid' }, h('thead', {}, head), h('tbody', {}, ...rows)), method);
      panel.ready(answer.missing_shards);
    })
    .catch((error: unknown) => !ctx.signal.aborted && panel.error(error));
}

/** Processes gone for the last 10 minutes before the window's end, and machines gone silent. */
export function renderMissingPanel(host: HTMLElement, ctx: ViewContext): void {
  const panel = new Panel('Missing processes', 'missing', enablePartial(ctx));
  host.append(panel.el);
  panel.loading('missing processes');
  api
    .get<MissingAnswerBody>('/v1/insights/missing', { at: new Date(ctx.window.to).toISOString(), allow_partial: allowPartial(ctx) }, ctx.signal)
    .then((answer) => {
      const method = h('p', { class: 'hint' }, `Ran in ≥ ${Math.round(answer.thresholds.min_presence * 100)} % of the baseline from ${formatLocal(Date.parse(answer.baseline_from))} and not since ${formatLocal(Date.parse(answer.recent_from))}, while its machine reports.`);
      const missing = answer.missing.map((m) =>
        h('li', { 'data-key': `${m.machine_id}/${m.name}` }, processLink(ctx, m.name), ' on ', machineLink(ctx, m.machine_id), h('span', { class: 'hint' }, ` last seen before ${formatLocal(Date.parse(m.last_seen_before))}`)),
      );
      const silent = answer.silent_machines.slice(0, SHOWN_SILENT).map((m) =>
        h('li', { 'data-key': m.machine_id }, machineLink(ctx, m.machine_id), h('span', { class: 'hint' }, ` silent since ${formatLocal(Date.parse(m.last_seen))}`)),
      );
      if (missing.length === 0 && silent.length === 0) {
        panel.empty('Nothing missing: every process that ran through the baseline still runs, and every machine reports.');
        panel.body.append(method);
        return;
      }
      fill(
        panel.body,
        missing.length ? h('ul', { class: 'plain', id: 'missing-list' }, ...missing) : h('p', {}, 'No process missing.'),
        silent.length ? h('div', {}, h('h3', {}, 'Silent machines (no snapshot recently)'), h('ul', { class: 'plain', id: 'silent-list' }, ...silent), more(answer.silent_machines.length)) : null,
        method,
      );
      panel.ready(answer.missing_shards);
    })
    .catch((error: unknown) => !ctx.signal.aborted && panel.error(error));
}
