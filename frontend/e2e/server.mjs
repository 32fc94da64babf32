// Runs a real `hopcheck serve` for the browser tests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

export async function waitReady(url, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${ms} ms`);
}

/**
 * startServer runs hopcheck serve with args and env on a free port and
 * resolves to the UI's URL; stopping it is pushed onto cleanups.
 */
export async function startServer(bin, args, env = {}, cleanups = []) {
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const p = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, ...args], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  p.stderr.on('data', (d) => (log = (log + d).slice(-4000)));
  cleanups.push(() => p.kill('SIGTERM'));
  try {
    await waitReady(api);
  } catch (err) {
    throw new Error(`${err.message}\n${log}`);
  }
  const root = await fetch(`${api}/`);
  if (!(root.headers.get('content-type') ?? '').startsWith('text/html')) {
    throw new Error(`${api}/ does not serve the UI (${root.status} ${root.headers.get('content-type')})`);
  }
  return api;
}

/**
 * uploadFiles sends CSV files to a server as a script would (Node's fetch
 * says it is a browser, so it carries the UI's header), with form fields,
 * and waits for the job: it must end done.
 */
export async function uploadFiles(base, files, fields = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const [name, text] of Object.entries(files)) form.append('file', new Blob([text]), name);
  const res = await fetch(`${base}/api/v1/uploads`, { method: 'POST', body: form, headers: { 'X-Hopcheck-Client': 'e2e' } });
  let job = await res.json();
  assert.equal(res.status, 202, JSON.stringify(job));
  for (let i = 0; i < 600 && !['done', 'rejected', 'failed', 'interrupted'].includes(job.state); i++) {
    await new Promise((r) => setTimeout(r, 100));
    job = await (await fetch(`${base}/api/v1/uploads/${job.id}`)).json();
  }
  assert.equal(job.state, 'done', JSON.stringify(job));
  return job;
}
