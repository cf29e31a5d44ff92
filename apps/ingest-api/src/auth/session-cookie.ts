import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRing, SessionKey } from './api-keys';

/** The browser session's cookie (HttpOnly, SameSite=Strict, Path=/; Secure on https). */
export const SESSION_COOKIE = 'casegraph_session';

/** The header every unsafe request made with the session cookie must carry (the session's csrfToken). */
export const CSRF_HEADER = 'x-csrf-token';

const VERSION = 'v1';
/** v1.<keyId>.<expiresAtSeconds>.<nonce>.<mac>: the key id is 12 hex, the nonce 16 random bytes, the MAC 32 (base64url). */
const COOKIE_RE = /^v1\.([0-9a-f]{12})\.([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

const mac = (secret: Buffer, data: string) => createHmac('sha256', secret).update(data, 'utf8').digest();

/** A valid session: who it authenticates as, and the token its unsafe requests must carry. */
export interface Session extends SessionKey {
  nonce: string;
  expiresAt: number;
  csrfToken: string;
}

/** The session's CSRF token: HMAC(secret, 'csrf.' + nonce), so it needs no storage and dies with the session. */
export function csrfTokenOf(secret: Buffer, nonce: string): string {
  return mac(secret, `csrf.${nonce}`).toString('base64url');
}

/** A new session cookie value for a key, valid until expiresAt (seconds since the epoch). */
export function issueSession(key: SessionKey, expiresAt: number): { value: string; session: Session } {
  const nonce = randomBytes(16).toString('base64url');
  const payload = `${VERSION}.${key.auth.keyId}.${expiresAt}.${nonce}`;
  const value = `${payload}.${mac(key.secret, payload).toString('base64url')}`;
  return { value, session: { ...key, nonce, expiresAt, csrfToken: csrfTokenOf(key.secret, nonce) } };
}

/**
 * The session a cookie value proves, or null: malformed, signed by no configured key (a removed key's sessions
 * end here), a MAC that does not match (compared in constant time), or expired.
 */
export function verifySession(ring: ApiKeyRing, value: string, nowSeconds: number): Session | null {
  const m = COOKIE_RE.exec(value);
  if (!m) return null;
  const [, keyId, exp, nonce, presented] = m;
  const key = ring.byKeyId(keyId);
  if (!key) return null;
  const expected = mac(key.secret, `${VERSION}.${keyId}.${exp}.${nonce}`);
  const given = Buffer.from(presented, 'base64url');
  // The regex fixes the length (43 base64url characters = 32 bytes); checked again so timingSafeEqual never throws.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const expiresAt = Number(exp);
  if (expiresAt <= nowSeconds) return null;
  return { ...key, nonce, expiresAt, csrfToken: csrfTokenOf(key.secret, nonce) };
}

/** True when the presented CSRF token is the session's (constant time). */
export function csrfTokenMatches(session: Session, presented: string | string[] | undefined): boolean {
  const value = Array.isArray(presented) ? presented[0] : presented;
  if (typeof value !== 'string') return false;
  const a = Buffer.from(value, 'utf8');
  const b = Buffer.from(session.csrfToken, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The value of one cookie in a Cookie header, or null. Several cookies of that name (a parent domain's cookie
 * beside ours) give the first, as browsers send the most specific path first.
 */
export function cookieValue(header: string | string[] | undefined, name: string): string | null {
  const raw = Array.isArray(header) ? header.join('; ') : header;
  if (!raw) return null;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let v = part.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    return v;
  }
  return null;
}

/** Set-Cookie for a session: no Max-Age or Expires (gone when the browser closes); the expiry is inside the signed value. */
export function sessionSetCookie(value: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** Set-Cookie that removes the session cookie. */
export function clearSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${secure ? '; Secure' : ''}`;
}
