// Who is reviewing: with an API key the server records the key's name;
// without one the UI asks for a name once, keeps it in this browser and
// sends it with every decision, so that no decision is anonymous.
import type { Client } from './api';
import { needsReviewerName } from './api';
import { h, replace } from './dom';

/** reviewerField shows who decisions are recorded as, and asks for a name when none is known. */
export function reviewerField(client: Client, onChange: () => void = () => {}): HTMLElement {
  const box = h('div', { class: 'reviewer', 'data-testid': 'reviewer' });
  const draw = (): void => {
    const key = client.keys.get();
    const name = client.names.get();
    if (key) {
      replace(box, h('p', { class: 'muted small' }, 'Decisions are recorded under your API key’s name.'));
      return;
    }
    if (needsReviewerName(key, name)) {
      const input = h('input', { id: 'reviewer-name', autocomplete: 'name', maxlength: 200, placeholder: 'e.g. Ana Petrova', required: true });
      replace(box,
        h('form', {
          class: 'row', onsubmit: (e: Event) => {
            e.preventDefault();
            if (!input.value.trim()) return;
            client.names.set(input.value);
            draw();
            onChange();
          },
        },
        h('label', { for: 'reviewer-name' }, 'Your name'), input, h('button', { type: 'submit' }, 'Save')),
        h('p', { class: 'muted small' }, 'Every decision, comment and assignment is recorded with it. Asked once; kept in this browser.'));
      return;
    }
    replace(box, h('p', { class: 'small' }, 'Reviewing as ', h('strong', { 'data-testid': 'reviewer-name' }, name), ' ',
      h('button', { type: 'button', class: 'linkish small', onclick: () => { client.names.set(''); draw(); onChange(); } }, 'not you?')));
  };
  draw();
  return box;
}

/** reviewerKnown says whether a decision can be sent; if not, it points at the name field. */
export function reviewerKnown(client: Client, root: ParentNode): boolean {
  if (!needsReviewerName(client.keys.get(), client.names.get())) return true;
  (root.querySelector('#reviewer-name') as HTMLInputElement | null)?.focus();
  return false;
}
