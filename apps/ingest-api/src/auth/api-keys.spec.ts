// eslint-disable-next-line @typescript-eslint/no-require-imports -- spyOn needs the real module object; an import * namespace is a copy
const crypto = require('node:crypto') as typeof import('node:crypto');
import { ApiKeyRing, presentedKey } from './api-keys';

describe('ApiKeyRing', () => {
  const ring = new ApiKeyRing([
    { key: 'alpha-key-0123456789', projectUuid: null },
    { key: 'beta-key', projectUuid: '3f1e2b8c-1111-4222-8333-444455556666' },
  ]);

  it('matches exact keys only and tells which project a key is bound to', () => {
    expect(ring.match('alpha-key-0123456789')).toEqual({
      mode: 'key',
      keyId: expect.stringMatching(/^[0-9a-f]{12}$/),
      projectUuid: null,
      keyName: expect.stringMatching(/^key:[0-9a-f]{12}$/),
    });
    expect(ring.match('beta-key')?.projectUuid).toBe('3f1e2b8c-1111-4222-8333-444455556666');
    for (const wrong of ['alpha-key-012345678', 'alpha-key-01234567890', 'ALPHA-KEY-0123456789', '', ' beta-key', 'beta-key\u0000']) {
      expect(ring.match(wrong)).toBeNull();
    }
  });

  it('gives each key a stable id that is not the key', () => {
    const id = ring.match('beta-key')!.keyId!;
    expect(ring.match('beta-key')!.keyId).toBe(id);
    expect(id).not.toContain('beta');
    expect(ring.match('alpha-key-0123456789')!.keyId).not.toBe(id);
  });

  it('compares fixed-length digests with timingSafeEqual against every key, even after a match', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      ring.match('alpha-key-0123456789'); // the first key matches
      ring.match('x'); // a short wrong key
      ring.match('y'.repeat(10_000)); // a long wrong key
      expect(spy).toHaveBeenCalledTimes(6);
      for (const [a, b] of spy.mock.calls) expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
    } finally {
      spy.mockRestore();
    }
  });

  it("names the actor by the key's name, else by its id, never by the key", () => {
    const named = new ApiKeyRing([
      { key: 'k-one', name: 'alice', projectUuid: null },
      { key: 'k-two', name: null, projectUuid: '3f1e2b8c-1111-4222-8333-444455556666' },
      { key: 'k-three', projectUuid: null },
    ]);
    expect(named.match('k-one')).toMatchObject({ keyName: 'alice', projectUuid: null });
    const two = named.match('k-two')!;
    expect(two.keyName).toBe(`key:${two.keyId}`);
    const three = named.match('k-three')!;
    expect(three.keyName).toBe(`key:${three.keyId}`);
    expect(three.keyName).not.toContain('three');
    expect(named.match('alice')).toBeNull();
  });

  it('is disabled without keys', () => {
    expect(new ApiKeyRing([]).enabled).toBe(false);
    expect(ring.enabled).toBe(true);
  });
});

describe('presentedKey', () => {
  it.each([
    [{ authorization: 'Bearer abc' }, 'abc'],
    [{ authorization: 'bearer   abc  ' }, 'abc'],
    [{ 'x-api-key': 'xyz' }, 'xyz'],
    [{ 'x-api-key': '  xyz ' }, 'xyz'],
    [{ authorization: 'Bearer abc', 'x-api-key': 'xyz' }, 'abc'],
    [{ authorization: 'Basic abc', 'x-api-key': 'xyz' }, 'xyz'],
    [{ authorization: 'Basic abc' }, null],
    [{ authorization: 'Bearer' }, null],
    [{ authorization: 'Bearer a b' }, null],
    [{ 'x-api-key': '' }, null],
    [{}, null],
  ])('%j -> %j', (headers, expected) => {
    expect(presentedKey(headers)).toBe(expected);
  });
});
