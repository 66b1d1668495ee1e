import './styles.css';
import { formatRoute, parseRoute, readTimeRange, writeTimeRange, type Route, type View } from './state/route';
import type { ViewContext, ViewRenderer } from './state/context';
import { resolveRange } from './state/time-range';
import { fill, h } from './ui/dom';
import { renderTimePicker } from './ui/time-picker';
import { renderFleet } from './views/fleet.view';
import { renderMachine } from './views/machine.view';
import { renderProcess } from './views/process.view';
import { api } from './api/api-client';
import { forgetReadKey, loadReadKey } from './api/read-key';
import { renderKeyForm } from './views/key-form';

/** Live ranges re-render this often: the demo fleet reports every 10 s. */
const LIVE_REFRESH_MS = 15_000;

const VIEWS: Record<View, ViewRenderer> = { fleet: renderFleet, machine: renderMachine, process: renderProcess };
const main = document.getElementById('main') as HTMLElement;
let controller: AbortController | undefined;
let liveTimer: number | undefined;

function go(route: Route, options: { replace?: boolean } = {}): void {
  const hash = formatRoute(route);
  if (hash === location.hash) return render();
  if (options.replace) history.replaceState(null, '', hash);
  else history.pushState(null, '', hash);
  render();
}

function render(): void {
  controller?.abort();
  controller = new AbortController();
  window.clearTimeout(liveTimer);
  const route = parseRoute(location.hash);
  const range = readTimeRange(route.params);
  const ctx: ViewContext = {
    route,
    range,
    window: resolveRange(range, Date.now()),
    signal: controller.signal,
    go,
    setParams: (mutate, options) => {
      const params = new URLSearchParams(parseRoute(location.hash).params);
      mutate(params);
      go({ ...parseRoute(location.hash), params }, options);
    },
  };
  renderNav(route);
  renderTimePicker(document.getElementById('picker') as HTMLElement, range, ctx.window, (r) => ctx.setParams((p) => writeTimeRange(p, r)));
  fill(main);
  VIEWS[route.view](main, ctx);
  if (range.live) liveTimer = window.setTimeout(render, LIVE_REFRESH_MS);
}

function renderNav(route: Route): void {
  const keep = new URLSearchParams();
  for (const name of ['range', 'from', 'to', 'live']) {
    const value = route.params.get(name);
    if (value !== null) keep.set(name, value);
  }
  const link = (view: View, label: string) =>
    h('a', { href: formatRoute({ view, params: keep }), 'aria-current': route.view === view ? 'page' : undefined }, label);
  const here = route.view !== 'fleet' && route.id ? h('span', { class: 'crumb' }, `${route.view === 'machine' ? 'Machine' : 'Process'} ${route.id}`) : null;
  fill(document.getElementById('nav') as HTMLElement, link('fleet', 'Fleet'), here);
}

/** Without a key (or once the API refused it) the page asks for one before any view. */
function askForKey(problem?: string): void {
  controller?.abort();
  window.clearTimeout(liveTimer);
  renderKeyForm(main, render, problem);
}

api.onUnauthorized = () => {
  forgetReadKey();
  askForKey('The API refused that key (unknown, expired or revoked). Give a key with the read scope.');
};

// Only hashchange: a link click or Back fires it (popstate as well, which would render twice); go() renders itself.
window.addEventListener('hashchange', () => (api.readKey ? render() : askForKey()));
if (!location.hash) history.replaceState(null, '', '#/fleet?range=1h');
if (loadReadKey()) render();
else askForKey();
