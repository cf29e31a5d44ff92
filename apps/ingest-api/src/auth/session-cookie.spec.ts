import { ApiKeyRing } from './api-keys';
import { cookieValue, csrfTokenMatches, issueSession, verifySession } from './session-cookie';
import { originMatchesHost } from './session.service';
import type { Request } from 'express';

describe('session cookie', () => {
  const ring = new ApiKeyRing([
    { key: 'alpha-key', name: 'alice', projectUuid: null },
    { key: 'beta-key', projectUuid: '3f1e2b8c-1111-4222-8333-444455556666' },
  ]);
  const keyOf = (k: string) => ring.byKeyId(ring.match(k)!.keyId!)!;
  const now = 1_800_000_000;

  it('verifies a cookie it issued, as its key, until it expires', () => {
    const { value, session } = issueSession(keyOf('beta-key'), now + 60);
    expect(value).toMatch(/^v1\.[0-9a-f]{12}\.1800000060\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(value).not.toContain('beta-key');
    const v = verifySession(ring, value, now)!;
    expect(v.auth).toEqual(ring.match('beta-key'));
    expect(v.csrfToken).toBe(session.csrfToken);
    expect(verifySession(ring, value, now + 59)).not.toBeNull();
    expect(verifySession(ring, value, now + 60)).toBeNull();
  });

  it('refuses any change to the value: key id, expiry, nonce or MAC', () => {
    const { value } = issueSession(keyOf('beta-key'), now + 60);
    const [v, id, exp, nonce, mac] = value.split('.');
    const other = ring.match('alpha-key')!.keyId!;
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const bad of [
      [v, other, exp, nonce, mac],
      [v, id, String(Number(exp) + 3600), nonce, mac],
      [v, id, exp, flip(nonce), mac],
      [v, id, exp, nonce, flip(mac)],
      ['v2', id, exp, nonce, mac],
    ]) {
      expect(verifySession(ring, bad.join('.'), now)).toBeNull();
    }
    for (const junk of ['', 'v1', `${value}.x`, `${value} `, value.slice(0, -1)]) expect(verifySession(ring, junk, now)).toBeNull();
  });

  it('dies with its key: a ring without the key (or with another key of the same name) refuses it', () => {
    const { value } = issueSession(keyOf('alpha-key'), now + 60);
    expect(verifySession(new ApiKeyRing([{ key: 'beta-key', projectUuid: null }]), value, now)).toBeNull();
    expect(verifySession(new ApiKeyRing([{ key: 'alpha-key-2', name: 'alice', projectUuid: null }]), value, now)).toBeNull();
    expect(verifySession(new ApiKeyRing([{ key: 'alpha-key', name: 'alice', projectUuid: null }]), value, now)).not.toBeNull();
  });

  it('gives each session its own CSRF token, matched exactly', () => {
    const a = issueSession(keyOf('alpha-key'), now + 60).session;
    const b = issueSession(keyOf('alpha-key'), now + 60).session;
    expect(a.csrfToken).not.toBe(b.csrfToken);
    expect(csrfTokenMatches(a, a.csrfToken)).toBe(true);
    for (const bad of [undefined, '', b.csrfToken, a.csrfToken.slice(1), `${a.csrfToken}x`]) expect(csrfTokenMatches(a, bad)).toBe(false);
  });

  it('reads one cookie out of a Cookie header', () => {
    expect(cookieValue('a=1; casegraph_session=v1.x; b=2', 'casegraph_session')).toBe('v1.x');
    expect(cookieValue('casegraph_session="q"', 'casegraph_session')).toBe('q');
    expect(cookieValue('xcasegraph_session=1', 'casegraph_session')).toBeNull();
    expect(cookieValue(undefined, 'casegraph_session')).toBeNull();
  });

  it('lets an absent Origin or this host through, nothing else', () => {
    const req = (origin: string | undefined, host = 'casegraph.example:3000') => ({ headers: { origin, host } }) as unknown as Request;
    expect(originMatchesHost(req(undefined))).toBe(true);
    expect(originMatchesHost(req('http://casegraph.example:3000'))).toBe(true);
    expect(originMatchesHost(req('https://CaseGraph.example:3000'))).toBe(true);
    for (const bad of ['null', 'http://evil.example', 'http://casegraph.example', 'http://casegraph.example:3001', 'file://', 'garbage']) {
      expect(originMatchesHost(req(bad))).toBe(false);
    }
  });
});
