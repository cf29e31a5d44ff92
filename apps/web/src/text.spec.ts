import { formatBytes, hasHiddenCharacters, segments, visibleName } from './text';

describe('visibleName', () => {
  it('shows a right-to-left override as a code, so the real extension is visible', () => {
    expect(visibleName('invoice\u202Efdp.exe')).toBe('invoice[U+202E]fdp.exe');
    expect(hasHiddenCharacters('invoice\u202Efdp.exe')).toBe(true);
  });

  it('leaves ordinary names alone, including non-Latin ones', () => {
    expect(visibleName('Müller v. Øresund — brief.pdf')).toBe('Müller v. Øresund — brief.pdf');
    expect(visibleName('عقد.pdf')).toBe('عقد.pdf');
    expect(hasHiddenCharacters('brief.pdf')).toBe(false);
  });

  it('makes zero-width and isolate characters visible too', () => {
    expect(visibleName('a\u200Bb\u2066c\uFEFF')).toBe('a[U+200B]b[U+2066]c[U+FEFF]');
  });
});

describe('segments', () => {
  it('splits text around marked ranges', () => {
    expect(segments('the quick fox', [[4, 9]])).toEqual([
      { text: 'the ', mark: -1 },
      { text: 'quick', mark: 0 },
      { text: ' fox', mark: -1 },
    ]);
  });

  it('sorts ranges, drops empty ones, clips to the text and merges overlaps into the first', () => {
    expect(
      segments('abcdef', [
        [4, 99],
        [0, 2],
        [1, 3],
        [3, 3],
      ]),
    ).toEqual([
      { text: 'ab', mark: 1 },
      { text: 'c', mark: 2 },
      { text: 'd', mark: -1 },
      { text: 'ef', mark: 0 },
    ]);
  });

  it('keeps markup characters as text', () => {
    const s = segments('<img src=x onerror=alert(1)>', [[1, 4]]);
    expect(s.map((x) => x.text).join('')).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('formatBytes', () => {
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(null)).toBe('');
  });
});
