/**
 * A small history router: paths are the app's pages (/projects/:p/search?q=...), the server answers index.html for
 * each of them. Query strings carry only what a user may bookmark or share (search terms, filters, page numbers),
 * never a key.
 */
import { AnchorHTMLAttributes, MouseEvent, useEffect, useState } from 'react';

export interface Location {
  path: string;
  query: URLSearchParams;
}

const listeners = new Set<() => void>();

function current(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  listeners.forEach((l) => l());
  if (!opts.replace) window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const l = () => setLoc(current());
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return loc;
}

/** The params of `pattern` (`/projects/:projectUuid/documents/:documentUuid`) in `path`, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) out[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return out;
}

/** The same page with some query parameters changed (null/'' removes one). */
export function withParams(loc: Location, changes: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams(loc.query);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${loc.path}?${s}` : loc.path;
}

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}

/** Paths of the app's pages, in one place (pages link to each other through these). */
export const paths = {
  projects: () => '/',
  project: (p: string) => `/projects/${p}`,
  search: (p: string, q?: string) => (q ? `/projects/${p}/search?q=${encodeURIComponent(q)}` : `/projects/${p}/search`),
  document: (p: string, d: string, page?: number) => `/projects/${p}/documents/${d}${page ? `?page=${page}` : ''}`,
  entities: (p: string) => `/projects/${p}/entities`,
  entity: (p: string, e: string) => `/projects/${p}/entities/${e}`,
  curation: (p: string) => `/projects/${p}/curation`,
  graph: (p: string, entity?: string) => `/projects/${p}/graph${entity ? `?entity=${entity}` : ''}`,
  timeline: (p: string) => `/projects/${p}/timeline`,
};
