import type { MachineListBody } from '@pa/contracts';
import { api } from '../api/api-client';
import type { ViewContext } from '../state/context';
import { formatRoute } from '../state/route';
import { fill, h } from '../ui/dom';
import { formatCount, formatLocal, formatPct } from '../ui/format';
import { allowPartial, keepRange } from './controls';

const SEARCH_LIMIT = 20;

/** Machines whose id starts with what is typed (GET /v1/machines?prefix=), each a link to its view. */
export function machineSearch(ctx: ViewContext): HTMLElement {
  const input = h('input', { type: 'search', id: 'machine-search', placeholder: 'machine id prefix, e.g. sim-00', autocomplete: 'off', value: ctx.route.params.get('q') ?? '' });
  const results = h('div', { class: 'search-results', 'aria-live': 'polite' });
  let timer: number | undefined;
  const search = () => {
    const prefix = input.value.trim();
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(prefix)) return fill(results, prefix ? 'Letters, digits and . _ : - only.' : '');
    fill(results, 'Searching…');
    api.get<MachineListBody>('/v1/machines', { prefix, limit: SEARCH_LIMIT, allow_partial: allowPartial(ctx) }, ctx.signal).then(
      (page) => {
        if (page.items.length === 0) return fill(results, `No machine starts with “${prefix}”.`);
        const rows = page.items.map((m) =>
          h(
            'li',
            {},
            h('a', { href: formatRoute({ view: 'machine', id: m.machine_id, params: keepRange(ctx) }) }, m.machine_id),
            h('span', { class: 'hint' }, ` ${m.last_seen ? formatLocal(Date.parse(m.last_seen)) : 'never'} · ${formatCount(m.processes ?? 0)} processes · CPU ${formatPct(m.cpu_pct ?? 0)}`),
          ),
        );
        fill(results, h('ul', { class: 'plain' }, ...rows), page.next_cursor ? h('p', { class: 'hint' }, `First ${SEARCH_LIMIT}; type more of the id.`) : null);
      },
      (error: Error) => fill(results, h('span', { class: 'error-detail' }, error.message)),
    );
  };
  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 250);
  });
  if (input.value) search();
  return h('section', { class: 'panel', id: 'search', 'aria-labelledby': 'search-title' }, h('h2', { id: 'search-title' }, h('label', { for: 'machine-search' }, 'Find a machine')), input, results);
}
