import { PAGE_SEPARATOR } from '@casegraph/contracts';
import { pageOfOffset, sentenceAround } from './timeline-sentence';

const around = (text: string, date: string, radius?: number) => {
  const start = Array.from(text).length - Array.from(text.slice(text.indexOf(date))).length;
  const s = sentenceAround(text, start, start + Array.from(date).length, radius);
  return { ...s, marked: s.text.slice(s.highlight[0], s.highlight[1]) };
};

describe('sentenceAround', () => {
  it('cuts the sentence of the date, not its neighbours, and marks the date', () => {
    const r = around('The complaint was filed. On March 3, 2021 the court entered judgment. The appeal followed.', 'March 3, 2021');
    expect(r.text).toBe('On March 3, 2021 the court entered judgment.');
    expect(r.marked).toBe('March 3, 2021');
  });

  it('reads through abbreviations and initials of legal text (v., U.S., No., J.)', () => {
    const r = around(
      'See Roe v. Wade, 410 U.S. 113 (1973). Smith v. Jones, No. 21-cv-7, was argued by J. Doe on 2020-01-15 in Boston. Next.',
      '2020-01-15',
    );
    expect(r.text).toBe('Smith v. Jones, No. 21-cv-7, was argued by J. Doe on 2020-01-15 in Boston.');
    expect(r.marked).toBe('2020-01-15');
  });

  it('stops at a blank line (a page or paragraph break) and collapses white space', () => {
    const r = around('CAPTION\n\nFiled   on\n12 May 2019\nby counsel\n\nNext page', '12 May 2019');
    expect(r.text).toBe('Filed on 12 May 2019 by counsel');
    expect(r.marked).toBe('12 May 2019');
  });

  it('bounds a long sentence with ellipses on both sides', () => {
    const long = 'word '.repeat(100);
    const r = around(`${long}signed on 1 June 2001 ${long}end.`, '1 June 2001', 30);
    expect(r.text.startsWith('…')).toBe(true);
    expect(r.text.endsWith('…')).toBe(true);
    expect(r.text.length).toBeLessThan(80);
    expect(r.marked).toBe('1 June 2001');
  });

  it('keeps UTF-16 highlight offsets right after astral characters (code-point input offsets)', () => {
    const r = around('Emoji 😀😀 note dated 2022-02-02 here.', '2022-02-02');
    expect(r.marked).toBe('2022-02-02');
  });

  it('shows hostile text as it is (the caller renders it as text)', () => {
    const r = around('<img src=x onerror=alert(1)> on 2023-04-05.', '2023-04-05');
    expect(r.text).toBe('<img src=x onerror=alert(1)> on 2023-04-05.');
  });
});

describe('pageOfOffset', () => {
  it('finds the page of an offset in pages joined by PAGE_SEPARATOR', () => {
    const pages = ['aaaa', 'bb', 'ccc'];
    const text = pages.join(PAGE_SEPARATOR);
    const lengths = pages.map((p, i) => ({ pageNumber: i + 1, length: p.length }));
    expect(pageOfOffset(lengths, text.indexOf('a'), PAGE_SEPARATOR.length)).toBe(1);
    expect(pageOfOffset(lengths, text.indexOf('b'), PAGE_SEPARATOR.length)).toBe(2);
    expect(pageOfOffset(lengths, text.indexOf('c') + 2, PAGE_SEPARATOR.length)).toBe(3);
    expect(pageOfOffset([], 3, 2)).toBeNull();
  });
});
