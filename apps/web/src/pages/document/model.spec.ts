import { Mention, formatName, mentionTitle, originalKind, pagePieces, termRanges } from './model';

const mention = (start: number, end: number, type = 'PERSON', role: string | null = null): Mention => ({
  mentionUuid: `${start}-${end}`,
  entityUuid: 'e',
  type,
  text: '',
  role,
  page: 1,
  start,
  end,
});

describe('pagePieces', () => {
  const text = 'Judge Smith wrote for Acme Corp in mandamus.';

  it('splits a page into entity links, marked terms and plain text that join back to the text', () => {
    const smith = mention(6, 11, 'PERSON', 'judge');
    const acme = mention(22, 31, 'ORG');
    const pieces = pagePieces(text, [acme, smith], ['mandamus', 'smith']);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(pieces.filter((p) => p.mention).map((p) => [p.text, p.mention!.type])).toEqual([
      ['Smith', 'PERSON'],
      ['Acme Corp', 'ORG'],
    ]);
    // "mandamus" is marked in the plain text, "smith" inside its link.
    expect(pieces.filter((p) => p.term).map((p) => p.text)).toEqual(['mandamus']);
    expect(pieces.find((p) => p.mention === smith)?.marks).toEqual([[0, 5]]);
  });

  it('keeps the first and longest of overlapping mentions and drops those outside the text', () => {
    const pieces = pagePieces(text, [mention(22, 26), mention(22, 31), mention(28, 35), mention(100, 120)]);
    expect(pieces.filter((p) => p.mention).map((p) => p.text)).toEqual(['Acme Corp']);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
  });

  it('leaves hostile text as text', () => {
    const evil = '<img src=x onerror=alert(1)> Acme';
    const pieces = pagePieces(evil, [mention(29, 33)]);
    expect(pieces.map((p) => p.text)).toEqual(['<img src=x onerror=alert(1)> ', 'Acme']);
  });
});

describe('termRanges', () => {
  it('finds words on word boundaries, case-insensitively, and phrases across line breaks', () => {
    expect(termRanges('Mandamus; mandamuses. MANDAMUS', ['mandamus'])).toEqual([
      [0, 8],
      [22, 30],
    ]);
    expect(termRanges('see 410 U.S.\n113 (1973)', ['410 U.S. 113'])).toEqual([[4, 16]]);
    expect(termRanges('a (b) c', ['(b)'])).toEqual([[2, 5]]);
    expect(termRanges('anything', [])).toEqual([]);
  });
});

describe('original and titles', () => {
  it('knows what a browser can show', () => {
    expect(originalKind('application/pdf')).toBe('pdf');
    expect(originalKind('image/jpeg')).toBe('image');
    expect(originalKind('image/tiff')).toBe('other');
    expect(originalKind(null)).toBe('other');
    expect(formatName('message/rfc822')).toBe('an e-mail (.eml)');
    expect(formatName(null)).toBe('a file of unknown type');
    expect(mentionTitle({ type: 'ORG', role: 'law_firm' })).toBe('ORG · law firm');
    expect(mentionTitle({ type: 'DATE', role: null })).toBe('DATE');
  });
});
