import type { NextFunction, Request, Response } from 'express';
import type { ApiKeyEntry } from '../config';
import { ApiKeyRing, RequestAuth, presentedKey } from '../auth/api-keys';
import { SESSION_COOKIE, cookieValue, verifySession } from '../auth/session-cookie';
import { originMatchesHost } from '../auth/session.service';

/**
 * The key of a request to the dashboard: `Authorization: Bearer <key>`, `X-API-Key: <key>`,
 * or HTTP Basic with the key as the password (any user name), so a browser can open
 * /admin/queues through its own login prompt.
 */
export function dashboardKey(headers: Request['headers']): string | null {
  const auth = headers.authorization;
  const basic = typeof auth === 'string' ? /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(auth) : null;
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = colon >= 0 ? decoded.slice(colon + 1) : decoded;
    return password || null;
  }
  return presentedKey(headers);
}

/**
 * Guards the Bull Board (plain Express middleware: the dashboard is not a Nest route,
 * so the global ApiKeyGuard does not see it). With CASEGRAPH_API_KEYS set, the
 * dashboard needs a key that is not bound to a project (it shows every project's
 * jobs): 401 without a valid key, 403 for a project-bound key. Open when no key is set,
 * like the API. A browser logged in to the web app (the casegraph_session cookie) needs no
 * second login; the board's own POST/PUT (retry, clean) cannot carry our CSRF token, so with
 * the cookie they need an Origin header naming this host (browsers send it on every such request).
 */
export function adminAuthMiddleware(keys: ApiKeyEntry[]) {
  const ring = new ApiKeyRing(keys);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!ring.enabled) return next();
    const presented = dashboardKey(req.headers);
    let auth: RequestAuth | null = presented ? ring.match(presented) : null;
    if (!presented) {
      const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
      const session = cookie ? verifySession(ring, cookie, Math.floor(Date.now() / 1000)) : null;
      const safe = req.method === 'GET' || req.method === 'HEAD';
      if (session && originMatchesHost(req) && (safe || req.headers.origin !== undefined)) auth = session.auth;
    }
    if (!auth) {
      res
        .status(401)
        .setHeader('WWW-Authenticate', 'Basic realm="casegraph-admin", charset="UTF-8"')
        .json({ statusCode: 401, error: 'Unauthorized', message: 'A valid API key is required for /admin/queues' });
      return;
    }
    if (auth.projectUuid) {
      res.status(403).json({ statusCode: 403, error: 'Forbidden', message: 'The queue dashboard needs an API key that is not bound to a project' });
      return;
    }
    next();
  };
}
