import type { PageContext } from '../page';
import { badge, errorBox, h, link, navigate, replace } from '../dom';
import { addShipment, GraphModel, pathEdges, pathSelection, pathShare, worstFirst } from '../graphmodel';
import type { GraphView } from '../graphview';
import { entityPanel, linkDetails } from '../panel';
import { changeText, dateTime, historyLine, linkSentence, ownershipText, percent, plural, sourceText, uploadText } from '../format';
import { reviewerField, reviewerKnown } from '../reviewer';
import type { Exposure, Flag, Status, Transaction } from '../types';
import { exportButtons, legend } from './explorer';

export function reasons(rs: string[]): HTMLElement {
  return h('ul', { class: 'reasons' }, rs.map((r) => h('li', null, r)));
}

/** pathText reads a path in entity names: "A → B → C". */
export function pathText(x: Exposure): string {
  return x.path.map((r) => r.name).join(' → ');
}

export const flagPage = {
  title: 'Flag',
  render(main: HTMLElement, ctx: PageContext) {
    const id = ctx.params.id;
    main.classList.add('wide');
    let alive = true;
    let view: GraphView | null = null;
    const model = new GraphModel();

    const header = h('div', { class: 'flag-head' }, h('h1', null, `Flag ${id}`), h('p', { class: 'muted' }, 'Loading…'));
    const txBox = h('div', { class: 'tx placeholder' }, 'Loading…');
    const reasonsBox = h('section', { class: 'card', 'aria-labelledby': 'h-reasons' }, h('h2', { id: 'h-reasons' }, 'Reasons'), h('p', { class: 'muted' }, 'Loading…'));
    const pathsBox = h('section', { class: 'card', 'aria-labelledby': 'h-paths' }, h('h2', { id: 'h-paths' }, 'Exposure paths'));
    const ownBox = h('section', { class: 'card', 'aria-labelledby': 'h-own' }, h('h2', { id: 'h-own' }, 'Effective ownership'));
    const reviewBox = h('section', { class: 'card', 'aria-labelledby': 'h-review' }, h('h2', { id: 'h-review' }, 'Review'));
    const canvas = h('div', { class: 'canvas flag-canvas', role: 'img', 'aria-label': 'The exposure paths; the selected one is drawn left to right, the others faded. The steps are listed beside it.' });
    const panel = h('aside', { class: 'panel', 'aria-label': 'Provenance', tabindex: '-1' }, h('p', { class: 'muted hint' }, 'Click an entity or a link in the graph, or “Provenance” on a step, to see which row stated it.'));
    const graphBox = h('div', { class: 'flag-graph' });

    main.append(header, txBox,
      h('div', { class: 'flag-layout' },
        h('div', { class: 'flag-left' }, reasonsBox, pathsBox, ownBox, reviewBox),
        graphBox,
        panel));
    graphBox.append(
      h('div', { class: 'row' },
        h('button', { type: 'button', onclick: () => (current ? highlight(current) : view?.fit()), title: 'Lay the selected path out again, at a readable size' }, 'Reset'),
        h('button', { type: 'button', onclick: () => view?.fit() }, 'Fit'),
        h('button', { type: 'button', onclick: () => view?.zoom(1.25), 'aria-label': 'Zoom in' }, '+'),
        h('button', { type: 'button', onclick: () => view?.zoom(0.8), 'aria-label': 'Zoom out' }, '−'),
        exportButtons(() => view, `flag-${id}`),
        legend()),
      canvas);

    const names = (x: string) => model.nodes.get(x)?.name ?? x;
    const showLink = (l: Parameters<typeof linkDetails>[0]) => {
      replace(panel, linkDetails(l, names));
      panel.focus({ preventScroll: true });
      panel.scrollIntoView({ block: 'nearest' });
    };

    let current: Exposure | null = null;
    const highlight = (x: Exposure) => {
      current = x;
      pathsBox.querySelectorAll('[aria-pressed]').forEach((b) => b.setAttribute('aria-pressed', String(b.getAttribute('data-end') === x.end_user.id && b.getAttribute('data-kind') === kindOf(x))));
      if (!view) return;
      const sel = pathSelection(model, x);
      view.highlight(sel);
      const edges = pathEdges(model, x.steps).map((e) => e?.id ?? '');
      void drawChain(x.path.map((r) => r.id).filter((p) => model.nodes.has(p)), edges, sel);
    };
    /** drawChain lays the path out left to right; a chain taller than the canvas makes it grow (the page scrolls). */
    const drawChain = async (ids: string[], edges: string[], sel: { nodes: string[]; edges: string[] }) => {
      if (!view) return;
      canvas.style.height = '';
      view.cy.resize();
      const size = await view.chain(ids, edges.filter(Boolean));
      if (size.height > canvas.clientHeight) {
        canvas.style.height = `${Math.ceil(size.height)}px`;
        graphBox.classList.add('tall');
        view.cy.resize();
      } else graphBox.classList.remove('tall');
      (window as unknown as { __hopcheck: object }).__hopcheck = { view, model, highlighted: sel, chain: ids };
    };
    const showEntity = (nid: string) => {
      view?.select(nid);
      const n = model.nodes.get(nid);
      if (n?.kind === 'country') {
        replace(panel, h('section', { class: 'panel-section', 'data-testid': 'country-panel' }, h('h2', null, n.name),
          h('p', null, 'The transaction ships to this country; the flag names it in its reasons.')));
        return;
      }
      void entityPanel(panel, ctx.client, nid, {
        showLink,
        goTo: (other) => (model.nodes.has(other) ? showEntity(other) : navigate(`/explore/${encodeURIComponent(other)}`)),
        restrictive: (x) => model.nodes.get(x)?.restrictive,
      });
      panel.focus({ preventScroll: true });
    };

    const kindOf = (x: Exposure) => ((flag?.ownership_paths ?? []).includes(x) ? 'own' : 'exp');

    const stepsTable = (x: Exposure) => x.steps.length
      ? h('ol', { class: 'steps' }, x.steps.map((s) => h('li', null,
        h('span', null, linkSentence(s, names(s.from), names(s.to))),
        h('span', { class: 'muted small' }, ` (${s.step}) · ${sourceText(s.source)}`), ' ',
        h('button', { type: 'button', class: 'linkish small no-print', onclick: () => { highlight(x); showLink(s); } }, 'Provenance'))))
      : h('p', { class: 'muted small' }, 'The start entity is itself the restrictive end-user.');

    // The case report: a plain link on a server without keys; with a key
    // the page is fetched with it (a link would send none).
    const reportLinks = (tid: string) => {
      const msg = h('span', { class: 'error small', 'aria-live': 'polite' });
      const open = (format: string, label: string, testid: string) => {
        const href = `/api/v1/flags/${encodeURIComponent(tid)}/report${format ? `?format=${format}` : ''}`;
        return h('a', {
          href, class: 'button', target: '_blank', rel: 'noopener', 'data-testid': testid,
          onclick: (e: Event) => {
            if (!ctx.client.keys.get()) return;
            e.preventDefault();
            msg.textContent = '';
            ctx.client.openTab(href).catch((err: Error) => { msg.textContent = err.message; });
          },
        }, label);
      };
      return h('p', { class: 'row report-links no-print' }, open('', 'Case report', 'case-report'), open('pdf', 'Case report (PDF)', 'case-report-pdf'),
        h('button', { type: 'button', onclick: () => window.print() }, 'Print this page'), msg);
    };

    let flag: Flag | null = null;
    let fourEyesPolicy = true;

    function drawFlag(fl: Flag): void {
      flag = fl;
      replace(header,
        h('h1', null, `Flag ${fl.transaction_id} `, badge(fl.severity, fl.severity), ' ', badge(fl.verdict, fl.verdict === 'block' ? 'critical' : 'medium')),
        h('p', null, 'Status ', badge(fl.status, fl.status), fl.reviewer ? ` · reviewed by ${fl.reviewer}` : '',
          ' · buyer ', link(`/explore/${encodeURIComponent(fl.buyer.id)}`, fl.buyer.name), ` (${fl.buyer.country ?? '—'}) · ${fl.date}`),
        reportLinks(fl.transaction_id));
      replace(reasonsBox, h('h2', { id: 'h-reasons' }, 'Reasons'), reasons(fl.reasons));
      const exps = worstFirst(fl.exposures);
      replace(pathsBox, h('h2', { id: 'h-paths' }, `Exposure paths (${exps.length})`),
        exps.length ? h('ol', { class: 'paths' }, exps.map((x) => h('li', null,
          h('button', { type: 'button', class: 'pathbtn', 'aria-pressed': 'false', 'data-end': x.end_user.id, 'data-kind': 'exp', onclick: () => highlight(x) },
            h('strong', null, `⚠ ${x.end_user.name}`), ` · ${plural(x.hops, 'step')}`, h('div', { class: 'muted small' }, pathText(x))),
          stepsTable(x))))
          : h('p', { class: 'muted', 'data-testid': 'ship-to-only' }, 'No path: flagged for the ship-to country only. The graph shows the parties and where the goods ship to.'));
      const own = fl.ownership_paths ?? [];
      replace(ownBox, h('h2', { id: 'h-own' }, 'Effective ownership ', h('span', { class: 'big' }, ownershipText(fl))),
        own.length ? h('table', null,
          h('thead', null, h('tr', null, h('th', null, 'Owner chain'), h('th', { class: 'num' }, 'Share'))),
          h('tbody', null, own.map((x) => {
            const s = pathShare(x);
            return h('tr', null,
              h('td', null, h('button', { type: 'button', class: 'linkish', 'aria-pressed': 'false', 'data-end': x.end_user.id, 'data-kind': 'own', onclick: () => highlight(x) }, pathText(x))),
              h('td', { class: 'num' }, s === null ? 'unknown (adds nothing)' : percent(s)));
          })))
          : h('p', { class: 'muted small' }, 'No restrictive end-user holds shares of the buyer.'));
      drawReview(fl);
    }

    function drawReview(fl: Flag): void {
      const note = h('textarea', { id: 'note', rows: 3, maxlength: 4000, placeholder: 'Why — what you checked, what you decided (required to confirm or clear)' });
      const msg = h('div', { 'aria-live': 'polite', 'data-testid': 'review-msg' });
      const after = (f2: Flag, said: string) => {
        drawFlag(f2);
        if (current) highlight(current);
        reviewBox.querySelector('[data-testid=review-msg]')!.append(h('p', { class: 'ok' }, said));
      };
      const send = async (btn: HTMLButtonElement, fn: () => Promise<Flag>, said: (f: Flag) => string) => {
        if (!reviewerKnown(ctx.client, reviewBox)) {
          replace(msg, h('p', { class: 'error' }, 'Enter your name first: every decision is recorded with it.'));
          return;
        }
        btn.disabled = true;
        replace(msg, h('p', { class: 'muted' }, 'Saving…'));
        try {
          const f2 = await fn();
          after(f2, said(f2));
        } catch (err) {
          btn.disabled = false;
          replace(msg, errorBox(err, 'Review'));
        }
      };
      const pending = fl.pending_clear;
      const fourEyes = fl.severity === 'critical' && fourEyesPolicy;
      const clearLabel = pending ? 'Clear (second reviewer)' : fourEyes ? 'Clear (1 of 2)' : 'Clear';
      const act = (s: Status, label: string) => h('button', {
        type: 'button', class: `act-${s}`, disabled: fl.status === s,
        onclick: (e: Event) => {
          const btn = e.currentTarget as HTMLButtonElement;
          if (s !== 'open' && !note.value.trim()) {
            replace(msg, h('p', { class: 'error' }, `Say why: a note is required to ${s === 'cleared' ? 'clear' : 'confirm'} a flag.`));
            note.focus();
            return;
          }
          void send(btn, () => ctx.client.review(fl.transaction_id, s, note.value),
            (f2) => (s === 'cleared' && f2.status !== 'cleared' ? 'Approved: a second reviewer must now clear it.' : `Marked ${s}.`));
        },
      }, label);
      const comment = h('textarea', { id: 'comment', rows: 2, maxlength: 4000, placeholder: 'A comment for the file; the status stays' });
      const assignee = h('input', { id: 'assignee', value: fl.assignee ?? '', maxlength: 200, placeholder: 'reviewer’s name' });
      const names = (x: string) => model.nodes.get(x)?.name ?? x;
      replace(reviewBox, h('h2', { id: 'h-review' }, 'Review'),
        reviewerField(ctx.client),
        pending
          ? h('p', { class: 'pending', 'data-testid': 'pending-clear' }, badge('awaiting second reviewer', 'medium'),
            ` Clearing approved by ${pending.by} on ${dateTime(pending.at)}: “${pending.note}”. Another reviewer must clear it (four eyes).`)
          : fourEyes && fl.status !== 'cleared'
            ? h('p', { class: 'muted small' }, 'A critical flag is cleared by two reviewers: the first approves, a second with another name clears.')
            : null,
        h('label', { for: 'note' }, 'Reason'), note,
        h('div', { class: 'row' }, act('confirmed', 'Confirm'), act('cleared', clearLabel), act('open', 'Reopen')),
        msg,
        h('div', { class: 'row' },
          h('label', { for: 'assignee' }, 'Assigned to'), assignee,
          h('button', {
            type: 'button', onclick: (e: Event) => void send(e.currentTarget as HTMLButtonElement,
              () => ctx.client.assign(fl.transaction_id, assignee.value), (f2) => (f2.assignee ? `Assigned to ${f2.assignee}.` : 'Unassigned.')),
          }, 'Assign')),
        h('label', { for: 'comment' }, 'Comment'), comment,
        h('div', { class: 'row' }, h('button', {
          type: 'button', onclick: (e: Event) => {
            if (!comment.value.trim()) {
              replace(msg, h('p', { class: 'error' }, 'Write the comment first.'));
              return;
            }
            void send(e.currentTarget as HTMLButtonElement, () => ctx.client.comment(fl.transaction_id, comment.value), () => 'Comment added.');
          },
        }, 'Add comment')),
        h('p', { class: 'muted small' }, fl.evaluated_at ? `Evidence as of ${dateTime(fl.evaluated_at)}` : '',
          fl.evidence_upload ? [' · last changed by upload ', h('code', { 'data-testid': 'evidence-upload' }, fl.evidence_upload)] : null),
        h('h3', null, 'History'),
        fl.history?.length
          ? h('ol', { class: 'history', 'data-testid': 'history' }, [...fl.history].reverse().map((e) => h('li', { class: `h-${e.action ?? 'review'}` },
            badge(e.status, e.status), ` ${dateTime(e.at)} · ${historyLine(e)}`,
            e.note ? h('div', { class: 'small' }, e.note) : null,
            e.changes?.length
              ? h('ul', { class: 'changes', 'data-testid': 'changes' }, e.changes.map((c) => h('li', { class: 'small' },
                h('span', { class: 'change' }, changeText(c, names)),
                c.source ? h('span', { class: 'muted' }, ` — ${uploadText(c.source)}`) : null)))
              : null)))
          : h('p', { class: 'muted small' }, 'Not reviewed yet.'));
    }

    function drawTx(t: Transaction): void {
      const row = (k: string, v: unknown) => (v !== undefined && v !== '' ? [h('dt', null, k), h('dd', null, String(v))] : null);
      replace(txBox, h('dl', { class: 'kv inline' },
        row('Date', t.date), row('Seller', t.seller), row('Buyer', t.buyer), row('Declared end-user', t.end_user),
        row('Ships to', t.ship_to), row('Product', t.product), row('Capability', t.capability), row('Quantity', t.quantity),
        row('Value', t.value !== undefined ? `${t.value.toLocaleString('en')} ${t.currency ?? ''}` : undefined),
        row('Source', sourceText(t.source))));
      txBox.classList.remove('placeholder');
    }

    void (async () => {
      try {
        const [{ transaction, flag: fl, four_eyes: fe }, mod] = await Promise.all([ctx.client.transaction(id), import('../graphview')]);
        if (!alive) return;
        fourEyesPolicy = fe !== false;
        drawTx(transaction);
        if (!fl) {
          replace(header, h('h1', null, `Transaction ${id}`), h('p', null, 'This transaction is not flagged.'));
          return;
        }
        for (const x of [...fl.exposures, ...(fl.ownership_paths ?? [])]) model.addExposure(x);
        drawFlag(fl);
        for (const n of model.nodes.values()) {
          if (n.restrictive === undefined) n.restrictive = false;
        }
        // A flag without a path (ship-to country only) draws its parties
        // and the country instead of an empty box.
        const first = worstFirst(fl.exposures)[0] ?? fl.ownership_paths?.[0];
        let shipment = null;
        if (!first) {
          const parties: Record<string, string> = { [fl.buyer.id]: fl.buyer.name };
          await Promise.all([transaction.seller, transaction.end_user].map(async (p) => {
            if (p && !parties[p]) parties[p] = (await ctx.client.entity(p).catch(() => null))?.entity.name ?? p;
          }));
          if (!alive) return;
          shipment = addShipment(model, transaction, parties);
        }
        view = new mod.GraphView(canvas, 'dagre', {
          edge: (eid) => {
            const e = model.edges.get(eid);
            if (e?.link) showLink(e.link);
          },
          node: showEntity,
        });
        const roots = new Set([fl.buyer.id]);
        await view.sync(model, { nodes: new Set(model.nodes.keys()), edges: new Set(model.edges.keys()) }, roots, !shipment);
        if (first) highlight(first);
        else if (shipment) {
          const sel = { nodes: shipment.ids, edges: shipment.edges.map((e) => e.id) };
          view.highlight(sel);
          await drawChain(shipment.ids, sel.edges, sel);
        }
      } catch (err) {
        replace(header, h('h1', null, `Flag ${id}`), errorBox(err, 'Flag'));
        replace(txBox);
      }
    })();

    return () => {
      alive = false;
      view?.destroy();
      main.classList.remove('wide');
    };
  },
};
