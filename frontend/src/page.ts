// What a page is and what it is given: shared by routes.ts, which lists
// the pages, and the pages themselves, so that neither imports the other.
import type { Client } from './api';

export interface PageContext {
  client: Client;
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface Page {
  title: string;
  /** render fills main; what it returns is called when the page is left. */
  render(main: HTMLElement, ctx: PageContext): (() => void) | void;
}
