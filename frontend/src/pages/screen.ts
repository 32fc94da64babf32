import type { PageContext } from '../page';
import { badge, errorBox, h, link, replace } from '../dom';
import { percent, plural } from '../format';
import type { Screening } from '../types';
import { pathText, reasons } from './flag';

// verdictClass colours a verdict: unknown is never drawn as clear.
const verdictClass = (v: string) => v === 'block' ? 'critical' : v === 'review' ? 'medium' : v === 'unknown' ? 'warn' : 'ok';

export function screeningResult(s: Screening): HTMLElement {
  const possible = s.verdict !== 'unknown' && !s.known;
  const title = s.verdict === 'unknown' ? 'Unknown counterparty'
    : possible ? `Possible match: ${s.entity?.name ?? ''}` : (s.entity ? s.entity.name : 'Counterparty');
  return h('section', { class: 'card', 'data-testid': 'screening' },
    h('h2', null, title, ' ',
      badge(s.verdict === 'unknown' ? 'unknown — not clear' : s.verdict, verdictClass(s.verdict)),
      s.severity !== 'none' ? badge(s.severity, s.severity) : null),
    s.verdict === 'unknown' ? h('p', { 'data-testid': 'unknown' }, 'No stored entity is close enough to this name: hopcheck knows nothing about this counterparty, which is not the same as clear. Add it to the graph, or check the spelling.') : null,
    possible ? h('p', { 'data-testid': 'possible' }, 'No entity reaches the match threshold. The closest candidates are possible matches: confirm who the counterparty is before relying on this answer.') : null,
    s.entity ? h('p', null, link(`/explore/${encodeURIComponent(s.entity.id)}`, `Explore ${s.entity.id}`)) : null,
    s.reasons.length ? reasons(s.reasons) : null,
    s.effective_ownership !== null ? h('p', null, `Effective ownership by restrictive end-users: ${percent(s.effective_ownership)}`) : null,
    s.exposures.length ? [h('h3', null, 'Paths'), h('ol', null, s.exposures.map((x) => h('li', null, `⚠ ${x.end_user.name}: ${plural(x.hops, 'step')} — ${pathText(x)}`)))] : null,
    s.matches?.length ? [h('h3', null, 'Candidates'), h('ul', { 'data-testid': 'candidates' }, s.matches.map((m) => h('li', null,
      badge(m.standing === 'match' ? 'match' : 'possible match', m.standing === 'match' ? 'info' : 'warn'), ' ',
      link(`/explore/${encodeURIComponent(m.id)}`, m.name),
      h('span', { class: 'muted small' }, ` ${m.country ?? ''} · ${m.id} · score ${m.score.toFixed(2)}${m.matched !== m.name ? ` via “${m.matched}”` : ''} · `),
      m.assessment ? badge(m.assessment.verdict, verdictClass(m.assessment.verdict)) : null,
      m.features?.length ? h('ul', { class: 'muted small' }, m.features.map((f) => h('li', null, `${f.name} ${f.effect}: ${f.detail}`))) : null)))] : null);
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
