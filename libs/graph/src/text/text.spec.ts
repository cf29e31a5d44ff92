import { PAGE_SEPARATOR, joinPages } from '@casegraph/contracts';
import { codePointOffsets, documentText, pageNumbersOf, sanitizeText } from './document-text';
import { splitSentences } from './sentences';

describe('documentText', () => {
  it('joins pages exactly like joinPages and records page offsets', () => {
    const pages = [
      { pageNumber: 2, text: 'Second page.' },
      { pageNumber: 1, text: 'First page.' },
    ];
    const doc = documentText(pages);
    expect(doc.text).toBe(joinPages(['First page.', 'Second page.']));
    expect(doc.pages).toEqual([
      { pageNumber: 1, start: 0, end: 11 },
      { pageNumber: 2, start: 11 + PAGE_SEPARATOR.length, end: 11 + PAGE_SEPARATOR.length + 12 },
    ]);
    expect(pageNumbersOf(doc, 0, 5)).toEqual([1]);
    expect(pageNumbersOf(doc, 5, 20)).toEqual([1, 2]);
    expect(pageNumbersOf(doc, 14, 20)).toEqual([2]);
  });

  it('replaces NUL characters without moving any offset', () => {
    expect(sanitizeText('a\u0000b')).toBe('a b');
  });

  it('converts UTF-16 offsets to code points (PostgreSQL substr)', () => {
    const text = 'a😀b😀c';
    const cp = codePointOffsets(text);
    expect([0, 1, 3, 4, 6, 7].map(cp)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(codePointOffsets('plain')(3)).toBe(3);
  });
});

describe('splitSentences', () => {
  const texts = (t: string) => splitSentences(t).map((s) => t.slice(s.start, s.end));

  it('splits at sentence ends but not after legal abbreviations', () => {
    expect(texts('See Bell Atlantic Corp. v. Twombly, 550 U.S. 544 (2007). The claim under 42 U.S.C. § 1983 fails. Mr. Smith agreed.')).toEqual([
      'See Bell Atlantic Corp. v. Twombly, 550 U.S. 544 (2007).',
      'The claim under 42 U.S.C. § 1983 fails.',
      'Mr. Smith agreed.',
    ]);
  });

  it('treats a paragraph break as a boundary and list numbers as no boundary', () => {
    expect(texts('  0. Definitions.\n  "This License" refers to version 3.\n\nNext paragraph without a stop')).toEqual([
      '0. Definitions.',
      '"This License" refers to version 3.',
      'Next paragraph without a stop',
    ]);
  });

  it('bounds very long sentences', () => {
    const long = `${'word '.repeat(400)}end.`;
    for (const s of splitSentences(long, 600)) expect(s.end - s.start).toBeLessThanOrEqual(600);
  });
});
