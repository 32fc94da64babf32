// The entity page's identity section: the entity's SAME_AS cluster (each
// member a link), every decision on a member with who, when and why and a
// remove button, and "same as…" / "not the same as…" with a search for the
// other record. The server decides who may change decisions: a viewer's
// attempt gets its 403 in words.
import type { Client } from './api';
import { debounce, errorBox, h, link, replace } from './dom';
import { reviewerField } from './reviewer';
import { candidates, clusterSummary, decisionMeta, decisionSentence, nameOf, pairText, sentence } from './identity';
import type { Cluster, Decision, Entity, Identity, Match } from './types';

/** identitySection returns the section, which loads itself; onChange runs after a decision is made or removed. */
export function identitySection(client: Client, id: string, onChange?: () => void): HTMLElement {
  const el = h('section', { class: 'identity', 'data-testid': 'identity', 'aria-live': 'polite' }, h('h3', null, 'Identity'), h('p', { class: 'muted' }, 'Loading…'));
  const load = async (said?: string) => {
    try {
      const c = await client.cluster(id);
      replace(el, h('h3', null, c.members.length > 1 ? `Identity: one party, ${c.members.length} records` : 'Identity'),
        said ? h('p', { class: 'ok', role: 'status' }, said) : null,
        ...render(client, id, c, async (msg) => {
          await load(msg);
          onChange?.();
        }));
    } catch (err) {
      replace(el, h('h3', null, 'Identity'), errorBox(err, 'Cluster'));
    }
  };
  void load();
  return el;
}

function render(client: Client, id: string, c: Cluster, changed: (msg: string) => Promise<void>): HTMLElement[] {
  const out: HTMLElement[] = [h('p', { class: 'muted small', 'data-testid': 'cluster-summary' }, clusterSummary(c, id))];
  let extra: Entity[] = [];
  const name = (x: string) => nameOf(c, extra)(x);
  if (c.members.length > 1) {
    out.push(h('ul', { class: 'links', 'data-testid': 'cluster-members' }, c.members.map((e) => h('li', null,
      e.id === id ? h('strong', null, e.name) : link(`/explore/${encodeURIComponent(e.id)}`, e.name),
      h('span', { class: 'muted small' }, ` ${e.id}${e.country ? ` · ${e.country}` : ''}${e.id === id ? ' · this record' : ''}${e.id === c.cluster ? ' · names the cluster' : ''}`)))));
  }
  if (c.decisions.length) {
    out.push(h('h4', null, `Decisions (${c.decisions.length})`),
      h('ul', { class: 'links', 'data-testid': 'decisions' }, c.decisions.map((d) => decisionItem(client, d, name, changed))));
  }
  // Decisions are recorded with who made them: without a key, the UI asks once.
  out.push(reviewerField(client), decideForm(client, id, c, (es) => (extra = es), changed));
  return out;
}

function decisionItem(client: Client, d: Decision, name: (id: string) => string, changed: (msg: string) => Promise<void>): HTMLElement {
  const msg = h('div', { class: 'small' });
  let armed = false;
  const remove = h('button', {
    type: 'button', class: 'linkish danger', 'data-testid': 'remove-decision',
    onclick: async () => {
      if (!armed) {
        armed = true;
        remove.textContent = 'Confirm removal';
        return;
      }
      remove.disabled = true;
      try {
        await client.undecide(d.a, d.b);
        await changed(`Removed the decision on ${pairText(d, name)}. The flags were re-evaluated.`);
      } catch (err) {
        remove.disabled = false;
        replace(msg, errorBox(err, 'Remove'));
      }
    },
  }, 'Remove');
  const others = (x: string) => link(`/explore/${encodeURIComponent(x)}`, name(x));
  return h('li', { 'data-testid': 'decision', dataset: { pair: `${d.a}|${d.b}`, decision: d.decision } },
    h('div', null, d.decision === 'same' ? '= ' : '≠ ', decisionSentence(d, name), ' ', h('span', { class: 'muted small' }, `(${d.a}, ${d.b})`)),
    h('div', { class: 'muted small' }, decisionMeta(d)),
    d.note ? h('div', { class: 'small' }, 'Why: ', d.note) : null,
    h('div', { class: 'row small' }, others(d.a), others(d.b), remove),
    msg);
}

function decideForm(client: Client, id: string, c: Cluster, known: (es: Entity[]) => void, changed: (msg: string) => Promise<void>): HTMLElement {
  let mode: Identity = 'same';
  const results = h('ul', { class: 'suggest', role: 'listbox', 'data-testid': 'decide-results' });
  const confirm = h('div', { 'data-testid': 'decide-confirm' });
  const input = h('input', { type: 'search', placeholder: 'Find the other record…', autocomplete: 'off', 'aria-label': 'Find the other record', 'data-testid': 'decide-search' });
  const form = h('div', { class: 'decide', hidden: true }, h('p', { class: 'small', 'data-testid': 'decide-mode' }), input, results, confirm);
  const modeText = form.querySelector('p')!;
  const open = (m: Identity) => {
    mode = m;
    form.hidden = false;
    modeText.textContent = m === 'same'
      ? 'Find the record that is the same party: their links, listings and sales will count as one.'
      : 'Find the record that is a different party: it will not be proposed as a duplicate again.';
    replace(confirm);
    input.focus();
    search();
  };
  const pick = (m: Match, standing?: Decision) => {
    known([m.entity]);
    const note = h('textarea', { rows: 2, maxlength: 4000, placeholder: 'Why (the evidence: a registration number, an address, a source)', 'aria-label': 'Why', 'data-testid': 'decide-note' });
    const msg = h('div');
    const self = c.members.find((e) => e.id === id);
    const what = mode === 'same' ? 'is the same party as' : 'is not the same party as';
    const record = h('button', {
      type: 'button', class: 'primary', 'data-testid': 'decide-record',
      onclick: async () => {
        record.disabled = true;
        try {
          await client.decide(id, m.entity.id, mode, note.value.trim());
          form.hidden = true;
          input.value = '';
          replace(results);
          replace(confirm);
          await changed(`Recorded: ${sentence(`${self?.name ?? id} ${what} ${m.entity.name}`)} The flags were re-evaluated.`);
        } catch (err) {
          record.disabled = false;
          replace(msg, errorBox(err, 'Decision'));
        }
      },
    }, mode === 'same' ? 'Record: same party' : 'Record: not the same party');
    replace(confirm, h('div', { class: 'confirm' },
      h('p', null, `${self?.name ?? id} ${what} ${m.entity.name} (${m.entity.id}${m.entity.country ? `, ${m.entity.country}` : ''})?`),
      standing ? h('p', { class: 'muted small' }, `This replaces the standing decision: ${decisionSentence(standing, (x) => (x === id ? self?.name ?? id : m.entity.name))}.`) : null,
      note,
      h('div', { class: 'row' }, record, h('button', { type: 'button', onclick: () => replace(confirm) }, 'Cancel')),
      msg));
    note.focus();
  };
  const search = debounce(async () => {
    const q = input.value.trim();
    if (q.length < 2) return replace(results);
    try {
      const { matches } = await client.search(q, { limit: 10 });
      const cs = candidates(matches, c, id, mode);
      replace(results, cs.length
        ? cs.map(({ match: m, standing }) => h('li', null, h('button', {
          type: 'button', class: 'linkish', 'data-testid': 'decide-candidate', dataset: { id: m.entity.id },
          onclick: () => pick(m, standing),
        }, m.entity.name, h('span', { class: 'muted small' }, ` ${m.entity.country ?? ''} ${m.entity.id}${standing ? ` · decided: ${standing.decision === 'same' ? 'same' : 'not the same'}` : ''}`))))
        : h('li', { class: 'muted small' }, 'No other record matches.'));
    } catch (err) {
      replace(results, h('li', null, errorBox(err)));
    }
  }, 180);
  input.addEventListener('input', search);
  return h('div', { class: 'decide-actions' },
    h('div', { class: 'row small' },
      h('button', { type: 'button', 'data-testid': 'same-as', onclick: () => open('same') }, 'Same as…'),
      h('button', { type: 'button', 'data-testid': 'not-same-as', onclick: () => open('not_same') }, 'Not the same as…')),
    form);
}
