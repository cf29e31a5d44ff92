import { NEARBY_CHARS, findNearby, parseAnswer, validateMentions } from './offsets';
import { MalformedAnswerError } from './offsets';

const TEXT = 'Plaintiff Jane Roe sued Acme Widgets, Inc. in the District Court. Judge Ada Quill presided; Jane Roe testified.';
const at = (needle: string, from = 0) => TEXT.indexOf(needle, from);

describe('validateMentions: only text found at (or near) the offsets it claims', () => {
  it('keeps a mention whose text is exactly at its offsets', () => {
    const start = at('Acme Widgets, Inc.');
    const r = validateMentions(TEXT, [{ type: 'ORG', text: 'Acme Widgets, Inc.', start, end: start + 18, role: 'party', party: 'Defendant' }]);
    expect(r.mentions).toEqual([{ type: 'ORG', text: 'Acme Widgets, Inc.', start, end: start + 18, role: 'party', party: 'defendant' }]);
    expect(r.exact).toBe(1);
    expect(r.corrected).toBe(0);
  });

  it('moves a mention to the exact occurrence nearby when its offsets are a little off, the closest one', () => {
    const second = at('Jane Roe', 30);
    const r = validateMentions(TEXT, [{ type: 'PERSON', text: 'Jane Roe', start: second - 5, end: second + 3 }]);
    expect(r.mentions).toEqual([{ type: 'PERSON', text: 'Jane Roe', start: second, end: second + 8 }]);
    expect(TEXT.slice(r.mentions[0].start, r.mentions[0].end)).toBe('Jane Roe');
    expect(r.corrected).toBe(1);
  });

  it('drops a mention whose text is nowhere near its offsets, and never puts it at 0', () => {
    const far = TEXT.length - 1;
    const r = validateMentions(TEXT, [
      { type: 'PERSON', text: 'Plaintiff', start: far, end: far + 9 },
      { type: 'PERSON', text: 'John Doe', start: 0, end: 8 },
    ]);
    expect(far - NEARBY_CHARS).toBeGreaterThan(9);
    expect(r.mentions).toEqual([]);
    expect(r.dropped.not_found).toBe(2);
  });

  it('drops mentions without usable offsets or with an unknown type, and blank ones', () => {
    const r = validateMentions(TEXT, [
      { type: 'PERSON', text: 'Ada Quill' },
      { type: 'PERSON', text: 'Ada Quill', start: '70', end: 79 },
      { type: 'CITATION', text: 'Jane Roe', start: 10, end: 18 },
      { type: 'JUDGE', text: 'Ada Quill', start: at('Ada Quill'), end: at('Ada Quill') + 9 },
      null,
      'Ada Quill',
      { type: 'DATE', text: '   ', start: 0, end: 3 },
    ]);
    expect(r.mentions).toEqual([]);
    expect(r.dropped).toEqual({ not_found: 0, invalid: 6, empty: 1, unkeyed: 0 });
  });

  it('drops a CASE reference that names no case (Id., supra, a short form): the grammar keys those', () => {
    const text = 'See Kern v. Dale, 512 F.3d 77 (2008). Id. at 80. Kern, supra, at 81. 512 F.3d at 82.';
    const m = (t: string) => ({ type: 'CASE', text: t, start: text.indexOf(t), end: text.indexOf(t) + t.length });
    const r = validateMentions(text, [m('Kern v. Dale'), m('512 F.3d 77'), m('Id. at 80'), m('supra, at 81'), m('512 F.3d at 82')]);
    expect(r.mentions.map((x) => x.text)).toEqual(['Kern v. Dale', '512 F.3d 77']);
    expect(r.dropped.unkeyed).toBe(3);
  });

  it('trims white space around the text and keeps the offsets of what is left', () => {
    const start = at(' Ada Quill ');
    const r = validateMentions(TEXT, [{ type: 'PERSON', text: ' Ada Quill ', start, end: start + 11, role: 'judge' }]);
    expect(r.mentions).toEqual([{ type: 'PERSON', text: 'Ada Quill', start: start + 1, end: start + 10, role: 'judge' }]);
  });

  it('counts a right start with a wrong end as corrected, and keeps roles only on PERSON and ORG', () => {
    const start = at('District Court');
    const r = validateMentions(TEXT, [{ type: 'COURT', text: 'District Court', start, end: start + 3, role: 'judge' }]);
    expect(r.mentions).toEqual([{ type: 'COURT', text: 'District Court', start, end: start + 14 }]);
    expect(r.corrected).toBe(1);
  });

  it('ignores an unknown role and a party side without the party role', () => {
    const start = at('Ada Quill');
    const r = validateMentions(TEXT, [{ type: 'PERSON', text: 'Ada Quill', start, end: start + 9, role: 'clerk', party: 'plaintiff' }]);
    expect(r.mentions).toEqual([{ type: 'PERSON', text: 'Ada Quill', start, end: start + 9 }]);
  });
});

describe('findNearby', () => {
  it('looks only within NEARBY_CHARS of the claimed start', () => {
    const text = `${'x'.repeat(200)}Needle${'y'.repeat(200)}`;
    expect(findNearby(text, 'Needle', 200 - NEARBY_CHARS)).toBe(200);
    expect(findNearby(text, 'Needle', 200 + NEARBY_CHARS)).toBe(200);
    expect(findNearby(text, 'Needle', 200 - NEARBY_CHARS - 1)).toBe(-1);
    expect(findNearby(text, 'Needle', 200 + NEARBY_CHARS + 1)).toBe(-1);
  });
});

describe('parseAnswer', () => {
  it('reads the mentions of a JSON object, also inside a code fence', () => {
    expect(parseAnswer('{"mentions":[{"type":"DATE"}]}')).toEqual([{ type: 'DATE' }]);
    expect(parseAnswer('```json\n{"mentions": []}\n```')).toEqual([]);
  });

  it('refuses prose, truncated JSON and objects without a mentions array', () => {
    expect(() => parseAnswer('Here are the entities: Jane Roe')).toThrow(MalformedAnswerError);
    expect(() => parseAnswer('{"mentions": [{"type": "PERSON", "te')).toThrow(MalformedAnswerError);
    expect(() => parseAnswer('{"entities": []}')).toThrow(/no "mentions" array/);
  });
});
