import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NextFunction, Request, Response } from 'express';

/**
 * The web app's headers, on every response of it (index.html, assets, its errors). No inline script or style
 * exists in the build (tools/build-web.js), so script-src and style-src are 'self' only; blob: workers and
 * images are PDF.js's; frame-ancestors 'none' and X-Frame-Options keep the app out of other sites' frames.
 */
export const WEB_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
});

/** Paths the web app never answers: the API, its docs, probes and the dashboard keep their own 404s. */
// Case-insensitive like Express's routing (/V1/x and /Docs reach their handlers, never the app's page).
const NOT_WEB = /^\/(v\d+|docs|docs-json|health|metrics|admin)(\/|$)/i;
const ASSETS = /^\/assets(\/|$)/;
/** One file name directly in assets/ (the build has no sub-folders); no dot files, so no "." or "..". */
const ASSET_NAME = /^\/assets\/([A-Za-z0-9_-][A-Za-z0-9._-]{0,200})$/;
/** esbuild's [hash] (8 base32 characters) in a name: its content never changes, so browsers may keep it forever. */
const HASHED = /-[A-Z0-9]{8}\./;

export const NOT_BUILT_MESSAGE = 'The web app is not built: run npm run build';

/**
 * Where the built web app is: WEB_DIST_DIR when set, else dist/apps/web found from the running code: beside the
 * bundle (dist/apps/ingest-api/main.js → ../web), from the sources (apps/ingest-api/src/web → the repo root), or
 * from the working directory. The first that holds an index.html; the first candidate when none does.
 */
export function webDistCandidates(configured: string | null, here = __dirname, cwd = process.cwd()): string[] {
  if (configured) return [resolve(configured)];
  return [resolve(here, '..', 'web'), resolve(here, '..', '..', '..', '..', 'dist', 'apps', 'web'), resolve(cwd, 'dist', 'apps', 'web')];
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/**
 * Express middleware serving the web app at /: GET/HEAD of /assets/<file> gives the file (hashed names cached as
 * immutable, others revalidated; unknown → 404, never index.html: a missing script must not load a page as
 * JavaScript); any other GET/HEAD path outside the API, docs, probes and dashboard gives index.html (no-cache),
 * so the app's own routes survive a reload. Everything else goes on to Nest (its JSON 404 included).
 */
export function webAppMiddleware(configured: string | null) {
  const candidates = webDistCandidates(configured);
  // Found once; until then looked for again on every request, so a build made after start is picked up.
  let found: string | null = null;
  const dir = (): string | null => {
    if (found) return found;
    found = candidates.find((c) => existsSync(join(c, 'index.html'))) ?? null;
    return found;
  };

  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = (req.originalUrl ?? req.url).split('?')[0];
    if (NOT_WEB.test(path)) return next();
    res.set(WEB_SECURITY_HEADERS);
    const root = dir();
    if (ASSETS.test(path)) {
      const m = ASSET_NAME.exec(path);
      const file = root && m ? join(root, 'assets', m[1]) : null;
      if (!file || !isFile(file)) {
        res.status(404).type('text/plain; charset=utf-8').send('Not found');
        return;
      }
      const cache = HASHED.test(m![1]) ? 'public, max-age=31536000, immutable' : 'no-cache';
      res.sendFile(file, { headers: { 'Cache-Control': cache }, cacheControl: false, dotfiles: 'deny' }, (err) => err && next(err));
      return;
    }
    if (!root) {
      res.status(503).set('Cache-Control', 'no-store').type('text/plain; charset=utf-8').send(NOT_BUILT_MESSAGE);
      return;
    }
    res.sendFile(join(root, 'index.html'), { headers: { 'Cache-Control': 'no-cache' }, cacheControl: false }, (err) => err && next(err));
  };
}
