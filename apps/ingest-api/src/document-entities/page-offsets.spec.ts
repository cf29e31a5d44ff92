import { PAGE_SEPARATOR, joinPages } from '@casegraph/contracts';
import { codePointOffsets } from '@casegraph/graph';
import { pageAt, pageSpans, placeMention } from './page-offsets';

const spansOf = (pages: string[]) =>
  pageSpans(
    pages.map((t, i) => ({ page: i + 1, length: Array.from(t).length })),
    PAGE_SEPARATOR.length,
  );

describe('page offsets of mentions', () => {
  const pages = ['First page with Acme.', 'Second page: Jane Roe.', 'Third.'];
  const joined = joinPages(pages);
  const spans = spansOf(pages);

  it('lays the pages out as joinPages joins them', () => {
    for (const s of spans) expect(joined.slice(s.start, s.end)).toBe(pages[s.page - 1]);
  });

  it('maps a document offset to its page and page-relative offsets', () => {
    const at = joined.indexOf('Jane Roe');
    const placed = placeMention(spans, at, at + 'Jane Roe'.length);
    expect(placed).toEqual({ page: 2, start: pages[1].indexOf('Jane Roe'), end: pages[1].indexOf('Jane Roe') + 8 });
    expect(pages[1].slice(placed!.start, placed!.end)).toBe('Jane Roe');
  });

  it('puts nothing on a separator and cuts a span running over a page break at its first page', () => {
    const sep = spans[0].end;
    expect(pageAt(spans, sep)).toBeUndefined();
    expect(placeMention(spans, sep, sep + 3)).toBeNull();
    const start = joined.indexOf('Acme');
    expect(placeMention(spans, start, spans[1].start + 6)).toEqual({ page: 1, start: pages[0].indexOf('Acme'), end: pages[0].length });
  });

  it('refuses empty, reversed and out-of-range spans', () => {
    expect(placeMention(spans, 5, 5)).toBeNull();
    expect(placeMention(spans, 6, 5)).toBeNull();
    expect(placeMention(spans, joined.length + 10, joined.length + 12)).toBeNull();
    expect(placeMention([], 0, 1)).toBeNull();
  });

  it('turns code points into UTF-16 indexes on a page with characters beyond the BMP', () => {
    const astral = ['Intro 😀 page.', 'Signed 📎 by Jane Roe 😀 today.'];
    const text = joinPages(astral);
    const cp = codePointOffsets(text);
    const at = text.indexOf('Jane Roe');
    // The stored offsets are code points (as the graph worker writes them).
    const placed = placeMention(spansOf(astral), cp(at), cp(at + 8), (p) => astral[p - 1]);
    expect(astral[1].slice(placed!.start, placed!.end)).toBe('Jane Roe');
  });
});
