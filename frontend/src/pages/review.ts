import type { PageContext } from '../page';
import { badge, errorBox, h, link, replace } from '../dom';
import { kindName } from '../format';
import { reviewerField } from '../reviewer';
import { exactPairs, keyAction, pairKey, Queue, type ReviewAction } from '../review';
import type { EntityDetail, Identity, XrefJob } from '../types';

const PAGE = 50;

/**
 * The review queue: the pairs cross-referencing proposed, one at a time,
 * side by side, decided with buttons or keys. Decisions go to
 * POST /api/v1/identity/decisions; nothing here merges without a person.
 */
export const review = {
  title: 'Review queue',
  render(main: HTMLElement, ctx: PageContext) {
    const queue = new Queue();
    let total = 0;
    let exactTotal = 0;
    let busy = false;
    const details = new Map<string, Promise<EntityDetail>>();
    const detail = (id: string) => {
      let p = details.get(id);
      if (!p) {
        p = ctx.client.entity(id);
        details.set(id, p);
        p.catch(() => details.delete(id));
      }
      return p;
    };

    const status = h('p', { class: 'muted small', 'aria-live': 'polite', id: 'review-status' }, 'Loading…');
    const run = h('div', { class: 'row', id: 'xref-run' });
    const bulk = h('div', { class: 'row', id: 'bulk' });
    const note = h('input', { id: 'review-note', placeholder: 'note (optional), kept with the decision', size: 40 });
    const pairEl = h('div', { id: 'pair', 'aria-live': 'polite' });
    const message = h('div', { id: 'review-message', role: 'status' });
    main.append(
      h('h1', null, 'Review queue'),
      h('p', { class: 'muted' }, 'Pairs of records that cross-referencing found may be one party. Merge them (SAME_AS), say they are not the same (never proposed again), or skip. ',
        h('span', { class: 'small' }, 'Keys: ', h('kbd', null, 'm'), ' merge · ', h('kbd', null, 'n'), ' not the same · ', h('kbd', null, 's'), ' skip · ',
          h('kbd', null, 'j'), ' next · ', h('kbd', null, 'k'), ' previous.')),
      run, status, reviewerField(ctx.client), bulk, message, pairEl,
    );

    function say(...children: (Node | string)[]): void {
      replace(message, ...children);
    }

    async function loadMore(): Promise<void> {
      const p = await ctx.client.candidates({ limit: PAGE, offset: queue.length });
      total = p.total;
      queue.add(p.candidates);
      status.textContent = `${total} pair${total === 1 ? '' : 's'} to decide` +
        (p.left_off ? `; ${p.left_off} more were left off by the cap of kept proposals (run cross-referencing again after deciding these)` : '') +
        (p.updated && !p.updated.startsWith('0001') ? `; proposals of ${new Date(p.updated).toLocaleString()}` : '');
    }

    async function loadExact(): Promise<void> {
      const p = await ctx.client.candidates({ exact: true, limit: 1 });
      exactTotal = p.total;
      drawBulk();
    }

    function drawBulk(): void {
      replace(bulk, exactTotal
        ? h('button', { type: 'button', id: 'merge-exact', disabled: busy, onclick: mergeExact }, `Merge all ${exactTotal} exact-identifier pair${exactTotal === 1 ? '' : 's'}…`)
        : h('span', { class: 'muted small' }, 'No pair with the same registration id to merge in bulk.'));
    }

    async function mergeExact(): Promise<void> {
      const n = exactTotal;
      if (!n || busy) return;
      if (!confirm(`Merge all ${n} pairs whose records carry the same registration id? Each becomes a SAME_AS decision in your name; a decision is undone by removing it.`)) return;
      busy = true;
      drawBulk();
      let done = 0;
      const merged = new Set<string>();
      try {
        for (;;) {
          // Decided pairs leave the list; a page of none new means done.
          const page = exactPairs((await ctx.client.candidates({ exact: true, limit: 100 })).candidates)
            .filter((c) => !merged.has(pairKey(c)));
          if (!page.length) break;
          // One request per page: all or none, the flags re-evaluated once.
          const why = note.value.trim() || 'same registration id (bulk merge from the review queue)';
          await ctx.client.decideAll(page.map((c) => ({ a: c.a.id, b: c.b.id, decision: 'same' as const, note: why })));
          for (const c of page) {
            merged.add(pairKey(c));
            queue.decided(pairKey(c));
          }
          done += page.length;
          say(`Merged ${done} of ${n}…`);
        }
        say(`Merged ${done} exact-identifier pair${done === 1 ? '' : 's'}.`);
      } catch (err) {
        say(errorBox(err, `Bulk merge stopped after ${done}`));
      } finally {
        busy = false;
        await refresh();
      }
    }

    function field(label: string, value: string | undefined, other?: string): Node | null {
      if (!value) return null;
      const same = other !== undefined && other !== '' && value.toLowerCase() === other.toLowerCase();
      return h('div', { class: same ? 'field same' : 'field' }, h('span', { class: 'muted small' }, `${label}: `), value);
    }

    function side(d: EntityDetail, other: EntityDetail): HTMLElement {
      const e = d.entity;
      const o = other.entity;
      const name = (id: string) => d.related[id]?.name ?? id;
      const src = e.source;
      return h('section', { class: 'card side', 'aria-label': e.name },
        h('h2', null, link(`/explore/${encodeURIComponent(e.id)}`, e.name), ' ', badge(kindName[e.kind] ?? e.kind, e.kind),
          e.restrictive ? badge('restrictive', 'critical') : null),
        field('id', e.id),
        field('country', e.country, o.country),
        field('registration id', e.registration_id, o.registration_id),
        field('aliases', e.aliases?.join('; ')),
        field('address', e.address, o.address),
        field('role', e.role ?? e.position ?? e.body_kind),
        field('founded', e.founded),
        field('source', src ? `${src.file}${src.sheet ? ` / ${src.sheet}` : ''}${src.row ? `, row ${src.row}` : ''}` : ''),
        h('h3', null, `Listings (${d.listings?.length ?? 0})`),
        d.listings?.length
          ? h('ul', { class: 'small' }, d.listings.map((l) => h('li', null, d.lists?.[l.list]?.name ?? l.list,
            l.program ? ` — ${l.program}` : '', l.listed_from || l.listed_to ? ` (${l.listed_from ?? '…'} to ${l.listed_to ?? '…'})` : '')))
          : h('p', { class: 'muted small' }, 'none'),
        h('h3', null, `Links (${d.links.length})`),
        d.links.length
          ? h('ul', { class: 'small' }, d.links.slice(0, 12).map((l) => h('li', null,
            l.from === e.id ? `${l.type} → ${name(l.to)}` : `${name(l.from)} → ${l.type}`,
            l.percent != null ? ` ${l.percent}%` : '', l.role ? ` (${l.role})` : '')),
          d.links.length > 12 ? h('li', { class: 'muted' }, `and ${d.links.length - 12} more`) : null)
          : h('p', { class: 'muted small' }, 'none'));
    }

    let drawn = 0;
    async function draw(): Promise<void> {
      const my = ++drawn;
      if (queue.atEnd() && queue.length < total) {
        try {
          await loadMore();
        } catch (err) {
          replace(pairEl, errorBox(err, 'Candidates'));
          return;
        }
      }
      const c = queue.current();
      if (!c) {
        replace(pairEl, h('div', { class: 'card placeholder' }, queue.length
          ? 'That was the last pair loaded. Press k to go back to the ones you skipped.'
          : 'Nothing to review. Run cross-referencing to look for pairs that may be one party.'));
        return;
      }
      replace(pairEl, h('p', { class: 'muted' }, 'Loading the pair…'));
      let a: EntityDetail, b: EntityDetail;
      try {
        [a, b] = await Promise.all([detail(c.a.id), detail(c.b.id)]);
      } catch (err) {
        if (my === drawn) replace(pairEl, errorBox(err, 'Entities'));
        return;
      }
      if (my !== drawn) return;
      const act = (label: string, key: string, action: ReviewAction, cls = '') =>
        h('button', { type: 'button', class: cls, id: `act-${action}`, disabled: busy, onclick: () => void perform(action) },
          label, ' ', h('kbd', null, key));
      replace(pairEl,
        h('div', { class: 'row' },
          h('strong', null, `Pair ${queue.index + 1} of ${total}`), ' · score ', h('strong', { id: 'pair-score' }, c.score.toFixed(3)),
          c.exact_identifier ? badge('same registration id', 'info') : null),
        h('div', { class: 'pair' }, side(a, b), side(b, a)),
        h('div', { class: 'card' },
          h('h3', null, 'Why they were proposed'),
          h('table', { class: 'features' }, h('tbody', null, c.features.map((f) => h('tr', null,
            h('td', null, f.name), h('td', null, badge(f.effect, f.effect === 'lowers' ? 'warn' : f.effect === 'raises' ? 'ok' : 'info')),
            h('td', { class: 'num' }, f.score.toFixed(2)), h('td', { class: 'small' }, f.detail)))))),
        h('div', { class: 'row actions' },
          act('Merge', 'm', 'merge', 'primary'), act('Not the same', 'n', 'not_same'), act('Skip', 's', 'skip'),
          act('Previous', 'k', 'prev'), act('Next', 'j', 'next'),
          h('label', { for: 'review-note', class: 'visually-hidden' }, 'Note'), note));
    }

    async function perform(action: ReviewAction): Promise<void> {
      if (busy) return;
      const c = queue.current();
      switch (action) {
        case 'next':
        case 'skip':
          queue.next();
          say();
          break;
        case 'prev':
          queue.prev();
          say();
          break;
        case 'merge':
        case 'not_same': {
          if (!c) return;
          const decision: Identity = action === 'merge' ? 'same' : 'not_same';
          busy = true;
          try {
            await ctx.client.decide(c.a.id, c.b.id, decision, note.value.trim());
            queue.decided(pairKey(c));
            total = Math.max(0, total - 1);
            if (c.exact_identifier) exactTotal = Math.max(0, exactTotal - 1);
            note.value = '';
            say(decision === 'same' ? `Merged ${c.a.name} and ${c.b.name}.` : `${c.a.name} and ${c.b.name} are recorded as different parties.`);
          } catch (err) {
            say(errorBox(err, decision === 'same' ? 'Merge' : 'Not the same'));
          } finally {
            busy = false;
          }
          drawBulk();
          break;
        }
      }
      await draw();
    }

    const onKey = (e: KeyboardEvent) => {
      const a = keyAction(e);
      if (!a) return;
      e.preventDefault();
      void perform(a);
    };
    document.addEventListener('keydown', onKey);

    // Cross-referencing: the last run, and a run now.
    let poll: ReturnType<typeof setTimeout> | undefined;
    function drawRun(j: XrefJob | null): void {
      const r = j?.report;
      replace(run,
        h('button', { type: 'button', id: 'xref-start', disabled: j?.state === 'running', onclick: startRun }, 'Cross-reference everything'),
        h('span', { class: 'muted small', id: 'xref-state' }, !j
          ? 'Cross-referencing has not run over the whole store yet; it runs after each upload on what the upload touched.'
          : j.state === 'running'
            ? `Running: ${j.progress.phase ?? ''} ${j.progress.done}${j.progress.total ? ` of ${j.progress.total}` : ''}…`
            : j.state === 'done' && r
              ? `Last run ${new Date(j.updated).toLocaleString()}${r.touched ? ` (after an upload, on ${r.touched} entities)` : ''}: ${r.entities} entities, ${r.compared} pairs compared, ${r.proposed} proposed; ${r.skipped_keys} name keys shared by more than ${r.max_block} entities skipped.`
              : `Last run ${j.state}${j.error ? `: ${j.error}` : ''}.`));
    }
    async function watchRun(): Promise<void> {
      try {
        const j = await ctx.client.xrefJob();
        drawRun(j);
        if (j.state === 'running') poll = setTimeout(watchRun, 1000);
        else if (j.state === 'done') await refresh();
      } catch {
        drawRun(null);
      }
    }
    async function startRun(): Promise<void> {
      try {
        drawRun(await ctx.client.startXref());
        poll = setTimeout(watchRun, 1000);
      } catch (err) {
        say(errorBox(err, 'Cross-referencing'));
      }
    }

    async function refresh(): Promise<void> {
      queue.clear();
      total = 0;
      try {
        await Promise.all([loadMore(), loadExact()]);
      } catch (err) {
        replace(status, errorBox(err, 'Candidates'));
        return;
      }
      await draw();
    }

    ctx.client.xrefJob().then(drawRun, () => drawRun(null));
    void refresh();
    return () => {
      document.removeEventListener('keydown', onKey);
      clearTimeout(poll);
    };
  },
};
