// Browser tests of the investigator UI in Debian's Chromium, against a real
// `hopcheck serve` on a free loopback port with a fresh data directory.
//
//   node --test e2e/          (from frontend/; npm run e2e)
//
// HOPCHECK_E2E_URL=http://… tests a UI already running instead. Without it,
// the tests build cmd/hopcheck (which embeds dist/) and start it. Screenshots go
// to docs/screenshots/ (SCREENSHOTS=0 to skip) and measurements to
// e2e/out/perf.json.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { startServer as start } from './server.mjs';
import { synthetic } from './synthetic.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const frontend = resolve(here, '..');
const repo = resolve(frontend, '..');
const shots = process.env.SCREENSHOTS === '0' ? null : join(repo, 'docs', 'screenshots');
const out = join(here, 'out');
const tmp = mkdtempSync(join(tmpdir(), 'hopcheck-e2e-'));
const cleanups = [];

function startServer(bin, args, env = {}) {
  return start(bin, args, env, cleanups);
}

let ctx, page, base, bin, demoXLSX;
const perf = {};

async function shot(name, p = page) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await p.screenshot({ path: join(shots, `${name}.png`) });
}

const errors = [];

before(async () => {
  bin = join(tmp, 'hopcheck');
  if (!process.env.HOPCHECK_E2E_URL) {
    execFileSync('go', ['build', '-o', bin, './cmd/hopcheck'], { cwd: repo, stdio: 'inherit' });
    base = await startServer(bin, ['--data-dir', join(tmp, 'data')]);
  } else base = process.env.HOPCHECK_E2E_URL;
  const demo = join(tmp, 'demo');
  execFileSync(process.env.HOPCHECK_E2E_URL ? 'go' : bin, process.env.HOPCHECK_E2E_URL ? ['run', './cmd/hopcheck', 'demo', '-o', demo] : ['demo', '-o', demo], { cwd: repo, stdio: 'ignore' });
  demoXLSX = join(demo, 'demo.xlsx');
  ctx = await launch();
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await ctx?.close();
  for (const c of cleanups.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'perf.json'), JSON.stringify(perf, null, 2) + '\n');
});

/** dropFile drops a file on the upload page's drop zone, as a person dragging it would. */
async function dropFile(path, name) {
  const b64 = readFileSync(path).toString('base64');
  const dt = await page.evaluateHandle(({ b64, name }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name));
    return dt;
  }, { b64, name });
  await page.dispatchEvent('#dropzone', 'drop', { dataTransfer: dt });
}

/** watchJob records every state the progress card shows until the result appears. */
async function watchJob() {
  await page.evaluate(() => {
    window.__states = [];
    const seen = () => {
      const el = document.querySelector('[data-testid=job-progress]');
      if (el && window.__states.at(-1) !== el.dataset.state) window.__states.push(el.dataset.state);
    };
    new MutationObserver(seen).observe(document.getElementById('progress'), { childList: true, subtree: true, attributes: true });
  });
}

describe('investigator UI', () => {
  test('uploads the demo workbook by drag and drop and watches it finish', async () => {
    await page.goto(`${base}/upload`);
    await dropFile(demoXLSX, 'demo.xlsx');
    await page.getByRole('heading', { name: 'Detected sheets' }).waitFor();
    for (const kind of ['countries', 'organizations', 'persons', 'government_bodies', 'links', 'transactions']) {
      assert.ok(await page.locator('.sheet .badge.ok', { hasText: kind }).count() >= 1, `sheet of kind ${kind} detected`);
    }
    await shot('upload-preview');
    await watchJob();
    await page.click('#start-upload');
    const result = page.locator('[data-testid=job-result]');
    await result.waitFor({ timeout: 60_000 });
    assert.equal(await result.getAttribute('data-state'), 'done', await result.innerText());
    const states = await page.evaluate(() => window.__states);
    assert.ok(states.length >= 1 && states.every((s) => s === 'validating' || s === 'writing'), `progress states ${states}`);
    const changes = await page.locator('table.changes').innerText();
    assert.match(changes, /Entities\s+29\s+0\s+0/);
    await shot('upload-done');
  });

  test('dashboard counts what was uploaded', async () => {
    await page.goto(`${base}/`);
    await page.locator('.stat .num', { hasText: '29' }).waitFor();
    await page.locator('ul.bars').waitFor();
    await page.locator('ul.plain li', { hasText: 'demo.xlsx' }).waitFor();
    await shot('dashboard');
  });

  test('lists every upload, its upload id a link to its report', async () => {
    await page.goto(`${base}/upload`);
    const row = page.locator('table.uploads tbody tr', { hasText: 'demo.xlsx' });
    await row.waitFor();
    const id = (await row.locator('td').nth(2).innerText()).trim();
    assert.ok(id.length > 8, `upload id ${id}`);
    await row.getByRole('link', { name: id }).click();
    await page.waitForURL(`**/upload?upload=${id}`);
    await page.locator('[data-testid=job-result][data-state=done]').waitFor();
  });

  let worst;
  test('opens the worst flag and sees its paths highlighted', async () => {
    await page.goto(`${base}/flags`);
    const first = page.locator('table.flags tbody tr').first();
    await first.locator('.badge.critical').waitFor();
    await shot('flags');
    worst = (await first.locator('td').nth(2).innerText()).trim(); // after the checkbox and the severity
    await first.getByRole('link', { name: worst }).click();
    await page.waitForURL(`**/flags/${worst}`);
    await page.waitForFunction(() => window.__hopcheck?.highlighted?.nodes.length > 0);
    const lit = await page.evaluate(() => window.__hopcheck.view.cy.$('.path').length);
    assert.ok(lit >= 1, 'the worst path is highlighted');
    // Pick a path with at least one step; its links light up too.
    const withSteps = page.locator('ol.paths > li', { has: page.locator('ol.steps') }).first();
    await withSteps.locator('.pathbtn').click();
    await page.waitForFunction(() => window.__hopcheck.view.cy.$('edge.path').length > 0);
    assert.equal(await withSteps.locator('.pathbtn').getAttribute('aria-pressed'), 'true');
    await shot('flag');
  });

  test("opens a link's provenance from the graph", async () => {
    await page.waitForTimeout(400); // the fit animation
    const at = await page.evaluate(() => {
      const cy = window.__hopcheck.view.cy;
      const e = cy.$('edge.path').first();
      const m = e.renderedMidpoint();
      const r = cy.container().getBoundingClientRect();
      return { x: r.left + m.x, y: r.top + m.y };
    });
    await page.mouse.click(at.x, at.y);
    const panel = page.locator('[data-testid=link-panel]');
    await panel.waitFor();
    const text = await panel.innerText();
    for (const want of ['Provenance', 'Upload', 'File', 'demo.xlsx', 'Sheet', 'Row', 'Evidence']) assert.ok(text.includes(want), `${want} in ${text}`);
    await shot('flag-provenance');
  });

  test('confirms the flag and finds it confirmed after a reload', async () => {
    // A decision needs a reason, and without a key the UI asks once who is reviewing.
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('[data-testid=review-msg]', { hasText: 'a note is required' }).waitFor();
    await page.fill('#note', 'Checked the register extract: confirmed.');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('[data-testid=review-msg]', { hasText: 'Enter your name first' }).waitFor();
    await page.fill('#reviewer-name', 'Ana Petrova');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('.flag-head .badge.confirmed').waitFor();
    await page.reload();
    await page.locator('.flag-head .badge.confirmed').waitFor();
    const hist = await page.locator('ol.history').innerText();
    assert.match(hist, /confirmed/);
    assert.match(hist, /Checked the register extract/);
    assert.match(hist, /Ana Petrova set it confirmed/);
    await page.goto(`${base}/flags?status=confirmed`);
    await page.locator('table.flags tbody tr', { hasText: worst }).waitFor();
  });

  test('filters flags by capability and sorts every column on the server', async () => {
    await page.goto(`${base}/flags?status=`);
    await page.locator('table.flags tbody tr td[data-col=seller]').first().waitFor();
    // Sellers and buyers read as names, with their ids.
    const seller = await page.locator('table.flags tbody tr td[data-col=seller]').first().innerText();
    assert.match(seller, /Luminar Vision GmbH ORG-LUM/, `seller cell ${seller}`);
    await page.selectOption('#f-capability', 'data analytics');
    await page.waitForURL(/capability=data\+analytics/);
    const want = await (await fetch(`${base}/api/v1/flags?capability=data+analytics`)).json();
    assert.ok(want.total > 0, 'the demo has data analytics flags');
    await page.waitForFunction((n) => document.querySelectorAll('table.flags tbody tr[data-id]').length === n, want.total);
    const caps = await page.locator('table.flags tbody td[data-col=capability]').allInnerTexts();
    assert.ok(caps.every((c) => c.includes('data analytics')), `capabilities ${caps}`);
    await page.selectOption('#f-capability', '');
    await page.waitForURL((u) => !u.search.includes('capability='));
    // Sorting asks the server: the first page is the same as the API's.
    const values = async () => (await page.locator('table.flags tbody td[data-col=value]').allInnerTexts()).map((v) => Number(v.replace(/[^0-9.]/g, '')));
    // A new column sorts ascending (severity: descending); a second click turns it round.
    for (const [col, dir] of [['value', 'asc'], ['value', 'desc'], ['seller', 'asc'], ['end_user', 'asc'], ['capability', 'asc'], ['product', 'asc'], ['product', 'desc']]) {
      await page.locator(`button.sort[data-sort=${col}]`).click();
      await page.waitForURL(new RegExp(`sort=${col}&dir=${dir}`));
      const api = await (await fetch(`${base}/api/v1/flags?sort=${col}&dir=${dir}&limit=100`)).json();
      await page.waitForFunction((ids) => [...document.querySelectorAll('table.flags tbody tr[data-id]')].map((r) => r.dataset.id).join() === ids.join(),
        api.flags.map((f) => f.transaction_id));
      if (col === 'value') {
        const v = await values();
        const sorted = [...v].sort((a, b) => (dir === 'asc' ? a - b : b - a));
        assert.deepEqual(v, sorted, `values sorted ${dir}`);
      }
    }
    await shot('flags-sorted');
  });

  test('explores the graph: expand on click, filter, layout', async () => {
    await page.goto(`${base}/explore/ORG-BSI`);
    await page.waitForFunction(() => window.__hopcheck?.model?.nodes.size >= 2);
    await page.waitForFunction(() => window.__hopcheck.view.cy.$('node[?restrictive]').length > 0);
    const before = await page.evaluate(() => window.__hopcheck.model.nodes.size);
    // Click the restrictive owner: it expands to its own neighbours.
    const at = await page.evaluate(() => {
      const cy = window.__hopcheck.view.cy;
      const n = cy.$('node[?restrictive]').first();
      const p = n.renderedPosition();
      const r = cy.container().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    });
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction((b) => window.__hopcheck.model.nodes.size > b, before);
    await page.locator('[data-testid=entity-panel]', { hasText: 'restrictive end-user' }).waitFor();
    const labels = await page.evaluate(() => window.__hopcheck.view.cy.edges().map((e) => e.data('label')));
    assert.ok(labels.some((l) => /^OWNS \d+(\.\d+)?%$/.test(l)), `an OWNS n% label in ${labels}`);
    await page.selectOption('#layout', 'dagre');
    await page.uncheck('input[value=SUPPLIES]');
    await page.waitForTimeout(600);
    const hidden = await page.evaluate(() => window.__hopcheck.view.cy.$('edge[type = "SUPPLIES"]').filter((e) => e.visible()).length);
    assert.equal(hidden, 0, 'SUPPLIES links hidden');
    await page.check('input[value=SUPPLIES]');
    // Every layout started has stopped (each declutters the labels when it does).
    await page.waitForFunction(() => window.__hopcheck.view.layouts === 0);
    // The pairs of labels that cover each other; Cytoscape may apply the
    // re-shown links' style a moment after the filter, so the drawing is
    // given up to 3 s to settle (a timeout leaves the assertion to fail).
    await page.evaluate(() => {
      window.__covering = () => {
        const bs = window.__hopcheck.view.labelBoxes('');
        const out = [];
        for (let i = 0; i < bs.length; i++) {
          for (let j = i + 1; j < bs.length; j++) {
            const [a, b] = [bs[i].box, bs[j].box];
            if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) out.push(`${bs[i].text} / ${bs[j].text}`);
          }
        }
        return out;
      };
    });
    await page.waitForFunction(() => window.__covering().length === 0, null, { timeout: 3000 }).catch(() => {});
    const covered = await page.evaluate(() => window.__covering());
    assert.deepEqual(covered, [], 'no label covers another in the explorer');
    await shot('explorer');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    await shot('explorer-1920');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('decides on the entity page that two records are one party, and removes it', async () => {
    await page.goto(`${base}/explore/ORG-NOR`);
    const section = page.locator('[data-testid=entity-panel] [data-testid=identity]');
    await section.locator('[data-testid=cluster-summary]', { hasText: 'No same-party decision' }).waitFor();
    await section.locator('[data-testid=same-as]').click();
    await section.locator('[data-testid=decide-search]').pressSequentially('Cypra', { delay: 30 });
    await section.locator('[data-testid=decide-candidate][data-id=ORG-CYP]').click();
    await section.locator('[data-testid=decide-note]').fill('one VAT number in both registers');
    await section.locator('[data-testid=decide-record]').click();
    await section.locator('[role=status]', { hasText: 'Recorded: Nordis Distribution B.V. is the same party as Cypra Trading Ltd' }).waitFor()
      .catch(async (err) => assert.fail(`${err.message}\n${await section.innerText()}`));
    const members = section.locator('[data-testid=cluster-members] li');
    assert.equal(await members.count(), 2);
    assert.equal(await section.locator('[data-testid=cluster-members] a', { hasText: 'Cypra Trading Ltd' }).getAttribute('href'), '/explore/ORG-CYP');
    const d = section.locator('[data-testid=decision][data-pair="ORG-CYP|ORG-NOR"]');
    assert.match(await d.innerText(), /by Ana Petrova/);
    assert.match(await d.innerText(), /Why: one VAT number in both registers/);
    const api = await (await fetch(`${base}/api/v1/identity/decisions`)).json();
    assert.deepEqual(api.decisions.map((x) => `${x.a} ${x.decision} ${x.b} ${x.note}`), ['ORG-CYP same ORG-NOR one VAT number in both registers']);
    await section.scrollIntoViewIfNeeded();
    await shot('identity');
    // Not the same as…: a record already in the cluster is offered, and the
    // standing decision named.
    await section.locator('[data-testid=not-same-as]').click();
    await section.locator('[data-testid=decide-search]').pressSequentially('Cypra', { delay: 30 });
    await section.locator('[data-testid=decide-candidate][data-id=ORG-CYP]', { hasText: 'decided: same' }).waitFor();
    // Remove: asks once more, then the cluster is gone.
    await d.locator('[data-testid=remove-decision]').click();
    await d.locator('[data-testid=remove-decision]', { hasText: 'Confirm removal' }).click();
    await section.locator('[role=status]', { hasText: 'Removed the decision' }).waitFor();
    await section.locator('[data-testid=cluster-summary]', { hasText: 'No same-party decision' }).waitFor();
    const after = await (await fetch(`${base}/api/v1/identity/decisions`)).json();
    assert.deepEqual(after.decisions, []);
  });

  test('searches as you type', async () => {
    await page.goto(`${base}/search`);
    await page.locator('#q').pressSequentially('belt', { delay: 40 });
    await page.locator('#results li', { hasText: 'Beltech State Holding' }).waitFor();
    await page.locator('#q').press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Beltech State Holding');
    await shot('search');
  });

  test('screens a counterparty', async () => {
    await page.goto(`${base}/screen`);
    await page.fill('#s-name', 'Orion Tech');
    await page.getByRole('button', { name: 'Screen' }).click();
    await page.locator('[data-testid=screening]').waitFor();
    assert.match(await page.locator('[data-testid=screening]').innerText(), /review|block/);
    await shot('screen');
  });

  test('shows an unknown counterparty as unknown, never clear', async () => {
    await page.goto(`${base}/screen`);
    await page.fill('#s-name', 'Nobody Known At All');
    await page.getByRole('button', { name: 'Screen' }).click();
    await page.locator('[data-testid=unknown]').waitFor();
    const text = await page.locator('[data-testid=screening]').innerText();
    assert.match(text, /Unknown counterparty/);
    assert.match(text, /unknown — not clear/);
    assert.equal(await page.locator('[data-testid=screening] .badge.ok').count(), 0);
  });

  test('shows a possible match as one to confirm', async () => {
    await page.goto(`${base}/screen`);
    // A typo of a demo distributor's name, in another country than its own:
    // close, but below the match threshold.
    await page.fill('#s-name', 'Emerald Gulf Technolgies');
    await page.fill('#s-country', 'DE');
    await page.getByRole('button', { name: 'Screen' }).click();
    await page.locator('[data-testid=possible]').waitFor();
    const text = await page.locator('[data-testid=screening]').innerText();
    assert.match(text, /Possible match: Emerald Gulf Technologies/);
    assert.match(text, /confirm/);
    assert.match(await page.locator('[data-testid=candidates]').innerText(), /possible match[\s\S]*country lowers/);
  });

  test('maps non-standard headers in the mapping step', async () => {
    const csv = join(tmp, 'lieferanten.csv');
    writeFileSync(csv, 'Legal Designation,Seat,Internal remark\nMapping Test Trading GmbH,DE,x\nZweite Probe AG,CH,y\n');
    await page.goto(`${base}/upload`);
    await page.setInputFiles('#file', csv);
    await page.getByRole('heading', { name: 'Check the sheets and map the columns' }).waitFor();
    await page.selectOption('select[aria-label="Kind of lieferanten"]', 'organizations');
    const col = (h) => page.locator(`select[data-header="${h}"]`);
    await col('Legal Designation').waitFor();
    assert.match(await page.locator('#step').innerText(), /required column name is missing/);
    await col('Legal Designation').selectOption('name');
    await page.waitForFunction(() => document.querySelector('select[data-header="Seat"]') && !/required column name is missing/.test(document.querySelector('#step').innerText));
    await col('Seat').selectOption('country');
    await page.waitForFunction(() => document.querySelector('select[data-header="Seat"]')?.value === 'country');
    await col('Internal remark').selectOption('ignore');
    await page.waitForFunction(() => document.querySelector('select[data-header="Internal remark"]')?.value === 'ignore' && !document.querySelector('#step .issues'));
    await shot('upload-mapping');
    // Saved under a name for the partner's next file.
    await page.fill('#mapping-name', 'Lieferanten');
    await page.click('#save-mapping');
    await page.locator('[data-testid=mapping-msg]', { hasText: 'Saved as “Lieferanten”' }).waitFor();
    await page.click('#start-upload');
    const result = page.locator('[data-testid=job-result]');
    await result.waitFor({ timeout: 60_000 });
    assert.equal(await result.getAttribute('data-state'), 'done', await result.innerText());
    assert.match(await page.locator('table.changes').innerText(), /Entities\s+2\s+0\s+0/);
    const r = await (await fetch(`${base}/api/v1/entities?q=Zweite+Probe`)).json();
    assert.equal(r.matches[0]?.entity.country, 'CH');
  });

  test("reuses the saved mapping on the partner's next file", async () => {
    const csv = join(tmp, 'partner list 2024-06.csv');
    writeFileSync(csv, 'Legal Designation,Seat,Internal remark\nDritte Probe KG,AT,z\n');
    await page.goto(`${base}/upload`);
    await page.setInputFiles('#file', csv);
    await page.getByRole('heading', { name: 'Check the sheets and map the columns' }).waitFor();
    await page.locator('#saved-mapping option', { hasText: 'Lieferanten' }).waitFor({ state: 'attached' });
    await page.selectOption('#saved-mapping', 'Lieferanten');
    // Read with the saved mapping: the headers are recognised, nothing is left to map.
    await page.waitForFunction(() => !document.querySelector('select[data-header="Legal Designation"]') && !document.querySelector('select[data-header="Seat"]')
      && !/required column name is missing/.test(document.querySelector('#step').innerText) && document.querySelector('#saved-mapping')?.value === 'Lieferanten');
    await page.click('#start-upload');
    const result = page.locator('[data-testid=job-result]');
    await result.waitFor({ timeout: 60_000 });
    assert.equal(await result.getAttribute('data-state'), 'done', await result.innerText());
    const r = await (await fetch(`${base}/api/v1/entities?q=Dritte+Probe`)).json();
    assert.equal(r.matches[0]?.entity.country, 'AT');
  });

  test('shows every error of a rejected upload where it is', async () => {
    const csv = join(tmp, 'links.csv');
    writeFileSync(csv, 'from,to,type,percent\nNobody Known Ltd,Mapping Test Trading GmbH,owns,60\n');
    await page.goto(`${base}/upload`);
    await page.setInputFiles('#file', csv);
    await page.click('#start-upload');
    const result = page.locator('[data-testid=job-result]');
    await result.waitFor({ timeout: 60_000 });
    assert.equal(await result.getAttribute('data-state'), 'rejected');
    const row = await page.locator('table.issues tbody tr').first().innerText();
    assert.match(row, /links\.csv\s+2/);
    await shot('upload-rejected');
  });

  test('offers the closest entities for a reference that names none, and uploads again with the pick', async () => {
    const csv = join(tmp, 'ownership.csv');
    // "Mapping Test Tradng" is a typo of the organisation the mapping test made.
    writeFileSync(csv, 'from,to,type,percent\nBeltech State Holding,Mapping Test Tradng GmbH,owns,30\n');
    await page.goto(`${base}/upload`);
    await page.setInputFiles('#file', csv);
    await page.click('#start-upload');
    const picker = page.locator('[data-testid=did-you-mean]');
    await picker.waitFor({ timeout: 60_000 });
    assert.match(await page.locator('table.issues').innerText(), /did you mean Mapping Test Trading GmbH/);
    const id = (await (await fetch(`${base}/api/v1/entities?q=Mapping+Test+Trading`)).json()).matches[0].entity.id;
    await page.selectOption('select[data-ref="Mapping Test Tradng GmbH"]', id);
    await page.click('#upload-again');
    const result = page.locator('[data-testid=job-result][data-state=done]');
    await result.waitFor({ timeout: 60_000 });
    assert.match(await page.locator('table.changes').innerText(), /Links\s+1\s+0\s+0/);
  });

  test('reviews proposed pairs with the keyboard, and merges the exact-identifier ones in bulk', { skip: !!process.env.HOPCHECK_E2E_URL }, async () => {
    // A server of its own, so that only these pairs are in the queue.
    const url = await startServer(bin, ['--data-dir', join(tmp, 'review')]);
    const form = new FormData();
    form.append('file', new Blob(['id,name,country,registration_id,address\n' +
      'rv-1,Quillon Optics LLC,AE,DXB-771,"Office 12, Jebel Ali Free Zone"\n' +
      'rv-2,Quillon Optics,AE,,"office 12 jebel ali free zone"\n' +
      'rv-3,Marrowind Holding,CY,HE-4410,\n' +
      'rv-4,Vantablue Trading,CY,HE 4410,\n' +
      'rv-5,Tessaract Marine,GR,,\n' +
      'rv-6,Tessaract Marine Ltd,GR,,\n']), 'organizations.csv');
    const job = await (await fetch(`${url}/api/v1/uploads`, { method: 'POST', body: form, headers: { 'X-Hopcheck-Client': 'e2e' } })).json();
    for (let i = 0; i < 200; i++) {
      const j = await (await fetch(`${url}/api/v1/uploads/${job.id}`)).json();
      const x = await fetch(`${url}/api/v1/identity/xref`);
      if (j.state === 'done' && x.ok && (await x.json()).state === 'done') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const decisions = async () => (await (await fetch(`${url}/api/v1/identity/decisions`)).json()).decisions
      .map((d) => `${d.a}|${d.b} ${d.decision} ${d.decided_by} ${d.note ?? ''}`.trim()).sort();
    await page.goto(`${url}/review`);
    await page.locator('#pair .side').first().waitFor();
    const pairText = () => page.locator('#pair').innerText();
    assert.match(await page.locator('#review-status').innerText(), /^3 pairs to decide/);
    // Without keys, the queue asks who is deciding, as the flag pages do.
    await page.fill('#reviewer-name', 'Ana Petrova');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-testid=reviewer-name]', { hasText: 'Ana Petrova' }).waitFor();
    assert.match(await pairText(), /Quillon Optics LLC[\s\S]*Quillon Optics/);
    assert.match(await pairText(), /address[\s\S]*raises/);
    await shot('review');
    await page.keyboard.press('j');
    await page.locator('#pair', { hasText: 'Tessaract Marine Ltd' }).waitFor();
    await page.keyboard.press('k');
    await page.locator('#pair', { hasText: 'Quillon Optics LLC' }).waitFor();
    // Typing a note does not decide.
    await page.fill('#review-note', 'same office, same name');
    assert.deepEqual(await decisions(), []);
    await page.locator('#pair').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('m');
    await page.locator('#pair', { hasText: 'Tessaract Marine Ltd' }).waitFor();
    assert.deepEqual(await decisions(), ['rv-1|rv-2 same Ana Petrova same office, same name']);
    await page.keyboard.press('n');
    await page.locator('#pair', { hasText: 'Vantablue Trading' }).waitFor();
    assert.match(await pairText(), /same registration id/);
    assert.deepEqual(await decisions(), ['rv-1|rv-2 same Ana Petrova same office, same name', 'rv-5|rv-6 not_same Ana Petrova']);

    // The bulk merge asks first, then merges every exact-identifier pair.
    assert.match(await page.locator('#merge-exact').innerText(), /Merge all 1 exact-identifier pair/);
    page.once('dialog', (d) => d.accept());
    await page.locator('#merge-exact').click();
    await page.locator('#review-message', { hasText: /Merged 1 exact-identifier pair/ }).waitFor();
    assert.deepEqual(await decisions(), ['rv-1|rv-2 same Ana Petrova same office, same name',
      'rv-3|rv-4 same Ana Petrova same registration id (bulk merge from the review queue)', 'rv-5|rv-6 not_same Ana Petrova']);
    await page.locator('#pair', { hasText: 'Nothing to review' }).waitFor();
  });

  test('no page threw', () => {
    assert.deepEqual(errors, []);
  });
});

describe('API keys', () => {
  const keys = {};
  let url;
  before(async () => {
    if (process.env.HOPCHECK_E2E_URL) return;
    // Keys as an operator makes them: hopcheck key, into a keys file.
    const file = join(tmp, 'keys.yaml');
    for (const role of ['viewer', 'investigator']) {
      keys[role] = execFileSync(bin, ['key', 'add', '--name', `${role}-1`, '--role', role, '--keys', file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    }
    url = await startServer(bin, ['--demo', '--data-dir', join(tmp, 'keyed'), '--keys', file]);
  });

  test('downloads the export and the template with the key', { skip: !!process.env.HOPCHECK_E2E_URL }, async () => {
    const p = await ctx.newPage();
    await p.goto(`${url}/flags`);
    await p.fill('#api-key', keys.viewer);
    await p.getByRole('button', { name: 'Use key' }).click();
    await p.locator('table.flags tbody tr').first().waitFor();
    const [xlsx] = await Promise.all([p.waitForEvent('download'), p.click('#export')]);
    assert.equal(xlsx.suggestedFilename(), 'hopcheck-flags.xlsx');
    const path = await xlsx.path();
    assert.equal(readFileSync(path).subarray(0, 2).toString(), 'PK'); // a workbook, not a 401
    await p.goto(`${url}/upload`);
    const [tpl] = await Promise.all([p.waitForEvent('download'), p.click('#template')]);
    assert.equal(readFileSync(await tpl.path()).subarray(0, 2).toString(), 'PK');
    await p.close();
  });

  test('asks for a key, then says which role a review needs', { skip: !!process.env.HOPCHECK_E2E_URL }, async () => {
    const p = await ctx.newPage();
    await p.goto(`${url}/flags`);
    await p.locator('[role=alert]', { hasText: 'This server needs an API key' }).waitFor();
    await p.fill('#api-key', keys.viewer);
    await p.getByRole('button', { name: 'Use key' }).click();
    await p.locator('table.flags tbody tr').first().waitFor();
    await p.goto(`${url}/flags/T-1002`);
    await p.fill('#note', 'state holding');
    await p.getByRole('button', { name: 'Confirm' }).click();
    await p.locator('[role=alert]', { hasText: 'needs the investigator or admin role' }).waitFor();
    await shot('key-forbidden', p);
    // The key lasts for the browser session: a reload keeps it.
    await p.reload();
    await p.locator('.flag-head .badge.open').waitFor();
    await p.fill('#api-key', 'wrong');
    await p.getByRole('button', { name: 'Use key' }).click();
    await p.locator('[role=alert]', { hasText: 'did not accept this API key' }).waitFor();
    await p.close();
  });
});

describe('explorer performance', () => {
  test('draws a 2,000-element neighbourhood', async () => {
    const sg = synthetic(1000, 1000, 7);
    const p = await ctx.newPage();
    await p.route('**/api/v1/entities/PERF-0/neighborhood**', (r) => r.fulfill({ json: sg }));
    await p.route('**/api/v1/entities/PERF-0', (r) => r.fulfill({ json: { entity: sg.entities[0], links: [], related: {} } }));
    const t0 = Date.now();
    await p.goto(`${base}/explore/PERF-0?limit=2000`);
    await p.waitForFunction(() => window.__hopcheck?.lastRender?.elements >= 2000, null, { timeout: 120_000 });
    const wall = Date.now() - t0;
    const fcose = await p.evaluate(() => window.__hopcheck.lastRender);
    await shot('explorer-2000', p);
    const dagre = await p.evaluate(async () => {
      const t = performance.now();
      await window.__hopcheck.view.runLayout('dagre');
      return performance.now() - t;
    });
    perf.explorer2000 = {
      elements: fcose.elements, fcose_ms: Math.round(fcose.ms), dagre_ms: Math.round(dagre), page_load_to_drawn_ms: wall,
      chromium: ctx.browser()?.version() ?? 'Debian chromium',
    };
    const assets = join(frontend, 'dist', 'assets');
    perf.bundle = Object.fromEntries(execFileSync('ls', [assets]).toString().trim().split('\n').map((f) => [f, statSync(join(assets, f)).size]));
    console.log(JSON.stringify(perf));
    await p.close();
  });
});
