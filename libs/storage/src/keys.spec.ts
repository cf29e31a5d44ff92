import { assertSafeKey, documentObjectKey, safeFilename } from './keys';
import { InvalidStorageKeyError } from './storage.types';

describe('safeFilename', () => {
  it.each([
    ['../../etc/passwd.pdf', 'passwd.pdf'],
    ['C:\\Users\\me\\scan.png', 'scan.png'],
    ['a/b/c.pdf', 'c.pdf'],
    ['..', 'file'],
    ['.hidden.pdf', 'hidden.pdf'],
    ['bad\u0000name\n.pdf', 'badname.pdf'],
    ['what?<>|*.pdf', 'what_____.pdf'],
    ['  lots   of   space .pdf ', 'lots of space .pdf'],
    ['', 'file'],
  ])('%j -> %j', (input, expected) => {
    expect(safeFilename(input)).toBe(expected);
  });

  it('bounds the length and keeps the extension', () => {
    const long = safeFilename(`${'x'.repeat(500)}.pdf`);
    expect(long.length).toBe(200);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('builds document keys that are always safe keys', () => {
    const key = documentObjectKey('p-uuid', 'd-uuid', '../../../x/..\\..\\evil.pdf');
    expect(key).toBe('documents/p-uuid/d-uuid/evil.pdf');
    expect(assertSafeKey(key)).toBe(key);
  });
});

describe('assertSafeKey', () => {
  it.each(['a', 'incoming/2026/contract.pdf', 'a..b/c', 'x/.../y', 'dir/file name.pdf'])('accepts %j', (k) => {
    expect(assertSafeKey(k)).toBe(k);
  });

  it.each([
    ['', 'empty'],
    ['/abs', 'absolute'],
    ['D:/x', 'absolute'],
    ['a/../b', '..'],
    ['..', '..'],
    ['./a', '..'],
    ['a\\b', 'backslash'],
    ['a\u0000b', 'control'],
    ['a\u007fb', 'control'],
    ['k'.repeat(1025), 'longer'],
  ])('refuses %j (%s)', (k, why) => {
    expect(() => assertSafeKey(k)).toThrow(InvalidStorageKeyError);
    expect(() => assertSafeKey(k)).toThrow(new RegExp(why.replace(/\./g, '\\.')));
  });
});
