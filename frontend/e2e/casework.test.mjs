// Browser tests of casework (issue 15) in Debian's Chromium against a real
// `hopcheck serve` with its own data directory: four eyes on a critical
// flag, a reopened flag showing old → new, and a re-import whose
// provenance the flag page and the explorer show alike.
//
//   node --test e2e/casework.test.mjs     (from frontend/; also run by npm run e2e)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { startServer, uploadFiles } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const shots = process.env.SCREENSHOTS === '0' ? null : join(repo, 'docs', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'hopcheck-casework-'));
const cleanups = [];
let ctx, page, base;
const errors = [];

async function shot(name) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}


const links = 'from,to,type,percent\nGOV-1,ORG-A,owns,60\nGOV-1,ORG-B,owns,30\n';

before(async () => {
  const bin = join(tmp, 'hopcheck');
  execFileSync('go', ['build', '-o', bin, './cmd/hopcheck'], { cwd: repo, stdio: 'inherit' });
  base = await startServer(bin, ['--data-dir', join(tmp, 'data')], {}, cleanups);
  await uploadFiles(base, {
    'countries.csv': 'country,restrictive\nBY,yes\n',
    'government_bodies.csv': 'id,name,country\nGOV-1,Ministry of Order,BY\n',
    'organizations.csv': 'id,name,country\nORG-A,Alpha Trading,DE\nORG-B,Beta Systems,DE\n',
    'links.csv': links,
    'transactions.csv': 'id,date,buyer\nT-C,2024-01-01,ORG-A\nT-H,2024-01-01,ORG-B\n',
  });
  ctx = await launch();
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await ctx?.close();
  for (const c of cleanups.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

async function clickAs(name, button) {
  const who = page.locator('[data-testid=reviewer]');
  if (await who.locator('#reviewer-name').count() === 0) {
    await who.getByRole('button', { name: 'not you?' }).click();
  }
  await page.fill('#reviewer-name', name);
  await who.getByRole('button', { name: 'Save' }).click();
  await page.locator('[data-testid=reviewer-name]', { hasText: name }).waitFor();
  await page.getByRole('button', { name: button }).click();
}

describe('casework', () => {
  test('four eyes: a critical flag needs a second reviewer to clear', async () => {
    await page.goto(`${base}/flags/T-C`);
    await page.locator('.flag-head .badge.critical').first().waitFor();
    await page.fill('#note', 'The stake was sold in 2023.');
    await clickAs('Ana Petrova', 'Clear (1 of 2)');
    const pending = page.locator('[data-testid=pending-clear]');
    await pending.waitFor();
    assert.match(await pending.innerText(), /approved by Ana Petrova/);
    assert.equal(await page.locator('.flag-head .badge.open').count(), 1, 'still open after one clear');
    // The same reviewer cannot be the second pair of eyes.
    await page.fill('#note', 'Sold, really.');
    await page.getByRole('button', { name: 'Clear (second reviewer)' }).click();
    await page.locator('[role=alert]', { hasText: 'needs a second reviewer' }).waitFor();
    await shot('flag-four-eyes');
    // The flags list finds the clears awaiting a second reviewer.
    await page.goto(`${base}/flags`);
    await page.locator('table.flags tbody tr[data-id]').first().waitFor();
    await page.check('#f-pending');
    await page.waitForURL(/pending=true/);
    await page.waitForFunction(() => [...document.querySelectorAll('table.flags tbody tr[data-id]')].map((r) => r.dataset.id).join() === 'T-C');
    assert.match(await page.locator('table.flags tbody tr[data-id=T-C]').innerText(), /1 of 2 clears/);
    await page.goto(`${base}/flags/T-C`);
    await page.locator('[data-testid=pending-clear]').waitFor();
    await page.fill('#note', 'Sale confirmed in the register extract.');
    await clickAs('Ben Okafor', 'Clear (second reviewer)');
    await page.locator('.flag-head .badge.cleared').waitFor();
    const hist = await page.locator('[data-testid=history]').innerText();
    assert.match(hist, /Ana Petrova approved clearing \(1 of 2\)/);
    assert.match(hist, /Ben Okafor set it cleared/);
  });

  test('a re-import under another name: the flag cites it as the explorer does', async () => {
    const job = await uploadFiles(base, { 'Ownership register.csv': links }, { kind: 'links' });
    await page.goto(`${base}/flags/T-H`);
    const steps = page.locator('ol.steps');
    await steps.waitFor();
    assert.match(await steps.innerText(), /Ownership register\.csv, row 3/);
    assert.equal(await page.locator('[data-testid=evidence-upload]').innerText(), job.upload);
    await page.goto(`${base}/explore/ORG-B`);
    const panel = page.locator('[data-testid=entity-panel]');
    await panel.waitFor();
    assert.match(await panel.innerText(), /Ownership register\.csv, row 3/);
  });

  test('a reopened flag shows what changed, old → new, with the upload and row', async () => {
    await page.goto(`${base}/flags/T-H`);
    await page.fill('#note', 'A 30% state stake: confirmed.');
    await clickAs('Ana Petrova', 'Confirm');
    await page.locator('.flag-head .badge.confirmed').waitFor();
    const job = await uploadFiles(base, { 'links.csv': 'from,to,type,percent\nGOV-1,ORG-B,owns,35\n' });
    await page.reload();
    await page.locator('.flag-head .badge.open').waitFor();
    const changes = page.locator('[data-testid=changes]').first();
    await changes.waitFor();
    const text = await changes.innerText();
    assert.match(text, /OWNS Ministry of Order → Beta Systems percent: 30% → 35%/);
    assert.ok(text.includes(`upload ${job.upload}, links.csv, row 2`), text);
    await shot('flag-reopened');
    // The entity keeps the earlier value.
    await page.goto(`${base}/explore/ORG-B`);
    const revs = page.locator('[data-testid=revisions]');
    await revs.waitFor();
    assert.match(await revs.innerText(), /percent: 30 → 35/);
  });

  test('bulk review of selected flags, with an assignee filter', async () => {
    await page.goto(`${base}/flags?status=`);
    await page.locator('table.flags tbody tr input.pick').first().waitFor();
    await page.check('input.pick[data-id="T-C"]');
    await page.check('input.pick[data-id="T-H"]');
    await page.selectOption('#bulk-status', 'confirmed');
    await page.click('#bulk-apply');
    await page.locator('[data-testid=bulk-msg]', { hasText: 'reason is required' }).waitFor();
    await page.fill('#bulk-note', 'Both sold through the same front company.');
    await page.click('#bulk-apply');
    await page.locator('[data-testid=bulk-msg]', { hasText: '2 reviewed' }).waitFor();
    await page.locator('table.flags tbody tr', { hasText: 'T-H' }).locator('.badge.confirmed').waitFor();
    await page.locator('table.flags tbody tr', { hasText: 'T-C' }).locator('.badge.confirmed').waitFor();
    await shot('flags-bulk');
    // Assigned on its page, found by the filter.
    await page.goto(`${base}/flags/T-H`);
    await page.fill('#assignee', 'Carla Reyes');
    await page.getByRole('button', { name: 'Assign' }).click();
    await page.locator('[data-testid=review-msg]', { hasText: 'Assigned to Carla Reyes' }).waitFor();
    await page.goto(`${base}/flags?status=&assignee=Carla%20Reyes`);
    await page.locator('table.flags tbody tr', { hasText: 'T-H' }).waitFor();
    assert.equal(await page.locator('table.flags tbody tr', { hasText: 'T-C' }).count(), 0);
  });

  test('no page threw', () => {
    assert.deepEqual(errors, []);
  });
});
