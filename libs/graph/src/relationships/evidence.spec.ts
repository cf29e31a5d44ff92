import { EVIDENCE_SNIPPET_CHARS } from '@casegraph/contracts';
import { codePointOffsets, documentText, utf16Offsets } from '../text/document-text';
import { evidenceOf, snippetAround } from './evidence';

const DOC = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';

describe('snippetAround', () => {
  it('returns the occurrence with whole words of context, white space collapsed, at most the limit', () => {
    const text = `${'lorem ipsum '.repeat(40)}The  panel\n\nheard   Quill v. Barrow on remand. ${'dolor sit amet '.repeat(40)}`;
    const at = text.indexOf('Quill v. Barrow');
    const s = snippetAround(text, at, at + 'Quill v. Barrow'.length);
    expect(s.length).toBeLessThanOrEqual(EVIDENCE_SNIPPET_CHARS);
    expect(s).toContain('The panel heard Quill v. Barrow on remand.');
    expect(s).not.toMatch(/\s{2}/);
    // no cut word at either edge
    expect(s.split(' ')[0]).toMatch(/^(lorem|ipsum)$/);
    expect(s.split(' ').at(-1)).toMatch(/^(dolor|sit|amet)$/);
  });

  it('cuts an occurrence longer than the limit', () => {
    const text = 'x'.repeat(500);
    expect(snippetAround(text, 10, 400)).toHaveLength(EVIDENCE_SNIPPET_CHARS);
  });

  it('keeps the whole text when it is short', () => {
    expect(snippetAround('Id. at 4.', 0, 3)).toBe('Id. at 4.');
  });
});

describe('evidenceOf', () => {
  it('gives the page of the start and the code-point span, also after astral characters', () => {
    const doc = documentText([
      { pageNumber: 1, text: 'First page 😀 with an emoji.' },
      { pageNumber: 2, text: 'Second page names Ada Quill.' },
    ]);
    const at = doc.text.indexOf('Ada Quill');
    const toCp = codePointOffsets(doc.text);
    const [ev] = evidenceOf(doc, DOC, [{ start: toCp(at), end: toCp(at + 9) }]);
    expect(ev).toEqual({ documentUuid: DOC, page: 2, start: at - 1, end: at + 8, snippet: 'Second page names Ada Quill.' });
    expect(utf16Offsets(doc.text)(ev.start)).toBe(at);
  });
});

describe('utf16Offsets', () => {
  it('inverts codePointOffsets', () => {
    const text = 'a😀b😀😀c';
    const toCp = codePointOffsets(text);
    const toU = utf16Offsets(text);
    for (const i of [0, 1, 3, 4, 6, 8, 9]) expect(toU(toCp(i))).toBe(i);
    expect(utf16Offsets('plain')(3)).toBe(3);
  });
});
