import { PRESETS, PRESET_LABELS, type RangeChoice, type TimeRange } from '../state/time-range';
import { fill, h } from './dom';

/** `<input type=datetime-local>` text of an epoch ms in the viewer's zone. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/**
 * The one time-range picker every view shares: presets, custom (local date-times), and live
 * auto-refresh for relative ranges. It only writes the URL (through `onChange`); the view follows.
 */
export function renderTimePicker(host: HTMLElement, current: TimeRange, window: { from: number; to: number }, onChange: (r: TimeRange) => void): void {
  const select = h('select', { id: 'range', 'aria-label': 'Time range' });
  for (const choice of [...PRESETS, 'custom'] as RangeChoice[]) {
    const option = h('option', { value: choice }, PRESET_LABELS[choice]);
    if (choice === current.range) option.selected = true;
    select.append(option);
  }
  const from = h('input', { type: 'datetime-local', id: 'range-from', 'aria-label': 'From (local time)', value: localInput(window.from) });
  const to = h('input', { type: 'datetime-local', id: 'range-to', 'aria-label': 'To (local time)', value: localInput(window.to) });
  const apply = h('button', { type: 'button', id: 'range-apply' }, 'Apply');
  const custom = h('span', { class: 'custom', hidden: current.range !== 'custom' }, from, ' – ', to, ' ', apply);
  const live = h('input', { type: 'checkbox', id: 'live', checked: current.live, disabled: current.range === 'custom' });
  const liveLabel = h('label', { for: 'live', class: 'live' }, live, ' Live');
  select.addEventListener('change', () => {
    const range = select.value as RangeChoice;
    if (range === 'custom') {
      custom.hidden = false;
      from.focus();
      return;
    }
    onChange({ range, live: live.checked });
  });
  apply.addEventListener('click', () => {
    const f = new Date(from.value).getTime();
    const t = new Date(to.value).getTime();
    if (Number.isFinite(f) && Number.isFinite(t) && f < t) onChange({ range: 'custom', from: f, to: t, live: false });
  });
  live.addEventListener('change', () => onChange({ ...current, live: live.checked }));
  fill(host, h('div', { class: 'picker', role: 'group', 'aria-label': 'Time range' }, select, custom, liveLabel));
}
