// Browser test of the case report (issue 15, item 4) in Debian's Chromium
// against a real `hopcheck serve --demo` with its own data directory: the
// flag page links to the report, printing the flag page leaves out the
// navigation, the key field and the forms, and the printed report shows
// every step's source with every path label readable.
//
//   node --test e2e/report.test.mjs     (from frontend/; also run by npm run e2e)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const shots = process.env.SCREENSHOTS === '0' ? null : join(repo, 'docs', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'hopcheck-report-'));
const cleanups = [];
let ctx, page, base, flag;
const errors = [];

before(async () => {
  const bin = join(tmp, 'hopcheck');
  execFileSync('go', ['build', '-o', bin, './cmd/hopcheck'], { cwd: repo, stdio: 'inherit' });
  base = await startServer(bin, ['--demo', '--data-dir', join(tmp, 'data')], {}, cleanups);
  // The flag with the longest path of the demo.
  const { flags } = await (await fetch(`${base}/api/v1/flags?limit=500`)).json();
  const steps = (f) => Math.max(0, ...[...f.exposures, ...(f.ownership_paths ?? [])].map((x) => x.steps.length));
  flag = flags.reduce((a, b) => (steps(b) > steps(a) ? b : a));
  assert.ok(steps(flag) >= 2, `the demo's longest flag path has ${steps(flag)} steps`);
  ctx = await launch();
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await ctx?.close();
  for (const c of cleanups.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

/** sourcesOf lists every step's source as the report prints it. */
function sourcesOf(f) {
  const out = [];
  for (const x of [...f.exposures, ...(f.ownership_paths ?? [])]) {
    for (const s of x.steps) {
      out.push(`upload ${s.source.upload} · file ${s.source.file}${s.source.sheet ? ` · sheet ${s.source.sheet}` : ''} · row ${s.source.row}`);
    }
  }
  return out;
}

describe('case report', () => {
  test('the flag page prints without navigation, key field or forms', async () => {
    await page.goto(`${base}/flags/${encodeURIComponent(flag.transaction_id)}`);
    await page.locator('[data-testid=case-report]').waitFor();
    await page.locator('#note').waitFor();
    await page.emulateMedia({ media: 'print' });
    for (const sel of ['header.top', '#api-key', '#note', '#comment', '#assignee', '[data-testid=case-report]']) {
      assert.equal(await page.locator(sel).first().isVisible(), false, `${sel} is printed`);
    }
    assert.ok(await page.locator('.reasons').first().isVisible(), 'the reasons are printed');
    assert.ok(await page.locator('.pathbtn').first().isVisible(), 'the paths are printed');
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'flag-print.png'), fullPage: true });
    }
    await page.emulateMedia({ media: 'screen' });
    assert.ok(await page.locator('header.top').isVisible());
  });

  test('the case report opens from the flag page and prints every step’s source', async () => {
    // Some casework first, as a reviewer would leave it.
    const id = encodeURIComponent(flag.transaction_id);
    const headers = { 'Content-Type': 'application/json', 'X-Hopcheck-Client': 'e2e', 'X-Hopcheck-Reviewer': 'Ana Petrova' };
    for (const [method, path, body] of [['POST', 'comments', { note: 'Asked the distributor for the end-user certificate.' }],
      ['PUT', 'assignee', { assignee: 'Boris Klein' }]]) {
      const res = await fetch(`${base}/api/v1/flags/${id}/${path}`, { method, headers, body: JSON.stringify(body) });
      assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.text()}`);
    }
    const link = page.locator('[data-testid=case-report]');
    assert.equal(await link.getAttribute('href'), `/api/v1/flags/${encodeURIComponent(flag.transaction_id)}/report`);
    const [report] = await Promise.all([ctx.waitForEvent('page'), link.click()]);
    await report.waitForLoadState();
    // As on paper: A4 at 96 dpi, less the report's 14 mm margins.
    await report.setViewportSize({ width: 688, height: 1016 });
    await report.emulateMedia({ media: 'print' });
    assert.match(await report.title(), new RegExp(`Case report ${flag.transaction_id}`));
    const text = (await report.locator('body').innerText()).replace(/\s+/g, ' ');
    const sources = sourcesOf(flag);
    assert.ok(sources.length >= 2);
    for (const s of sources) assert.ok(text.includes(s), `the printed report lacks "${s}"`);
    for (const w of ['Asked the distributor for the end-user certificate.', 'Ana Petrova', 'assigned to Boris Klein']) {
      assert.ok(text.includes(w), `the printed report lacks the review history's "${w}"`);
    }
    for (const r of flag.reasons) assert.ok(text.includes(r.replace(/\s+/g, ' ')), `the printed report lacks the reason "${r}"`);
    for (const h of ['Transaction', 'Verdict and reasons', 'Paths', 'Listings', 'Identity decisions', 'Review history', 'Policy and data as of']) {
      assert.ok(await report.getByRole('heading', { name: h, exact: true }).isVisible(), `no ${h} section`);
    }

    // Every label of every path diagram is drawn at a readable size,
    // inside the drawing, and no two overlap.
    const boxes = await report.locator('figure svg').evaluateAll((svgs) => svgs.map((svg) => {
      const frame = svg.getBoundingClientRect();
      return {
        frame: { x: frame.x, y: frame.y, w: frame.width, h: frame.height },
        labels: [...svg.querySelectorAll('text')].map((t) => {
          const b = t.getBoundingClientRect();
          return { text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height };
        }),
        nodes: [...svg.querySelectorAll('g.node')].map((g) => {
          const r = g.querySelector('rect').getBoundingClientRect();
          return {
            box: { x: r.x, y: r.y, w: r.width, h: r.height },
            texts: [...g.querySelectorAll('text')].map((t) => {
              const b = t.getBoundingClientRect();
              return { text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height };
            }),
          };
        }),
      };
    }));
    assert.ok(boxes.length >= 1, 'no path diagram');
    for (const { frame, labels, nodes } of boxes) {
      assert.ok(labels.length >= 3);
      for (const { box, texts } of nodes) {
        for (const t of texts) {
          assert.ok(t.x >= box.x && t.x + t.w <= box.x + box.w && t.y >= box.y && t.y + t.h <= box.y + box.h,
            `"${t.text}" overflows its entity's box`);
        }
      }
      for (const [i, a] of labels.entries()) {
        assert.ok(a.h >= 10, `label "${a.text}" is ${a.h}px high`);
        assert.ok(a.x >= frame.x - 1 && a.x + a.w <= frame.x + frame.w + 1 && a.y >= frame.y - 1 && a.y + a.h <= frame.y + frame.h + 1,
          `label "${a.text}" is outside its drawing`);
        for (const b of labels.slice(i + 1)) {
          const overlap = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 1 && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 1;
          assert.ok(!overlap, `labels "${a.text}" and "${b.text}" overlap`);
        }
      }
    }
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await report.screenshot({ path: join(shots, 'case-report-print.png'), fullPage: true });
    }
    await report.close();
    assert.deepEqual(errors, []);
  });

  test('the flags list downloads the reports of the filtered flags as a ZIP', async () => {
    const { flags: crit } = await (await fetch(`${base}/api/v1/flags?severity=critical&limit=500`)).json();
    assert.ok(crit.length >= 1);
    await page.goto(`${base}/flags?severity=critical`);
    const zipLink = page.locator('#export-reports');
    await page.waitForFunction(() => document.querySelector('#export-reports')?.getAttribute('href')?.includes('severity=critical'));
    const [download] = await Promise.all([page.waitForEvent('download'), zipLink.click()]);
    assert.equal(download.suggestedFilename(), 'hopcheck-case-reports.zip');
    const zip = readFileSync(await download.path());
    assert.equal(zip.subarray(0, 2).toString(), 'PK');
    const names = new Set(zip.toString('latin1').match(/case-[A-Za-z0-9._-]+?\.html/g));
    assert.deepEqual([...names].sort(), crit.map((f) => `case-${f.transaction_id}.html`).sort());
  });

  test('the PDF of the report is served beside it (its text is checked by the Go tests)', async () => {
    const res = await fetch(`${base}/api/v1/flags/${encodeURIComponent(flag.transaction_id)}/report?format=pdf`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  });
});

describe('case report on a server with API keys', () => {
  let url, key;
  before(async () => {
    const bin = join(tmp, 'hopcheck');
    const file = join(tmp, 'keys.yaml');
    key = execFileSync(bin, ['key', 'add', '--name', 'viewer-1', '--role', 'viewer', '--keys', file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    url = await startServer(bin, ['--demo', '--data-dir', join(tmp, 'keyed'), '--keys', file], {}, cleanups);
  });

  test('opens with the key (a plain link would be refused)', async () => {
    const id = encodeURIComponent(flag.transaction_id);
    assert.equal((await fetch(`${url}/api/v1/flags/${id}/report`)).status, 401);
    const p = await ctx.newPage();
    await p.goto(`${url}/flags/${id}`);
    await p.fill('#api-key', key);
    await p.getByRole('button', { name: 'Use key' }).click();
    await p.goto(`${url}/flags/${id}`);
    await p.locator('[data-testid=case-report]').waitFor();
    const [report] = await Promise.all([ctx.waitForEvent('page'), p.locator('[data-testid=case-report]').click()]);
    await report.waitForURL(/^blob:/);
    await report.locator('h1', { hasText: `Case report: transaction ${flag.transaction_id}` }).waitFor();
    const text = (await report.locator('body').innerText()).replace(/\s+/g, ' ');
    for (const s of sourcesOf(flag)) assert.ok(text.includes(s), `the report lacks "${s}"`);
    await report.close();
    await p.close();
  });
});
