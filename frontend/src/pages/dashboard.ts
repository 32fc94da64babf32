import type { PageContext } from '../page';
import { badge, errorBox, h, link, replace } from '../dom';
import { dateTime, plural, SEVERITIES } from '../format';
import { tally } from '../flagstats';
import type { Flag } from '../types';
import { identityStats } from '../identity';
import { jobState, uploadLink } from '../uploadslist';

/** openFlags reads every open flag, a page of 500 at a time, up to max. */
async function openFlags(ctx: PageContext, max = 5000): Promise<{ flags: Flag[]; total: number }> {
  const out: Flag[] = [];
  let total = 0;
  for (let offset = 0; offset < max; offset += 500) {
    const p = await ctx.client.flags({ status: 'open', offset, limit: 500 });
    total = p.total;
    out.push(...p.flags);
    if (out.length >= p.total || p.flags.length === 0) break;
  }
  return { flags: out, total };
}

function card(title: string, body: HTMLElement, id: string): HTMLElement {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), body);
}

export const dashboard = {
  title: 'Dashboard',
  render(main: HTMLElement, ctx: PageContext) {
    const counts = h('div', { class: 'stats', 'aria-busy': 'true' }, ['Entities', 'Links', 'Transactions', 'Open flags'].map((t) =>
      h('div', { class: 'stat' }, h('div', { class: 'num' }, '…'), h('div', { class: 'muted' }, t))));
    const sev = h('div', { class: 'placeholder' }, 'Loading…');
    const byCountry = h('div', { class: 'placeholder' }, 'Loading…');
    const uploads = h('div', { class: 'placeholder' }, 'Loading…');
    main.append(
      h('h1', null, 'Dashboard'),
      counts,
      h('div', { class: 'grid3' },
        card('Open flags by severity', sev, 'd-sev'),
        card('Open flags by buyer country', byCountry, 'd-country'),
        card('Recent uploads', uploads, 'd-uploads')),
    );

    ctx.client.stats().then((s) => {
      const sum = (o: Record<string, number>) => Object.values(o ?? {}).reduce((a, b) => a + b, 0);
      const vals = [sum(s.entities), sum(s.links), s.transactions];
      const titles = [
        Object.entries(s.entities ?? {}).map(([k, v]) => `${k}: ${v}`).join(', '),
        Object.entries(s.links ?? {}).map(([k, v]) => `${k}: ${v}`).join(', '),
        `${s.countries} countries assessed`,
      ];
      counts.querySelectorAll('.stat').forEach((el, i) => {
        if (i < 3) {
          el.querySelector('.num')!.textContent = vals[i].toLocaleString('en');
          el.append(h('div', { class: 'muted small' }, titles[i]));
        }
      });
      const ids = identityStats(s);
      if (ids) counts.querySelector('.stat')!.append(h('div', { class: 'muted small', 'data-testid': 'identity-stats' }, ids));
      counts.removeAttribute('aria-busy');
    }).catch((e) => replace(counts, errorBox(e, 'Counts')));

    openFlags(ctx).then(({ flags, total }) => {
      const last = counts.querySelectorAll('.stat')[3];
      last.querySelector('.num')!.textContent = total.toLocaleString('en');
      const t = tally(flags);
      replace(sev, h('ul', { class: 'bars' }, SEVERITIES.map((s) => {
        const n = t.bySeverity[s] ?? 0;
        const pct = flags.length ? (100 * n) / flags.length : 0;
        return h('li', null,
          link(`/flags?status=open&severity=${s}`, badge(s, s)),
          h('span', { class: 'bar' }, h('span', { class: `fill ${s}`, style: `width:${pct}%` })),
          h('span', { class: 'num' }, String(n)));
      })));
      if (!t.byCountry.length) replace(byCountry, h('p', { class: 'muted' }, 'No open flags.'));
      else {
        replace(byCountry, h('table', null,
          h('thead', null, h('tr', null, h('th', null, 'Country'), SEVERITIES.map((s) => h('th', { class: 'num' }, s)), h('th', { class: 'num' }, 'all'))),
          h('tbody', null, t.byCountry.slice(0, 12).map((r) => h('tr', null,
            h('td', null, r.country === '—' ? r.country : link(`/flags?status=open&country=${r.country}`, r.country)),
            SEVERITIES.map((s) => h('td', { class: 'num' }, String(r.counts[s] ?? ''))),
            h('td', { class: 'num' }, String(r.total)))))));
        if (total > flags.length) byCountry.append(h('p', { class: 'muted small' }, `Counted over the first ${flags.length} of ${total} open flags.`));
      }
    }).catch((e) => {
      replace(sev, errorBox(e, 'Flags'));
      replace(byCountry, '');
    });

    ctx.client.uploads(8).then(({ uploads: js }) => {
      if (!js.length) {
        replace(uploads, h('p', { class: 'muted' }, 'No uploads yet. ', link('/upload', 'Upload a spreadsheet'), '.'));
        return;
      }
      replace(uploads, h('ul', { class: 'plain' }, js.map((j) => h('li', null,
        jobState(j), ' ', link(`/upload?job=${encodeURIComponent(j.id)}`, j.files.join(', ')), j.upload ? ' ' : '', j.upload ? uploadLink(j.upload) : '',
        h('div', { class: 'muted small' }, `${dateTime(j.created)}${j.by ? ` by ${j.by}` : ''}${j.error ? ` — ${j.error}` : ''}`)))));
      uploads.append(h('p', { class: 'small' }, plural(js.length, 'recent upload'), ' · ', link('/upload', 'new upload')));
    }).catch((e) => replace(uploads, errorBox(e, 'Uploads')));
  },
};
