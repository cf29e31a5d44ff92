import { JsonCharsetError, JsonTooDeepError, jsonDepthVerifier, jsonNestedDeeperThan } from './json-depth';

const deep = (n: number, open = '[', close = ']') => `${open.repeat(n)}${close.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

describe('jsonNestedDeeperThan', () => {
  it.each([
    ['1', 0],
    ['"x"', 0],
    ['[]', 1],
    ['{}', 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['[[],[],[[]]]', 3],
    [deep(32), 32],
    [deepObject(32), 32],
  ])('%s has depth %d', (text, depth) => {
    for (const t of [text, Buffer.from(text)]) {
      expect(jsonNestedDeeperThan(t, depth)).toBe(false);
      if (depth > 0) expect(jsonNestedDeeperThan(t, depth - 1)).toBe(true);
    }
  });

  it('does not count brackets inside strings, including after escaped quotes and backslashes', () => {
    const text = JSON.stringify({ a: '[[[[{{{{', b: 'x\\"[[[[', c: '\\', d: ['"]]]]{{'] });
    expect(jsonNestedDeeperThan(text, 2)).toBe(false);
    expect(jsonNestedDeeperThan(Buffer.from(text), 2)).toBe(false);
    expect(jsonNestedDeeperThan(text, 1)).toBe(true);
  });

  it('is not fooled by multi-byte UTF-8 characters next to brackets and quotes', () => {
    const text = JSON.stringify({ '😀[': ['é"]', { ß: '中{' }] });
    expect(jsonNestedDeeperThan(Buffer.from(text), 3)).toBe(false);
    expect(jsonNestedDeeperThan(Buffer.from(text), 2)).toBe(true);
  });

  it('scans 5,000 and 1,000,000 levels without recursion and stops at the first level too deep', () => {
    expect(jsonNestedDeeperThan(deep(5000), 32)).toBe(true);
    expect(jsonNestedDeeperThan(Buffer.from(deep(1_000_000)), 32)).toBe(true);
    expect(jsonNestedDeeperThan(`[${'[],'.repeat(500_000)}[]]`, 2)).toBe(false);
  });
});

describe('jsonDepthVerifier (body-parser verify)', () => {
  const verify = jsonDepthVerifier(32);

  it('passes a body within the limit and throws a 400 naming the limit beyond it', () => {
    expect(() => verify({} as never, {}, Buffer.from(deep(32)), 'utf-8')).not.toThrow();
    let err: unknown;
    try {
      verify({} as never, {}, Buffer.from(deep(5000)), 'utf-8');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JsonTooDeepError);
    expect(err).toMatchObject({ status: 400, type: 'entity.too.deep', message: 'JSON body nested deeper than 32 levels (JSON_MAX_DEPTH)' });
  });

  it('decodes UTF-16 before scanning (a UTF-16 code unit may hold a bracket byte) and refuses a charset it cannot decode', () => {
    expect(() => verify({} as never, {}, Buffer.from(deep(40), 'utf16le'), 'utf-16le')).toThrow(JsonTooDeepError);
    expect(() => verify({} as never, {}, Buffer.from('["嵛"]', 'utf16le'), 'utf-16le')).not.toThrow();
    expect(() => verify({} as never, {}, Buffer.from('[]'), 'utf-32')).toThrow(JsonCharsetError);
  });
});
