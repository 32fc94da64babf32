// Browser tests of the graph (issue 15, "a graph that reads") in Debian's
// Chromium against a real `hopcheck serve`: a 5-step flag path laid out as
// a chain whose labels read at the default zoom (checked from the drawn
// label boxes), node click opening the entity panel, a ship-to-only flag,
// the explorer's as-of date and ended links, the shortest path and image
// export.
//
//   node --test e2e/graph.test.mjs     (from frontend/; also run by npm run e2e)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { startServer, uploadFiles } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const shots = process.env.SCREENSHOTS === '0' ? null : join(repo, 'docs', 'screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'hopcheck-graph-'));
const cleanups = [];
let ctx, page, base;
const errors = [];

/** The smallest font a label may be drawn with at the default zoom, in CSS pixels. */
const READABLE_PX = 11;

async function shot(name) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}


// A ministry of a restrictive country owns the buyer ORG-E through five
// companies with long names; ORG-E was related to ORG-X until 2022; T-SHIP
// ships to a restrictive country with no path to anyone.
const files = {
  'countries.csv': 'country,restrictive\nBY,yes\nIR,yes\n',
  'government_bodies.csv': 'id,name,country\nGOV-1,Ministry of Internal Order of the Republic,BY\n',
  'organizations.csv': 'id,name,country\n' +
    'ORG-A,Alpha Holdings International GmbH,DE\nORG-B,Beta Industrial Participations AG,DE\n' +
    'ORG-C,Gamma Trading and Logistics FZE,AE\nORG-D,Delta Systems Integration Ltd,CY\n' +
    'ORG-E,Epsilon Surveillance Solutions Ltd,GB\nORG-X,Xenon Former Partner SARL,FR\n' +
    'ORG-S,Sigma Buyer GmbH,DE\nORG-V,Vendor Optics SA,FR\n' +
    'HUB,Hub Distribution Group,NL\n' + Array.from({ length: 24 }, (_, i) => `H${i},Hub Subsidiary ${i} BV,NL\n`).join(''),
  'links.csv': 'from,to,type,percent,valid_from,valid_to\n' +
    'GOV-1,ORG-A,owns,90,,\nORG-A,ORG-B,owns,85.5,,\nORG-B,ORG-C,owns,80,,\nORG-C,ORG-D,owns,75,,\nORG-D,ORG-E,owns,70,,\n' +
    'ORG-E,ORG-X,related_to,,2018,2022\n' +
    Array.from({ length: 24 }, (_, i) => `HUB,H${i},owns,${50 + i},,\n`).join(''),
  'transactions.csv': 'id,date,buyer,seller,ship_to\nT-5,2024-03-01,ORG-E,ORG-V,GB\nT-SHIP,2024-03-01,ORG-S,ORG-V,IR\n',
};

before(async () => {
  const bin = join(tmp, 'hopcheck');
  execFileSync('go', ['build', '-o', bin, './cmd/hopcheck'], { cwd: repo, stdio: 'inherit' });
  base = await startServer(bin, ['--data-dir', join(tmp, 'data')], {}, cleanups);
  await uploadFiles(base, files);
  ctx = await launch();
  page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('pageerror', (e) => errors.push(e.message));
});

after(async () => {
  await ctx?.close();
  for (const c of cleanups.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

/** labels reads the drawn labels of the elements matching sel, and the canvas's size on screen. */
function labels(sel) {
  return page.evaluate((s) => {
    const v = window.__hopcheck.view;
    return { boxes: v.labelBoxes(s), width: v.cy.width(), height: v.cy.height(), zoom: v.cy.zoom() };
  }, sel);
}

function overlapping(boxes) {
  const out = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].box;
      const b = boxes[j].box;
      if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) out.push(`${boxes[i].text} / ${boxes[j].text}`);
    }
  }
  return out;
}

/** assertReadable: every label drawn at a readable size, inside the canvas, none overlapping another. */
function assertReadable(r, want) {
  assert.equal(r.boxes.length, want, r.boxes.map((b) => b.text).join(', '));
  assert.deepEqual(overlapping(r.boxes), []);
  for (const b of r.boxes) {
    assert.ok(b.px >= READABLE_PX, `${b.text}: ${b.px}px`);
    assert.ok(b.box.x2 - b.box.x1 > 0 && b.box.y2 - b.box.y1 >= READABLE_PX, `${b.text}: box ${JSON.stringify(b.box)}`);
    assert.ok(b.box.x1 >= 0 && b.box.y1 >= 0 && b.box.x2 <= r.width && b.box.y2 <= r.height,
      `${b.text} at ${JSON.stringify(b.box)} is outside the ${r.width}×${r.height} canvas`);
  }
}

/** clickNode clicks a node where it is drawn. */
async function clickNode(id) {
  const at = await page.evaluate((nid) => {
    const v = window.__hopcheck.view;
    const p = v.cy.getElementById(nid).renderedPosition();
    const r = v.cy.container().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, id);
  await page.mouse.click(at.x, at.y);
}

describe('graph', () => {
  test('a 5-step flag path is a left-to-right chain whose labels read at the default zoom', async () => {
    await page.goto(`${base}/flags/T-5`);
    await page.waitForFunction(() => window.__hopcheck?.chain?.length === 6);
    const chain = await page.evaluate(() => window.__hopcheck.chain);
    assert.deepEqual(chain, ['ORG-E', 'ORG-D', 'ORG-C', 'ORG-B', 'ORG-A', 'GOV-1']);
    const r = await labels('.chain');
    assert.equal(r.zoom, 1);
    assertReadable(r, 6 + 5); // six entities, five links
    const texts = r.boxes.map((b) => b.text);
    for (const t of ['Epsilon Surveillance Solutions Ltd', '⚠ Ministry of Internal Order of the Republic', 'OWNS 85.5%']) assert.ok(texts.includes(t), texts.join(', '));
    // Left to right, row by row.
    const pos = await page.evaluate((ids) => ids.map((id) => window.__hopcheck.view.cy.getElementById(id).renderedPosition()), chain);
    for (let i = 1; i < pos.length; i++) {
      assert.ok(pos[i].y > pos[i - 1].y || (pos[i].y === pos[i - 1].y && pos[i].x > pos[i - 1].x), `step ${i}: ${JSON.stringify(pos)}`);
    }
    // Every label of the drawing, the faded rest too, is clear of every other.
    assert.deepEqual(overlapping((await labels('')).boxes), []);
    await shot('flag-path');
  });

  test('clicking a node on the flag page opens its panel with its transactions, flags and listings', async () => {
    await clickNode('ORG-E');
    const panel = page.locator('[data-testid=entity-panel]');
    await panel.waitFor();
    assert.match(await panel.locator('h2').innerText(), /Epsilon Surveillance Solutions Ltd/);
    const tx = panel.locator('[data-testid=entity-transactions] li', { hasText: 'T-5' });
    await tx.waitFor();
    assert.match(await tx.innerText(), /buyer/);
    assert.match(await tx.innerText(), /critical|high|medium/);
    await clickNode('GOV-1');
    await page.locator('[data-testid=entity-panel] h2', { hasText: 'Ministry of Internal Order' }).waitFor();
    assert.match(await page.locator('[data-testid=entity-panel]').innerText(), /In no transaction/);
  });

  test('a ship-to-only flag draws its parties and the country', async () => {
    await page.goto(`${base}/flags/T-SHIP`);
    await page.locator('[data-testid=ship-to-only]').waitFor();
    await page.waitForFunction(() => window.__hopcheck?.chain?.length === 3);
    const r = await labels('.chain');
    assertReadable(r, 3 + 2);
    assert.deepEqual(r.boxes.filter((b) => b.id.startsWith('country:') || !b.id.includes('>')).map((b) => b.text).sort(),
      ['Sigma Buyer GmbH', 'Vendor Optics SA', '⚠ Ships to IR']);
  });

  test('explorer: an ended link is dashed with its end; an as-of date hides it', async () => {
    await page.goto(`${base}/explore/ORG-E`);
    await page.waitForFunction(() => window.__hopcheck?.view?.cy.getElementById('ORG-X').nonempty());
    const edge = 'ORG-E|RELATED_TO|ORG-X|2018-01-01|2022-12-31';
    const state = () => page.evaluate((id) => {
      const cy = window.__hopcheck.view.cy;
      const e = cy.getElementById(id);
      return { label: e.data('label'), style: e.style('line-style'), shown: e.visible(), x: cy.getElementById('ORG-X').visible(), d: cy.getElementById('ORG-D').visible() };
    }, edge);
    let s = await state();
    assert.deepEqual(s, { label: 'RELATED_TO · ended 2022-12-31', style: 'dashed', shown: true, x: true, d: true });
    await page.fill('#asof', '2024-06-01');
    await page.waitForFunction((id) => !window.__hopcheck.view.cy.getElementById(id).visible(), edge);
    // Cytoscape may apply a node's new style a moment after its edge's:
    // wait for it (a timeout leaves the assertion below to fail).
    await page.waitForFunction(() => !window.__hopcheck.view.cy.getElementById('ORG-X').visible(), null, { timeout: 5000 }).catch(() => {});
    s = await state();
    assert.equal(s.shown, false);
    assert.equal(s.x, false, 'ORG-X, joined only by the ended link, is hidden too');
    assert.equal(s.d, true);
    await page.fill('#asof', '2021-06-01');
    await page.waitForFunction((id) => window.__hopcheck.view.cy.getElementById(id).visible(), edge);
    s = await state();
    assert.equal(s.label, 'RELATED_TO', 'valid on the as-of date: drawn as a current link');
    assert.equal(s.style, 'solid');
  });

  test('explorer: the shortest path between two entities is drawn as a readable chain', async () => {
    await page.goto(`${base}/explore/ORG-E`);
    await page.waitForFunction(() => window.__hopcheck?.view?.cy.getElementById('ORG-D').nonempty());
    await page.fill('#path-to', 'Ministry Internal');
    await page.locator('.pathfind .suggest button', { hasText: 'Ministry of Internal Order' }).click();
    await page.locator('[data-testid=path-steps] li').nth(4).waitFor();
    assert.equal(await page.locator('[data-testid=path-steps] li').count(), 5);
    await page.waitForFunction(() => window.__hopcheck?.chain?.length === 6);
    assertReadable(await labels('.chain'), 11);
    assert.deepEqual(overlapping((await labels('')).boxes), []);
    assert.equal(await page.evaluate(() => window.__hopcheck.view.cy.getElementById('GOV-1').data('restrictive')), true,
      'the ministry found by the path is drawn as a restrictive end-user');
    await shot('explorer-path');

    // A node click in the explorer opens the entity's panel.
    await clickNode('ORG-D');
    await page.locator('[data-testid=entity-panel] h2', { hasText: 'Delta Systems Integration Ltd' }).waitFor();
    assert.match(await page.locator('[data-testid=entity-panel]').innerText(), /Transactions|In no transaction/);

    // Image export of the view.
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG' }).click()]);
    assert.equal(svg.suggestedFilename(), 'hopcheck-ORG-E.svg');
    const text = readFileSync(await svg.path(), 'utf8');
    assert.match(text, /<svg[\s\S]*Epsilon Surveillance Solutions Ltd/);
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG' }).click()]);
    assert.equal(png.suggestedFilename(), 'hopcheck-ORG-E.png');
    const bytes = readFileSync(await png.path());
    assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.ok(bytes.length > 5000, `${bytes.length} bytes`);
  });

  test('explorer: around a crowded hub no label covers another; a hidden label shows when its element is selected', async () => {
    await page.goto(`${base}/explore/HUB`);
    await page.waitForFunction(() => window.__hopcheck?.lastRender && window.__hopcheck.view.cy.edges().length >= 24);
    const r = await page.evaluate(() => {
      const v = window.__hopcheck.view;
      v.cy.zoom({ level: 1, renderedPosition: { x: v.cy.width() / 2, y: v.cy.height() / 2 } });
      const quiet = v.cy.edges('.quiet').map((e) => e.id());
      return { boxes: v.labelBoxes(''), quiet };
    });
    const overlaps = [];
    for (let i = 0; i < r.boxes.length; i++) {
      for (let j = i + 1; j < r.boxes.length; j++) {
        const [a, b] = [r.boxes[i], r.boxes[j]];
        if (a.box.x1 < b.box.x2 && b.box.x1 < a.box.x2 && a.box.y1 < b.box.y2 && b.box.y1 < a.box.y2) overlaps.push(`${a.text} / ${b.text}`);
      }
    }
    assert.deepEqual(overlaps, [], 'no label covers another');
    assert.ok(r.quiet.length > 0, 'with 24 links around one entity some link labels must give way');
    assert.ok(r.boxes.some((b) => b.id.includes('|')), 'the links that fit keep their labels');
    assert.ok(r.boxes.some((b) => b.id === 'HUB'), 'the root keeps its name');
    const shown = await page.evaluate((id) => {
      const e = window.__hopcheck.view.cy.getElementById(id);
      e.select();
      return e.style('label');
    }, r.quiet[0]);
    assert.match(shown, /^OWNS/, 'a selected link shows its label');
  });

  test('no page threw', () => {
    assert.deepEqual(errors, []);
  });
});
