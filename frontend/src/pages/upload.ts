import type { PageContext } from '../page';
import { badge, errorBox, h, link, replace } from '../dom';
import { buildMapping, guessColumn, mergeMappings, reusableMapping, sheetKey, TABLE_COLUMNS, TABLES, type SavedMapping, type SheetChoice } from '../mapping';
import { plural } from '../format';
import type { Changes, Issue, Job, Preview, SheetPreview } from '../types';
import { jobState, uploadsList } from '../uploadslist';

const DATE_FORMATS = ['', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY', 'DD-MM-YYYY', 'YYYY/MM/DD'];

/** issuesTable lists errors or warnings, each where it is. */
export function issuesTable(issues: Issue[], caption: string): HTMLElement {
  return h('table', { class: 'issues' }, h('caption', null, caption),
    h('thead', null, h('tr', null, ['File', 'Sheet', 'Row', 'Column', 'Message'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, issues.map((i) => h('tr', null,
      h('td', null, i.file ?? ''), h('td', null, i.sheet ?? ''), h('td', { class: 'num' }, i.row ? String(i.row) : ''),
      h('td', null, [i.column, i.header ? `“${i.header}”` : ''].filter(Boolean).join(' ')), h('td', null, i.message)))));
}

function changes(title: string, c: Changes | undefined): HTMLElement {
  return h('tr', null, h('th', { scope: 'row' }, title),
    h('td', { class: 'num' }, String(c?.created ?? 0)), h('td', { class: 'num' }, String(c?.updated ?? 0)), h('td', { class: 'num' }, String(c?.unchanged ?? 0)));
}

/** The text a reference error is about: the quoted value its message starts with. */
export function referenceText(i: Issue): string | null {
  const m = /^"((?:[^"\\]|\\.)*)" names no entity/.exec(i.message);
  return m ? JSON.parse(`"${m[1]}"`) as string : null;
}

/** suggestionPicker lets a person say which entity each unresolved
 * reference means, among the report's suggestions, and upload again. */
export function suggestionPicker(errors: Issue[], again: (refs: Record<string, string>) => void): HTMLElement | null {
  const picks = new Map<string, HTMLSelectElement>();
  for (const i of errors) {
    const text = referenceText(i);
    if (!text || !i.suggestions?.length || picks.has(text)) continue;
    picks.set(text, h('select', { 'aria-label': `Entity meant by ${text}`, 'data-ref': text },
      h('option', { value: '' }, 'none of these'),
      i.suggestions.map((s) => h('option', { value: s.id }, `${s.name} (${s.id}${s.country ? `, ${s.country}` : ''}) — score ${s.score.toFixed(2)}`))));
  }
  if (!picks.size) return null;
  const go = h('button', { type: 'button', class: 'primary', id: 'upload-again' }, 'Upload again with these picks');
  go.addEventListener('click', () => {
    const refs: Record<string, string> = {};
    for (const [text, sel] of picks) if (sel.value) refs[text] = sel.value;
    if (Object.keys(refs).length) again(refs);
  });
  return h('section', { class: 'card', 'data-testid': 'did-you-mean' }, h('h3', null, 'Did you mean…'),
    h('p', { class: 'muted small' }, 'These references name no entity. Pick the one each means, and the same files are uploaded again with your picks.'),
    h('ul', null, [...picks].map(([text, sel]) => h('li', null, h('label', null, `“${text}”: `, sel)))), go);
}

/** jobResult shows how an upload ended: what changed, or every error located. */
export function jobResult(j: Job, again?: (refs: Record<string, string>) => void): HTMLElement {
  const r = j.report;
  const out = h('section', { class: 'card result', 'data-testid': 'job-result', 'data-state': j.state },
    h('h2', null, 'Upload ', jobState(j), ' ', h('span', { class: 'muted small' }, j.files.join(', '))));
  if (j.error) out.append(errorBox(j.error));
  if (j.state === 'done' && r?.written) {
    out.append(h('table', { class: 'changes' }, h('caption', null, 'What changed'),
      h('thead', null, h('tr', null, h('th', null, ''), h('th', { class: 'num' }, 'created'), h('th', { class: 'num' }, 'updated'), h('th', { class: 'num' }, 'unchanged'))),
      h('tbody', null, changes('Entities', r.written.entities), changes('Links', r.written.links),
        changes('Countries', r.written.countries), changes('Transactions', r.written.transactions),
        r.written.lists ? changes('Lists', r.written.lists) : null, r.written.listings ? changes('Listings', r.written.listings) : null)));
    if (j.flags) {
      out.append(h('p', null, `Flags re-evaluated: ${j.flags.evaluated} transactions, ${plural(j.flags.flagged, 'flag')}, ${j.flags.reopened} reopened. `,
        link('/flags', 'See the flags'), '.'));
    }
  }
  if (j.state === 'rejected' && r) {
    out.append(h('p', { class: 'error', role: 'alert' }, `Nothing was written: ${plural(r.errors.length + (r.more_errors ?? 0), 'error')} to fix first.`));
  }
  if (r?.errors?.length) out.append(issuesTable(r.errors, `Errors${r.more_errors ? ` (and ${r.more_errors} more)` : ''}`));
  const picker = again && r?.errors?.length ? suggestionPicker(r.errors, again) : null;
  if (picker) out.append(picker);
  if (r?.warnings?.length) out.append(issuesTable(r.warnings, `Warnings${r.more_warnings ? ` (and ${r.more_warnings} more)` : ''}`));
  if (r?.sheets?.length) {
    out.append(h('p', { class: 'muted small' }, 'Read: ', r.sheets.map((s) => `${s.sheet ?? s.file}${s.kind ? ` as ${s.kind}` : ' (ignored)'}: ${plural(s.rows, 'row')}`).join('; ')));
  }
  return out;
}

export const upload = {
  title: 'Upload',
  render(main: HTMLElement, ctx: PageContext) {
    let files: File[] = [];
    const choices = new Map<string, SheetChoice>();
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const input = h('input', { type: 'file', id: 'file', multiple: true, accept: '.xlsx,.csv,.tsv,.txt', class: 'visually-hidden' });
    const drop = h('div', {
      class: 'dropzone', id: 'dropzone', tabindex: '0', role: 'button', 'aria-describedby': 'drop-help',
      onclick: () => input.click(),
      onkeydown: (e: KeyboardEvent) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          input.click();
        }
      },
    }, h('strong', null, 'Drop an XLSX workbook or CSV files here'), h('div', { id: 'drop-help', class: 'muted small' }, 'or press Enter to choose them'));
    const dateFmt = h('select', { id: 'date-format' }, DATE_FORMATS.map((f) => h('option', { value: f }, f || 'ISO dates only')));
    const step = h('div', { id: 'step', class: 'step' });
    const progress = h('div', { id: 'progress' });

    main.append(h('h1', null, 'Upload'),
      h('p', null, 'Every sheet holds one kind of row, told by its name. ', h('a', {
        href: '/api/v1/template.xlsx', id: 'template',
        onclick: (e: Event) => {
          e.preventDefault();
          ctx.client.download('/api/v1/template.xlsx', 'hopcheck-template.xlsx').catch((err: Error) => replace(progress, h('p', { class: 'error' }, err.message)));
        },
      }, 'Download the template'), '.'),
      h('div', { class: 'row' }, drop, input, h('label', { for: 'date-format' }, 'Numeric dates'), dateFmt),
      step, progress, uploadsList(ctx.client));

    ['dragenter', 'dragover'].forEach((t) => drop.addEventListener(t, (e) => {
      e.preventDefault();
      drop.classList.add('over');
    }));
    ['dragleave', 'drop'].forEach((t) => drop.addEventListener(t, () => drop.classList.remove('over')));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      pick([...((e as DragEvent).dataTransfer?.files ?? [])]);
    });
    input.addEventListener('change', () => pick([...(input.files ?? [])]));
    dateFmt.addEventListener('change', () => files.length && void preview());

    let references: Record<string, string> = {};
    // A saved mapping picked for these files: sent by name, or under the choices made since.
    let saved: SavedMapping | undefined;
    let savedList: SavedMapping[] = [];
    const loadSaved = () => ctx.client.mappings().then((r) => { savedList = r.mappings; }).catch(() => { savedList = []; });
    void loadSaved();
    function form(): FormData {
      const f = new FormData();
      for (const x of files) f.append('file', x, x.name);
      const m = buildMapping(choices);
      if (saved && !m) f.append('mapping_name', saved.name);
      else if (saved && m) f.append('mapping', mergeMappings(saved.mapping, m));
      else if (m) f.append('mapping', m);
      if (dateFmt.value) f.append('date_format', dateFmt.value);
      if (Object.keys(references).length) f.append('references', JSON.stringify(references));
      return f;
    }

    function pick(fs: File[]): void {
      if (!fs.length) return;
      files = fs;
      references = {};
      choices.clear();
      replace(progress);
      replace(step);
      void preview();
    }

    let seq = 0;
    async function preview(): Promise<void> {
      const my = ++seq;
      // Keep the current step on screen while re-checking: no jump.
      if (!step.querySelector('.sheet')) replace(step, h('p', { class: 'muted' }, `Reading ${files.map((f) => f.name).join(', ')}…`));
      step.setAttribute('aria-busy', 'true');
      try {
        const p = await ctx.client.preview(form());
        if (alive && my === seq) drawPreview(p);
      } catch (err) {
        if (my === seq) replace(step, errorBox(err, 'Reading the files'));
      } finally {
        if (my === seq) step.removeAttribute('aria-busy');
      }
    }

    function headerRowInput(s: SheetPreview, key: string): HTMLElement[] {
      const id = `hr-${key.replace(/[^A-Za-z0-9]/g, '_')}`;
      const inp = h('input', { id, type: 'number', min: 1, max: 1000, size: 4, value: String(choices.get(key)?.headerRow ?? s.header_row ?? '') });
      inp.addEventListener('change', () => {
        const c = choices.get(key) ?? { columns: {} };
        c.headerRow = Number(inp.value) || undefined;
        choices.set(key, c);
        void preview();
      });
      return [h('label', { for: id }, 'Header row'), inp];
    }

    function columnSelect(s: SheetPreview, key: string, header: string, current: string): HTMLSelectElement {
      const table = s.kind.table;
      const sel = h('select', { 'aria-label': `Column for “${header}” in ${key}`, 'data-header': header },
        h('option', { value: '' }, '— not recognised: ignored with a warning'),
        h('option', { value: 'ignore', selected: current === 'ignore' }, 'ignore'),
        (TABLE_COLUMNS[table] ?? []).map((c) => h('option', { value: c, selected: c === current }, c)));
      sel.addEventListener('change', () => {
        const ch = choices.get(key) ?? { columns: {} };
        ch.columns[header] = sel.value;
        choices.set(key, ch);
        void preview();
      });
      return sel;
    }

    function drawPreview(p: Preview): void {
      // A sheet of a known kind whose header row was not found (no header
      // recognised): read row 1 as the headers so that they can be mapped.
      const headless = p.sheets.filter((s) => !s.format && s.kind.table && !(s.columns ?? []).length && !choices.get(sheetKey(s))?.headerRow);
      if (headless.length) {
        for (const s of headless) {
          const c = choices.get(sheetKey(s)) ?? { columns: {} };
          c.headerRow = 1;
          choices.set(sheetKey(s), c);
        }
        void preview();
        return;
      }
      const needsMapping = p.sheets.some((s) => !s.format && (!s.kind.table || (s.columns ?? []).some((c) => !c.column) || (s.missing?.length ?? 0) > 0));
      const sheets = p.sheets.map((s) => {
        const key = sheetKey(s);
        if (s.format) {
          return h('section', { class: 'sheet card', 'data-sheet': key },
            h('h3', null, s.file, ' ', badge(s.format, 'ok')),
            h('p', { class: 'muted small' }, `Read as ${s.format}, record by record: nothing to map.`));
        }
        const ch = choices.get(key);
        const kindSel = h('select', { 'aria-label': `Kind of ${key}`, class: 'kind' },
          h('option', { value: '' }, s.kind.table ? `${s.kind.table} (detected)` : '— not recognised: ignored'),
          TABLES.map((t) => h('option', { value: t, selected: ch?.kind === t }, t)));
        kindSel.addEventListener('change', () => {
          const c = choices.get(key) ?? { columns: {} };
          c.kind = kindSel.value || undefined;
          c.columns = {};
          choices.set(key, c);
          void preview();
        });
        const cols = s.columns ?? [];
        return h('section', { class: 'sheet card', 'data-sheet': key },
          h('h3', null, s.sheet ? `${s.file} › ${s.sheet}` : s.file, ' ',
            s.kind.table ? badge(s.kind.table, 'ok') : badge('not recognised', 'warn'),
            s.kind.role ? h('span', { class: 'muted small' }, ` role ${s.kind.role}`) : null,
            s.kind.link_type ? h('span', { class: 'muted small' }, ` type ${s.kind.link_type}`) : null),
          h('div', { class: 'row' }, h('span', null, 'Kind'), kindSel, s.kind.table ? headerRowInput(s, key) : null),
          s.missing?.length ? h('p', { class: 'error', role: 'alert' }, `Required column${s.missing.length > 1 ? 's' : ''} not found: ${s.missing.join(', ')}. Map a header to ${s.missing.length > 1 ? 'them' : 'it'} below.`) : null,
          cols.length ? h('table', { class: 'columns' },
            h('thead', null, h('tr', null, h('th', null, 'Col'), h('th', null, 'Header'), h('th', null, 'Read as'), h('th', null, 'First rows'))),
            h('tbody', null, cols.map((c, i) => {
              const chosen = ch?.columns[c.header];
              const sample = (s.rows ?? []).slice(0, 3).map((r) => r[i] ?? '').filter(Boolean).join(' · ');
              const recognised = c.column && chosen === undefined;
              return h('tr', { class: c.column ? '' : 'unmapped' },
                h('td', null, c.letter), h('td', null, c.header),
                h('td', null, recognised ? h('span', null, c.column, c.required ? ' *' : '') : columnSelect(s, key, c.header, chosen ?? (c.column || guessColumn(c.header, s.kind.table)))),
                h('td', { class: 'muted small sample' }, sample));
            }))) : null);
      });
      const go = h('button', { type: 'button', class: 'primary', id: 'start-upload', onclick: () => void start() }, `Import ${files.map((f) => f.name).join(', ')}`);
      const savedSel = h('select', { id: 'saved-mapping' }, h('option', { value: '' }, 'none'),
        savedList.map((m) => h('option', { value: m.name, selected: saved?.name === m.name }, m.name)));
      savedSel.addEventListener('change', () => {
        saved = savedList.find((m) => m.name === savedSel.value);
        choices.clear();
        void preview();
      });
      const saveName = h('input', { id: 'mapping-name', size: 24, maxlength: 100, placeholder: 'e.g. Partner Zeta ledger', value: saved?.name ?? '' });
      const saveMsg = h('span', { class: 'small', 'aria-live': 'polite', 'data-testid': 'mapping-msg' });
      const saveBtn = h('button', { type: 'button', id: 'save-mapping', onclick: async () => {
        const own = reusableMapping(choices, dateFmt.value);
        const mapping = saved ? JSON.parse(own ? mergeMappings(saved.mapping, JSON.stringify(own)) : JSON.stringify(saved.mapping)) : own;
        if (!saveName.value.trim()) { replace(saveMsg, h('span', { class: 'error' }, 'Name the mapping first.')); return; }
        if (!mapping) { replace(saveMsg, h('span', { class: 'error' }, 'Nothing to save: no column or kind was chosen.')); return; }
        try {
          const m = await ctx.client.saveMapping(saveName.value.trim(), mapping);
          await loadSaved();
          saved = savedList.find((x) => x.name === m.name);
          choices.clear();
          replace(saveMsg, h('span', { class: 'ok' }, `Saved as “${m.name}”: pick it for the partner's next file.`));
          savedSel.append(...(savedSel.querySelector(`option[value="${CSS.escape(m.name)}"]`) ? [] : [h('option', { value: m.name, selected: true }, m.name)]));
          savedSel.value = m.name;
        } catch (err) {
          replace(saveMsg, errorBox(err, 'Saving the mapping'));
        }
      } }, 'Save mapping');
      const mappingRow = h('div', { class: 'row saved-mappings' },
        h('label', { for: 'saved-mapping' }, 'Saved mapping'), savedSel,
        h('label', { for: 'mapping-name' }, 'Save these choices as'), saveName, saveBtn, saveMsg);
      replace(step,
        h('h2', null, needsMapping ? 'Check the sheets and map the columns' : 'Detected sheets'),
        needsMapping ? h('p', null, 'Some sheets or headers were not recognised. Pick what they hold; the preview updates as you choose.') : null,
        p.errors.length ? issuesTable(p.errors, 'Errors found while reading') : null,
        p.warnings.length ? issuesTable(p.warnings, 'Warnings') : null,
        sheets,
        mappingRow,
        h('div', { class: 'row' }, go, h('span', { class: 'muted small' }, 'The whole upload is checked before anything is written.')));
      // Apply guessed columns so that what is shown is what is sent.
      for (const sel of step.querySelectorAll<HTMLSelectElement>('select[data-header]')) {
        const key = (sel.closest('[data-sheet]') as HTMLElement).dataset.sheet!;
        const ch = choices.get(key) ?? { columns: {} };
        if (sel.value && ch.columns[sel.dataset.header!] === undefined) {
          ch.columns[sel.dataset.header!] = sel.value;
          choices.set(key, ch);
        }
      }
    }

    async function start(): Promise<void> {
      const btn = step.querySelector<HTMLButtonElement>('#start-upload');
      if (btn) btn.disabled = true;
      replace(progress, h('p', { class: 'muted' }, 'Sending…'));
      try {
        const j = await ctx.client.startUpload(form());
        history.replaceState(null, '', `/upload?job=${encodeURIComponent(j.id)}`);
        await poll(j.id, j);
      } catch (err) {
        if (btn) btn.disabled = false;
        replace(progress, errorBox(err, 'Upload'));
      }
    }

    function drawProgress(j: Job): void {
      const { done, total, phase } = j.progress ?? { done: 0, total: 0 };
      const bar = h('progress', { id: 'upload-progress', max: total || 1, 'aria-label': 'Upload progress' });
      if (total) bar.value = done;
      else bar.removeAttribute('value');
      const words = j.state === 'validating' ? 'Checking every row' : j.state === 'writing' ? 'Writing' : j.state;
      replace(progress, h('section', { class: 'card', 'data-testid': 'job-progress', 'data-state': j.state },
        h('h2', null, words, '…'), bar,
        h('p', { class: 'muted small', 'aria-live': 'polite' }, total ? `${phase ?? ''} ${done.toLocaleString('en')} of ${total.toLocaleString('en')}` : phase ?? 'starting')));
    }

    async function poll(id: string, first?: Job): Promise<void> {
      let j = first ?? (await ctx.client.upload(id));
      while (alive && (j.state === 'validating' || j.state === 'writing')) {
        drawProgress(j);
        await new Promise((r) => (timer = setTimeout(r, 300)));
        j = await ctx.client.upload(id);
      }
      if (!alive) return;
      replace(step);
      // The files are still here when this page sent them: a pick among
      // the suggestions sends them again.
      const again = files.length ? (refs: Record<string, string>) => { references = { ...references, ...refs }; void start(); } : undefined;
      replace(progress, jobResult(j, again));
    }

    const jobId = ctx.query.get('job');
    if (jobId) poll(jobId).catch((err) => replace(progress, errorBox(err, `Upload ${jobId}`)));
    // An upload id (a source's upload) shows the report of its latest job.
    const uploadId = ctx.query.get('upload');
    if (!jobId && uploadId) {
      ctx.client.uploads(1, uploadId).then(({ uploads }) => {
        if (!uploads.length) replace(progress, h('p', { class: 'error', role: 'alert' }, `No upload ${uploadId} is listed here.`));
        else return poll(uploads[0].id);
      }).catch((err) => replace(progress, errorBox(err, `Upload ${uploadId}`)));
    }
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  },
};
