import { LayoutItem, assessTextLayer, cleanText, layoutPageText } from './text-layout';

const item = (str: string, x: number, y: number, opts: Partial<LayoutItem> = {}): LayoutItem => ({
  str,
  x,
  y,
  width: str.length * 6,
  height: 10,
  hasEOL: false,
  ...opts,
});

describe('layoutPageText', () => {
  it('keeps line breaks from hasEOL and from baseline changes', () => {
    const text = layoutPageText([
      item('First line', 72, 700, { hasEOL: true }),
      item('Second', 72, 689),
      item('line', 120, 689),
      item('Third', 72, 678),
    ]);
    expect(text).toBe('First line\nSecond line\nThird');
  });

  it('inserts a space only for a real gap and never doubles one', () => {
    expect(layoutPageText([item('ab', 0, 100), item('cd', 12, 100)])).toBe('abcd');
    expect(layoutPageText([item('ab', 0, 100), item('cd', 20, 100)])).toBe('ab cd');
    expect(layoutPageText([item('ab ', 0, 100), item('cd', 30, 100)])).toBe('ab cd');
  });

  it('keeps content-stream order (columns stay together) rather than sorting by position', () => {
    const text = layoutPageText([
      item('Left one', 72, 700, { hasEOL: true }),
      item('Left two', 72, 689, { hasEOL: true }),
      item('Right one', 320, 700, { hasEOL: true }),
      item('Right two', 320, 689),
    ]);
    expect(text.split('\n').filter(Boolean)).toEqual(['Left one', 'Left two', 'Right one', 'Right two']);
  });

  it('turns a tall vertical gap into an empty line (paragraph) and trims the page', () => {
    const text = layoutPageText([
      item('', 0, 0, { hasEOL: true }),
      item('Para one', 72, 700, { hasEOL: true }),
      item('Para two', 72, 667, { hasEOL: true }),
      item('', 0, 0, { hasEOL: true }),
    ]);
    expect(text).toBe('Para one\n\nPara two');
  });

  it('treats a small superscript on the same baseline band as the same line', () => {
    expect(layoutPageText([item('E = mc', 72, 700), item('2', 108, 703, { height: 6 })])).toBe('E = mc2');
  });
});

describe('cleanText', () => {
  it('drops NUL, controls and form feeds but keeps tabs and newlines', () => {
    expect(cleanText('a\u0000b\u0007c\fd\te\r\nf')).toBe('abcd\te\nf');
  });
});

describe('assessTextLayer', () => {
  it('counts letters and digits and the share of junk', () => {
    expect(assessTextLayer('Hello 42!')).toEqual({ letters: 7, junkRatio: 0 });
    const junk = assessTextLayer('\ufffd\ufffd\ue000ab');
    expect(junk.letters).toBe(2);
    expect(junk.junkRatio).toBeCloseTo(0.6);
    expect(assessTextLayer('  \n ')).toEqual({ letters: 0, junkRatio: 0 });
  });
});
