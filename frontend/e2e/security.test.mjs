// The findings of issue 16 reproduced in a real Chromium against a real
// `hopcheck serve` without keys (the README's first command):
// - a page of another origin posts an upload with fetch(no-cors, FormData),
//   which would turn a critical flag clear;
// - a DNS-rebinding page (a foreign name that Chromium resolves to
//   127.0.0.1, with --host-resolver-rules) reads the flags and clears one.
// Both must be refused, and the store must be unchanged.
//
//   node --test e2e/security.test.mjs     (from frontend/; part of npm run e2e)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './browser.mjs';
import { freePort, startServer } from './server.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'hopcheck-e2e-security-'));
const cleanups = [];
const skip = !!process.env.HOPCHECK_E2E_URL; // needs a server of its own

let api, port;

/** state is what the attacks would change: the jobs, and flag T-1003. */
async function state() {
  const jobs = (await (await fetch(`${api}/api/v1/uploads`)).json()).uploads.length;
  const flag = await (await fetch(`${api}/api/v1/flags/T-1003`)).json();
  return { jobs, severity: flag.severity, status: flag.status };
}

before(async () => {
  if (skip) return;
  const bin = join(tmp, 'hopcheck');
  execFileSync('go', ['build', '-o', bin, './cmd/hopcheck'], { cwd: repo, stdio: 'inherit' });
  api = await startServer(bin, ['--demo', '--data-dir', join(tmp, 'data')], {}, cleanups);
  port = new URL(api).port;
});

after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

describe('no-key mode in a browser', { skip }, () => {
  test('a cross-origin page cannot upload with fetch(no-cors, FormData)', async () => {
    const before = await state();
    assert.equal(before.severity, 'critical');
    // The attacker's page, on another origin (another port of this host).
    const evilPort = await freePort();
    const page = `<!doctype html><script>
      const fd = new FormData();
      fd.append('file', new File(['country,restrictive\\nBY,no\\n'], 'countries.csv', { type: 'text/csv' }));
      window.sent = fetch('${api}/api/v1/uploads', { method: 'POST', mode: 'no-cors', body: fd })
        .then(() => 'sent', (e) => 'failed: ' + e.message);
    </script>`;
    const evil = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(page));
    await new Promise((r) => evil.listen(evilPort, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => evil.close(r)));

    const ctx = await launch();
    try {
      const p = ctx.pages()[0] ?? (await ctx.newPage());
      const refused = [];
      p.on('response', (r) => r.url().startsWith(api) && refused.push(r.status()));
      await p.goto(`http://127.0.0.1:${evilPort}/`);
      assert.equal(await p.evaluate(() => window.sent), 'sent'); // the browser sent it: only the server can refuse
      await p.waitForTimeout(300);
      assert.deepEqual(refused, [403], 'the server answers the upload 403');
    } finally {
      await ctx.close();
    }
    // Give a wrongly accepted upload time to run: nothing may have changed.
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(await state(), before);
  });

  test('a rebinding host can neither read nor change anything', async () => {
    const before = await state();
    const ctx = await launch(['--host-resolver-rules=MAP rebind.hopcheck-e2e.test 127.0.0.1']);
    try {
      const p = ctx.pages()[0] ?? (await ctx.newPage());
      const res = await p.goto(`http://rebind.hopcheck-e2e.test:${port}/`);
      assert.equal(res.status(), 403, 'the UI itself is refused under a foreign name');
      // The attacker's script, same-origin with the rebound name.
      const got = await p.evaluate(async () => {
        const flags = await fetch('/api/v1/flags');
        const review = await fetch('/api/v1/flags/T-1003', {
          method: 'PATCH', headers: { 'Content-Type': 'application/json', 'X-Hopcheck-Client': 'ui' }, body: '{"status":"cleared"}',
        });
        return { flags: flags.status, flagsBody: await flags.text(), review: review.status };
      });
      assert.equal(got.flags, 403);
      assert.doesNotMatch(got.flagsBody, /T-1003/);
      assert.match(got.flagsBody, /is not this server's name/);
      assert.equal(got.review, 403);
    } finally {
      await ctx.close();
    }
    assert.deepEqual(await state(), before);
  });

  test('the UI on its own origin still works', async () => {
    const ctx = await launch();
    try {
      const p = ctx.pages()[0] ?? (await ctx.newPage());
      await p.goto(`${api}/screen`);
      const got = await p.evaluate(async () => {
        const r = await fetch('/api/v1/screen', {
          method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hopcheck-Client': 'ui' }, body: '{"name":"Cypra Trading"}',
        });
        return r.status;
      });
      assert.equal(got, 200);
      const res = await p.goto(`http://localhost:${port}/`);
      assert.equal(res.status(), 200, 'localhost is a loopback name');
    } finally {
      await ctx.close();
    }
  });
});
