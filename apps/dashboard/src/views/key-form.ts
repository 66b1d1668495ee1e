import { fill, h } from '../ui/dom';
import { saveReadKey } from '../api/read-key';

/**
 * Asks for an API key with the read scope (`npm start` writes one to var/keys/read.key). The key
 * is only checked by the API: a wrong one brings this form back with `problem` shown.
 */
export function renderKeyForm(main: HTMLElement, onKey: () => void, problem?: string): void {
  const input = h('input', { id: 'read-key', type: 'password', name: 'key', autocomplete: 'off', required: true, size: 60, placeholder: 'pa1_…' });
  const form = h(
    'form',
    {
      id: 'key-form',
      class: 'panel',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const key = input.value.trim();
        if (!key) return;
        saveReadKey(key);
        onKey();
      },
    },
    h('h2', {}, 'API key'),
    h('p', {}, 'The dashboard reads through the query API, which needs a key with the read scope (npm start wrote one to var/keys/read.key). It is kept for this tab only.'),
    problem ? h('p', { class: 'error', role: 'alert' }, problem) : null,
    h('label', { for: 'read-key' }, 'Read key '),
    input,
    h('button', { type: 'submit' }, 'Use key'),
  );
  fill(main, form);
  input.focus();
}
