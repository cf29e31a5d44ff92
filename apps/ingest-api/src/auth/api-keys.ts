import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ApiKeyEntry } from '../config';

/** What the guard attaches to a request once it is authenticated. */
export interface RequestAuth {
  /** 'open' when CASEGRAPH_API_KEYS is unset. */
  mode: 'open' | 'key';
  /** Short, non-reversible id of the key (for rate limiting and logs); null in open mode. */
  keyId: string | null;
  /** The project the key is bound to, or null for an unbound key / open mode. */
  projectUuid: string | null;
  /**
   * Who acts, for logs such as the curation log: the key's name (`name=key` in CASEGRAPH_API_KEYS),
   * `key:<keyId>` for an unnamed key, `open` in open mode. Never the key.
   */
  keyName: string;
}

/** keyName of every request in open mode. */
export const OPEN_KEY_NAME = 'open';

export type AuthenticatedRequest = { auth?: RequestAuth };

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** What a key's session secret is derived from (see sessionSecret): changing it ends every session. */
export const SESSION_SECRET_LABEL = 'casegraph-session-v1';

/**
 * The secret that signs a key's browser sessions: HMAC-SHA256(key, label). Derived from the key, so every replica
 * with the same CASEGRAPH_API_KEYS validates a session, and removing a key ends its sessions; one-way, so the
 * secret never gives the key back.
 */
export const sessionSecret = (key: string) => createHmac('sha256', key).update(SESSION_SECRET_LABEL).digest();

/** A configured key as the session code sees it: who it authenticates as, and the secret of its sessions. */
export interface SessionKey {
  auth: RequestAuth;
  secret: Buffer;
}

/**
 * The configured keys, kept only as SHA-256 digests. Lookup compares the digest
 * of the presented key with every configured digest using timingSafeEqual over
 * equal-length buffers, and never stops early, so timing says nothing about
 * which key (or how much of it) matched.
 */
export class ApiKeyRing {
  private readonly entries: Array<{ digest: Buffer; keyId: string; keyName: string; projectUuid: string | null; sessionSecret: Buffer }>;

  constructor(keys: ApiKeyEntry[]) {
    this.entries = keys.map((k) => {
      const d = digest(k.key);
      const keyId = d.subarray(0, 6).toString('hex');
      return { digest: d, keyId, keyName: k.name ?? `key:${keyId}`, projectUuid: k.projectUuid, sessionSecret: sessionSecret(k.key) };
    });
  }

  get enabled(): boolean {
    return this.entries.length > 0;
  }

  get size(): number {
    return this.entries.length;
  }

  match(presented: string): RequestAuth | null {
    const d = digest(presented);
    let found: RequestAuth | null = null;
    for (const e of this.entries) {
      if (timingSafeEqual(d, e.digest) && !found) found = { mode: 'key', keyId: e.keyId, projectUuid: e.projectUuid, keyName: e.keyName };
    }
    return found;
  }

  /**
   * The key a session cookie names by its id (the id is public, in the cookie: it only says which secret to check
   * the MAC with). Null when no configured key has this id any more.
   */
  byKeyId(keyId: string): SessionKey | null {
    const e = this.entries.find((x) => x.keyId === keyId);
    return e ? { auth: { mode: 'key', keyId: e.keyId, projectUuid: e.projectUuid, keyName: e.keyName }, secret: e.sessionSecret } : null;
  }
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers['authorization'];
  const authValue = Array.isArray(auth) ? auth[0] : auth;
  if (authValue) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authValue);
    if (m) return m[1];
  }
  const x = headers['x-api-key'];
  const xValue = (Array.isArray(x) ? x[0] : x)?.trim();
  return xValue ? xValue : null;
}
