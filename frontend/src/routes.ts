// Every page of the UI and the path it lives at.
import { dashboard } from './pages/dashboard';
import { search } from './pages/search';
import { explorer } from './pages/explorer';
import { flags } from './pages/flags';
import { flagPage } from './pages/flag';
import { upload } from './pages/upload';
import { screen } from './pages/screen';
import { review } from './pages/review';
import { h } from './dom';
import type { Page } from './page';

export type { Page, PageContext } from './page';

const notFound: Page = {
  title: 'Not found',
  render: (main) => main.append(h('h1', null, 'Not found'), h('p', null, 'There is no page at this address.')),
};

const table: [RegExp, Page, string[]][] = [
  [/^\/$/, dashboard, []],
  [/^\/search$/, search, []],
  [/^\/explore(?:\/([^/]+))?$/, explorer, ['id']],
  [/^\/flags$/, flags, []],
  [/^\/flags\/([^/]+)$/, flagPage, ['id']],
  [/^\/upload$/, upload, []],
  [/^\/screen$/, screen, []],
  [/^\/review$/, review, []],
];

export function matchRoute(path: string): { page: Page; params: Record<string, string> } {
  for (const [re, page, names] of table) {
    const m = re.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((n, i) => {
      if (m[i + 1] !== undefined) params[n] = decodeURIComponent(m[i + 1]);
    });
    return { page, params };
  }
  return { page: notFound, params: {} };
}
