import type { PageContext } from '../page';
import { badge, errorBox, h, link, replace } from '../dom';
import { percent, plural } from '../format';
import type { Screening } from '../types';
import { pathText, reasons } from './flag';

export function screeningResult(s: Screening): HTMLElement {
  return h('section', { class: 'card', 'data-testid': 'screening' },
    h('h2', null, s.known ? (s.entity ? s.entity.name : 'Counterparty') : 'Unknown counterparty', ' ',
      badge(s.verdict, s.verdict === 'block' ? 'critical' : s.verdict === 'review' ? 'medium' : 'ok'),
      s.severity !== 'none' ? badge(s.severity, s.severity) : null),
    !s.known ? h('p', null, 'No stored entity matches: hopcheck knows nothing about this counterparty, which is not the same as clear.') : null,
    s.entity ? h('p', null, link(`/explore/${encodeURIComponent(s.entity.id)}`, `Explore ${s.entity.id}`)) : null,
    s.reasons.length ? reasons(s.reasons) : null,
    s.effective_ownership !== null ? h('p', null, `Effective ownership by restrictive end-users: ${percent(s.effective_ownership)}`) : null,
    s.exposures.length ? [h('h3', null, 'Paths'), h('ol', null, s.exposures.map((x) => h('li', null, `⚠ ${x.end_user.name}: ${plural(x.hops, 'step')} — ${pathText(x)}`)))] : null,
    s.matches?.length ? [h('h3', null, 'Candidates'), h('ul', null, s.matches.map((m) => h('li', null,
      link(`/explore/${encodeURIComponent(m.id)}`, m.name), h('span', { class: 'muted small' }, ` ${m.country ?? ''} · ${m.id} · score ${m.score.toFixed(2)}${m.matched !== m.name ? ` via “${m.matched}”` : ''}`))))] : null);
}

export const screen = {
  title: 'Screen',
  render(main: HTMLElement, ctx: PageContext) {
    const field = (id: string, label: string, attrs: Record<string, unknown> = {}) =>
      h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name: id, ...attrs }));
    const out = h('div', { id: 'screen-result', 'aria-live': 'polite' });
    const f = h('form', { class: 'screen-form card' },
      field('s-name', 'Name', { placeholder: 'Counterparty name', value: ctx.query.get('name') ?? '' }),
      field('s-country', 'Country', { placeholder: 'BY, BLR or Belarus', size: 12 }),
      field('s-id', 'Entity id (instead of a name)', { placeholder: 'ORG-…', value: ctx.query.get('id') ?? '' }),
      field('s-date', 'On date', { type: 'date' }),
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Screen')));
    main.append(h('h1', null, 'Screen a counterparty'),
      h('p', { class: 'muted' }, 'Before a deal: who stands behind this counterparty?'), f, out);
    const val = (id: string) => (f.querySelector(`#${id}`) as HTMLInputElement).value.trim();
    const run = async () => {
      const q = { name: val('s-name') || undefined, country: val('s-country') || undefined, id: val('s-id') || undefined, date: val('s-date') || undefined };
      if (!q.name && !q.id) {
        replace(out, errorBox('Enter a name or an entity id.'));
        return;
      }
      replace(out, h('p', { class: 'muted' }, 'Screening…'));
      try {
        replace(out, screeningResult(await ctx.client.screen(q)));
      } catch (err) {
        replace(out, errorBox(err, 'Screening'));
      }
    };
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      void run();
    });
    if (ctx.query.get('id') || ctx.query.get('name')) void run();
  },
};
