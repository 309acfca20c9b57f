import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who looks at a page, as the layout and the forms need it: a name, a role, the forms' CSRF token.
 * Here in common because pages of every domain render it; auth decides who it is.
 */
export interface Viewer {
  name: string;
  role: string;
  isAdmin: boolean;
  isTester: boolean;
  csrf: string;
}

const viewers = new AsyncLocalStorage<Viewer | null>();

/** Runs `fn` (the rest of the request) with this viewer; pages rendered inside show it. */
export function runAsViewer<T>(viewer: Viewer | null, fn: () => T): T {
  return viewers.run(viewer, fn);
}

/** The signed-in viewer of the current request; null when signed out or outside a request. */
export function currentViewer(): Viewer | null {
  return viewers.getStore() ?? null;
}
