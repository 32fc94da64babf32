import type { PageContext } from '../page';
import { debounce, errorBox, h, replace } from '../dom';
import type { SortKey } from '../flagstats';
import { CAPABILITIES, flagColumns } from '../flagcolumns';
import type { Flag, Status } from '../types';
import type { BulkResult } from '../api';
import { reviewerField, reviewerKnown } from '../reviewer';

/** bulkSummary says what a bulk review did, naming each flag it refused and why. */
export function bulkSummary(rs: BulkResult[]): HTMLElement {
  const done = rs.filter((r) => r.flag);
  const refused = rs.filter((r) => r.error);
  return h('div', null,
    h('p', { class: done.length ? 'ok' : 'muted' }, `${done.length} reviewed${refused.length ? `, ${refused.length} refused` : ''}.`),
    refused.length ? h('ul', null, refused.map((r) => h('li', null, h('strong', null, r.transaction_id), `: ${r.error!.message}`))) : null);
}

const PAGE = 100;

export const flags = {
  title: 'Flags',
  render(main: HTMLElement, ctx: PageContext) {
    const q = ctx.query;
    const f = {
      status: q.get('status') ?? 'open', severity: q.get('severity') ?? '', country: q.get('country') ?? '',
      capability: q.get('capability') ?? '', q: q.get('q') ?? '', assignee: q.get('assignee') ?? '',
      pending: q.get('pending') === 'true', offset: Number(q.get('offset')) || 0,
    };
    let sort: SortKey = (q.get('sort') as SortKey) || 'severity';
    let desc = q.get('dir') ? q.get('dir') === 'desc' : sort === 'severity';
    let page: Flag[] = [];
    let total = 0;

    const sel = (id: string, label: string, value: string, opts: [string, string][]) => {
      const s = h('select', { id }, opts.map(([v, t]) => h('option', { value: v, selected: v === value }, t)));
      return [h('label', { for: id }, label), s] as const;
    };
    const [stL, st] = sel('f-status', 'Status', f.status, [['', 'any'], ['open', 'open'], ['confirmed', 'confirmed'], ['cleared', 'cleared']]);
    const [svL, sv] = sel('f-severity', 'Severity', f.severity, [['', 'any'], ['critical', 'critical'], ['high', 'high'], ['medium', 'medium']]);
    const [cpL, cp] = sel('f-capability', 'Capability', f.capability, [['', 'any'], ...CAPABILITIES.map((c): [string, string] => [c, c])]);
    const pending = h('input', { id: 'f-pending', type: 'checkbox', checked: f.pending });
    const country = h('input', { id: 'f-country', value: f.country, size: 6, placeholder: 'BY' });
    const text = h('input', { id: 'f-q', type: 'search', value: f.q, placeholder: 'id, buyer, seller, end-user, product' });
    const assignee = h('input', { id: 'f-assignee', value: f.assignee, size: 10, placeholder: 'anyone' });
    // The flags selected for a bulk review, by transaction id; kept across pages and sorting.
    const selected = new Set<string>();
    const bulkStatus = h('select', { id: 'bulk-status' }, [['confirmed', 'Confirm'], ['cleared', 'Clear'], ['open', 'Reopen']].map(([v, t]) => h('option', { value: v }, t)));
    const bulkNote = h('input', { id: 'bulk-note', size: 40, maxlength: 4000, placeholder: 'Reason, recorded on every flag selected' });
    const bulkMsg = h('div', { class: 'small', 'aria-live': 'polite', 'data-testid': 'bulk-msg' });
    const bulkCount = h('span', { class: 'muted small' }, 'none selected');
    const bulkBtn = h('button', { type: 'button', id: 'bulk-apply', disabled: true }, 'Apply to selected');
    const drawBulk = () => {
      bulkCount.textContent = selected.size ? `${selected.size} selected` : 'none selected';
      bulkBtn.disabled = selected.size === 0;
    };
    bulkBtn.addEventListener('click', async () => {
      if (!reviewerKnown(ctx.client, main)) {
        replace(bulkMsg, h('p', { class: 'error' }, 'Enter your name first: every decision is recorded with it.'));
        return;
      }
      const s = bulkStatus.value as Status;
      if (s !== 'open' && !bulkNote.value.trim()) {
        replace(bulkMsg, h('p', { class: 'error' }, 'Say why: a reason is required to confirm or clear.'));
        bulkNote.focus();
        return;
      }
      bulkBtn.disabled = true;
      replace(bulkMsg, 'Saving…');
      try {
        const r = await ctx.client.bulkReview([...selected], s, bulkNote.value);
        replace(bulkMsg, bulkSummary(r.results));
        for (const x of r.results) if (x.flag) selected.delete(x.transaction_id);
        await load();
      } catch (err) {
        replace(bulkMsg, errorBox(err, 'Bulk review'));
      } finally {
        drawBulk();
      }
    });
    const status = h('p', { class: 'muted small', 'aria-live': 'polite' }, 'Loading…');
    const body = h('tbody');
    const pager = h('div', { class: 'row pager' });
    const all = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'Select every flag on this page' });
    all.addEventListener('change', () => {
      for (const fl of page) {
        if (all.checked) selected.add(fl.transaction_id);
        else selected.delete(fl.transaction_id);
      }
      draw();
      drawBulk();
    });
    const head = h('tr');
    const drawHead = () => replace(head, h('th', { scope: 'col' }, all), flagColumns.map(({ key: k, title: t }) => h('th', { 'aria-sort': sort === k ? (desc ? 'descending' : 'ascending') : 'none', scope: 'col' },
      h('button', { type: 'button', class: 'sort', 'data-sort': k, onclick: () => { desc = sort === k ? !desc : k === 'severity'; sort = k; f.offset = 0; load(); } },
        t, sort === k ? (desc ? ' ▾' : ' ▴') : '')),
    ));

    main.append(h('h1', null, 'Flags'),
      h('form', { class: 'row filters-row', onsubmit: (e: Event) => { e.preventDefault(); f.offset = 0; load(); } },
        stL, st, svL, sv, cpL, cp, h('label', { for: 'f-country' }, 'Buyer country'), country, h('label', { for: 'f-q' }, 'Search'), text,
        h('label', { for: 'f-assignee' }, 'Assigned to'), assignee,
        h('label', { for: 'f-pending', title: 'Critical flags cleared once, awaiting a second reviewer (four eyes)' }, pending, ' Awaiting a second reviewer'),
        h('a', {
          href: '/api/v1/flags.xlsx', class: 'button', id: 'export',
          onclick: (e: Event) => {
            e.preventDefault();
            const href = (e.currentTarget as HTMLAnchorElement).getAttribute('href') ?? '/api/v1/flags.xlsx';
            ctx.client.download(href, 'hopcheck-flags.xlsx').catch((err: Error) => { status.textContent = err.message; });
          },
        }, 'Export XLSX'),
        h('a', {
          href: '/api/v1/flags.csv', class: 'button', id: 'export-csv',
          onclick: (e: Event) => {
            e.preventDefault();
            const href = (e.currentTarget as HTMLAnchorElement).getAttribute('href') ?? '/api/v1/flags.csv';
            ctx.client.download(href, 'hopcheck-flags.csv').catch((err: Error) => { status.textContent = err.message; });
          },
        }, 'Export CSV'),
        h('a', {
          href: '/api/v1/flags/reports.zip', class: 'button', id: 'export-reports', title: 'The case report of every flag that matches the filters (at most 500)',
          onclick: (e: Event) => {
            e.preventDefault();
            const href = (e.currentTarget as HTMLAnchorElement).getAttribute('href') ?? '/api/v1/flags/reports.zip';
            ctx.client.download(href, 'hopcheck-case-reports.zip').catch((err: Error) => { status.textContent = err.message; });
          },
        }, 'Download reports (ZIP)')),
      h('section', { class: 'card bulk', 'aria-label': 'Bulk review' },
        reviewerField(ctx.client),
        h('div', { class: 'row' }, h('label', { for: 'bulk-status' }, 'Selected flags'), bulkStatus,
          h('label', { for: 'bulk-note' }, 'Reason'), bulkNote, bulkBtn, bulkCount),
        bulkMsg),
      status,
      h('div', { class: 'table-wrap' }, h('table', { class: 'flags' }, h('thead', null, head), body)),
      pager);

    const params = () => ({
      status: st.value, severity: sv.value, capability: cp.value, country: country.value.trim(), q: text.value.trim(),
      assignee: assignee.value.trim(), pending: pending.checked ? 'true' : '', sort, dir: desc ? 'desc' : 'asc',
    });
    const sync = () => {
      const p = new URLSearchParams({ ...params(), offset: String(f.offset) });
      for (const [k, v] of [...p]) if (!v || (k === 'offset' && v === '0')) p.delete(k);
      history.replaceState(null, '', `/flags?${p}`);
      const x = new URLSearchParams(params());
      for (const [k, v] of [...x]) if (!v) x.delete(k);
      (main.querySelector('#export') as HTMLAnchorElement).href = `/api/v1/flags.xlsx?${x}`;
      (main.querySelector('#export-csv') as HTMLAnchorElement).href = `/api/v1/flags.csv?${x}`;
      (main.querySelector('#export-reports') as HTMLAnchorElement).href = `/api/v1/flags/reports.zip?${x}`;
    };

    function draw(): void {
      drawHead();
      const rows = page;
      all.checked = rows.length > 0 && rows.every((fl) => selected.has(fl.transaction_id));
      replace(body, rows.map((fl) => h('tr', { class: fl.status, 'data-id': fl.transaction_id },
        h('td', null, h('input', {
          type: 'checkbox', class: 'pick', checked: selected.has(fl.transaction_id), 'aria-label': `Select ${fl.transaction_id}`, 'data-id': fl.transaction_id,
          onchange: (e: Event) => {
            if ((e.target as HTMLInputElement).checked) selected.add(fl.transaction_id);
            else selected.delete(fl.transaction_id);
            drawBulk();
          },
        })),
        flagColumns.map((c) => h('td', { class: c.num ? 'num' : null, 'data-col': c.key }, c.cell(fl))))));
      if (!rows.length) body.append(h('tr', null, h('td', { colspan: flagColumns.length + 1, class: 'muted' }, 'No flag matches these filters.')));
      const from = total ? f.offset + 1 : 0;
      status.textContent = `${from}–${f.offset + page.length} of ${total} flag${total === 1 ? '' : 's'}`;
      replace(pager,
        h('button', { type: 'button', disabled: f.offset === 0, onclick: () => { f.offset = Math.max(0, f.offset - PAGE); load(); } }, '← Previous'),
        h('button', { type: 'button', disabled: f.offset + PAGE >= total, onclick: () => { f.offset += PAGE; load(); } }, 'Next →'));
    }

    let seq = 0;
    async function load(): Promise<void> {
      const my = ++seq;
      sync();
      status.textContent = 'Loading…';
      body.setAttribute('aria-busy', 'true');
      try {
        const p = await ctx.client.flags({ ...params(), offset: f.offset, limit: PAGE });
        if (my !== seq) return;
        page = p.flags;
        total = p.total;
        draw();
      } catch (err) {
        if (my !== seq) return;
        replace(status, errorBox(err, 'Flags'));
        replace(body);
      } finally {
        body.removeAttribute('aria-busy');
      }
    }
    const later = debounce(() => { f.offset = 0; load(); }, 250);
    for (const el of [st, sv, cp, pending]) el.addEventListener('change', () => { f.offset = 0; load(); });
    for (const el of [country, text, assignee]) el.addEventListener('input', later);
    drawHead();
    load();
  },
};
