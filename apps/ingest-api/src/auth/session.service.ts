import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG } from '@casegraph/platform';
import { apiError } from '../common/api-error';
import type { IngestApiConfig } from '../config';
import { ApiKeyRing, OPEN_KEY_NAME, RequestAuth } from './api-keys';
import { SESSION_COOKIE, Session, cookieValue, issueSession, verifySession } from './session-cookie';
import type { SessionDto } from './session.dto';

/** Failed logins one client IP may make per window before every login from it (right key or not) answers 429. */
export const LOGIN_FAILURES_PER_WINDOW = 10;
export const LOGIN_WINDOW_MS = 60_000;
/** Most client IPs whose failures are remembered (the oldest are forgotten first). */
const MAX_TRACKED_IPS = 10_000;

export const CSRF_MESSAGE = 'CSRF token missing or invalid';
export const CROSS_ORIGIN_MESSAGE = 'Cross-origin request refused: its Origin is not this host';

export const OPEN_SESSION: SessionDto = Object.freeze({ mode: 'open', keyName: OPEN_KEY_NAME, projectUuid: null, csrfToken: null });

/** What the request's session cookie proves: nothing sent, a cookie that proves nothing, or a valid session. */
export type CookieSession = { state: 'none' } | { state: 'invalid' } | { state: 'valid'; session: Session };

/**
 * Browser sessions: a key typed once becomes a signed, stateless cookie (see session-cookie.ts). Nothing is stored:
 * the cookie carries key id, expiry and nonce under a MAC by a secret derived from the key.
 */
@Injectable()
export class SessionService {
  /** Failed logins per client IP: count in the window that started at the first failure. */
  private readonly failures = new Map<string, { count: number; windowEnds: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: IngestApiConfig,
    readonly ring: ApiKeyRing,
  ) {}

  get open(): boolean {
    return !this.ring.enabled;
  }

  /** The session the request's cookie proves (never throws). */
  fromRequest(req: Request, nowMs = Date.now()): CookieSession {
    const value = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (value === null || value === '') return { state: 'none' };
    const session = verifySession(this.ring, value, Math.floor(nowMs / 1000));
    return session ? { state: 'valid', session } : { state: 'invalid' };
  }

  /**
   * Logs a key in: the cookie value to set and the session's body. 401 for a wrong key; 429 once the client IP has
   * failed LOGIN_FAILURES_PER_WINDOW times in the window (then even the right key waits, or the limit would
   * still tell a guesser when a guess was right).
   */
  login(key: string, clientIp: string, nowMs = Date.now()): { cookie: string; body: SessionDto } {
    const auth = this.checkKey(key, clientIp, nowMs);
    const found = auth.keyId ? this.ring.byKeyId(auth.keyId) : null;
    if (!found) throw apiError(HttpStatus.UNAUTHORIZED, 'Invalid API key');
    const expiresAt = Math.floor(nowMs / 1000) + this.config.sessionTtlMinutes * 60;
    const { value, session } = issueSession(found, expiresAt);
    return { cookie: value, body: this.bodyOf(session) };
  }

  /**
   * A key typed at login, checked under the per-address limit: 401 for a wrong key, counted; 429 once the address
   * failed LOGIN_FAILURES_PER_WINDOW times in the window, for every key (or the limit would tell a guesser when a
   * guess was right).
   */
  checkKey(key: string, clientIp: string, nowMs = Date.now()): RequestAuth {
    const f = this.failures.get(clientIp);
    if (f && f.windowEnds <= nowMs) this.failures.delete(clientIp);
    else if (f && f.count >= LOGIN_FAILURES_PER_WINDOW) {
      throw apiError(HttpStatus.TOO_MANY_REQUESTS, 'Too many failed logins from this address: wait a minute and try again');
    }
    const auth = this.ring.match(key);
    if (!auth) {
      this.recordFailure(clientIp, nowMs);
      throw apiError(HttpStatus.UNAUTHORIZED, 'Invalid API key');
    }
    return auth;
  }

  bodyOf(session: Session): SessionDto {
    return { mode: 'key', keyName: session.auth.keyName, projectUuid: session.auth.projectUuid, csrfToken: session.csrfToken };
  }

  private recordFailure(ip: string, nowMs: number): void {
    const f = this.failures.get(ip);
    if (f) {
      f.count++;
      return;
    }
    if (this.failures.size >= MAX_TRACKED_IPS) {
      for (const [k, v] of this.failures) if (v.windowEnds <= nowMs) this.failures.delete(k);
      // Still full (many addresses failing at once): forget the oldest windows, never grow without bound.
      for (const k of this.failures.keys()) {
        if (this.failures.size < MAX_TRACKED_IPS) break;
        this.failures.delete(k);
      }
    }
    this.failures.set(ip, { count: 1, windowEnds: nowMs + LOGIN_WINDOW_MS });
  }
}

/**
 * False when the request carries an Origin header naming another host than the one it was sent to (a cross-site
 * form or fetch). An absent Origin passes: browsers send it on every cross-origin request and on same-origin
 * unsafe ones, so its absence means a same-origin navigation or a non-browser client.
 */
export function originMatchesHost(req: Request): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (!host) return false;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host.toLowerCase() === host.toLowerCase();
  } catch {
    return false; // "null" (a sandboxed frame, a file: page) or garbage
  }
}
