import type { TimeRange } from './time-range';
import type { Route } from './route';

/** What a view gets to render: its route, the resolved window and a way to change the URL. */
export interface ViewContext {
  route: Route;
  range: TimeRange;
  /** the window, epoch ms, fixed for this render (a live refresh renders again) */
  window: { from: number; to: number };
  /** aborted when the view is left or rendered again: stale answers are dropped */
  signal: AbortSignal;
  /** changes the URL (and so the view): `mutate` edits the params of `route` or of the current one */
  go: (route: Route, options?: { replace?: boolean }) => void;
  setParams: (mutate: (params: URLSearchParams) => void, options?: { replace?: boolean }) => void;
}

export type ViewRenderer = (main: HTMLElement, ctx: ViewContext) => void;
