// Every upload, the API's and the command line's (serve --demo included), each linked to its report.
import type { Client } from './api';
import { badge, errorBox, h, link, replace } from './dom';
import { dateTime, plural } from './format';
import type { Job } from './types';

/** jobState is a job's state as a badge. */
export function jobState(j: Job): HTMLElement {
  const cls = j.state === 'done' ? 'ok' : j.state === 'rejected' || j.state === 'failed' ? 'bad' : j.state === 'interrupted' ? 'warn' : 'info';
  return badge(j.state, cls);
}

/** uploadHref is the page of an upload's report, by its upload id (a source's upload). */
export function uploadHref(upload: string): string {
  return `/upload?upload=${encodeURIComponent(upload)}`;
}

/** uploadLink shows an upload id as a link to its report; "—" when none. */
export function uploadLink(upload: string | undefined): Node | string {
  return upload ? link(uploadHref(upload), h('code', null, upload)) : '—';
}

/** uploadsList is a card listing every upload, newest first. */
export function uploadsList(client: Client, limit = 1000): HTMLElement {
  const body = h('div', { class: 'placeholder' }, 'Loading…');
  const card = h('section', { class: 'card', id: 'uploads', 'aria-labelledby': 'h-uploads' }, h('h2', { id: 'h-uploads' }, 'All uploads'), body);
  client.uploads(limit).then(({ uploads }) => {
    if (!uploads.length) {
      replace(body, h('p', { class: 'muted' }, 'No uploads yet.'));
      return;
    }
    replace(body, h('table', { class: 'uploads' },
      h('thead', null, h('tr', null, ['State', 'Files', 'Upload', 'By', 'When'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, uploads.map((j: Job) => h('tr', { 'data-job': j.id },
        h('td', null, jobState(j)),
        h('td', null, link(`/upload?job=${encodeURIComponent(j.id)}`, j.files.join(', ') || j.id)),
        h('td', null, uploadLink(j.upload)),
        h('td', null, j.by || ''),
        h('td', null, dateTime(j.created), j.error ? h('div', { class: 'muted small' }, j.error) : null)))),
      h('caption', { class: 'muted small' }, plural(uploads.length, 'upload'))));
  }).catch((e) => replace(body, errorBox(e, 'Uploads')));
  return card;
}
