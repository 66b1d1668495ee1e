import { ApiError } from '../api/api-client';
import { fill, h } from './dom';

export type PanelState = 'loading' | 'empty' | 'error' | 'ready';

/**
 * A titled section with one status line that says what happened: loading, nothing in the window,
 * an error (a shard that is down is named, with a way to answer without it), or a partial answer.
 * `data-state` on the section lets tests and styles see the state.
 */
export class Panel {
  readonly el: HTMLElement;
  readonly body: HTMLElement;
  private readonly status: HTMLElement;
  private readonly title: HTMLElement;

  constructor(title: string, id: string, private readonly onAllowPartial?: () => void) {
    this.title = h('h2', { id: `${id}-title` }, title);
    this.status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
    this.body = h('div', { class: 'panel-body' });
    this.el = h('section', { class: 'panel', id, 'aria-labelledby': `${id}-title`, 'data-state': 'loading' }, this.title, this.status, this.body);
  }

  setTitle(title: string): void {
    this.title.textContent = title;
  }

  loading(what: string): void {
    this.set('loading', h('span', { class: 'spinner', 'aria-hidden': 'true' }), `Loading ${what}…`);
  }

  empty(message: string): void {
    this.set('empty', message);
    fill(this.body);
  }

  error(error: unknown): void {
    const e = error instanceof ApiError ? error : undefined;
    const detail = e ? `${e.status} ${e.problem.code}: ${e.problem.detail}` : `The API could not be reached: ${(error as Error)?.message ?? String(error)}`;
    const retry = e?.isShardDown && this.onAllowPartial ? h('button', { type: 'button', class: 'link', onclick: () => this.onAllowPartial?.() }, 'Show what the other shards have (allow_partial)') : null;
    this.set('error', h('strong', {}, e?.isShardDown ? 'A shard is down. ' : 'Error. '), h('span', { class: 'error-detail' }, detail), ' ', retry);
    this.status.setAttribute('role', 'alert');
    fill(this.body);
  }

  /** Ready; `missingShards` marks the answer as partial. */
  ready(missingShards: number[] = []): void {
    if (missingShards.length) this.set('ready', h('span', { class: 'partial' }, `Partial: shard${missingShards.length > 1 ? 's' : ''} ${missingShards.join(', ')} did not answer; figures leave them out.`));
    else this.set('ready');
    this.el.classList.toggle('is-partial', missingShards.length > 0);
  }

  private set(state: PanelState, ...content: (Node | string | null)[]): void {
    this.el.dataset.state = state;
    this.status.setAttribute('role', 'status');
    fill(this.status, ...content);
  }
}
