import { utf16Offsets } from '@casegraph/graph';

/**
 * Where a document's pages lie in its joined text (pages joined with PAGE_SEPARATOR, as the OCR worker writes
 * raw_extracted_text and the graph worker counts mention offsets): [start, end) in code points, page order.
 */
export interface PageSpan {
  page: number;
  start: number;
  end: number;
}

/** The page whose text holds code point `at` (a position on a separator belongs to no page), or undefined. */
export function pageAt(pages: readonly PageSpan[], at: number): PageSpan | undefined {
  let lo = 0;
  let hi = pages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pages[mid].end <= at) lo = mid + 1;
    else hi = mid;
  }
  const p = pages[lo];
  return p && p.start <= at && at < p.end ? p : undefined;
}

export interface PlacedMention {
  page: number;
  /** UTF-16 indexes (JavaScript string indexes) into the page's text, [start, end). */
  start: number;
  end: number;
}

/**
 * A mention at document-absolute code-point offsets [start, end) as page-relative UTF-16 offsets into its page's
 * text: the page its start lies on, the end cut at that page's end (a span running over a page break is shown on
 * its first page). `pageText` (the page's text, when known) converts code points to UTF-16 indexes; without it the
 * two are taken as equal (true for text without characters beyond the Basic Multilingual Plane).
 */
export function placeMention(
  pages: readonly PageSpan[],
  start: number,
  end: number,
  pageText?: (page: number) => string | undefined,
): PlacedMention | null {
  if (!Number.isInteger(start) || !Number.isInteger(end) || end <= start) return null;
  const p = pageAt(pages, start);
  if (!p) return null;
  const a = start - p.start;
  const b = Math.min(end, p.end) - p.start;
  const text = pageText?.(p.page);
  if (text === undefined) return { page: p.page, start: a, end: b };
  const toUtf16 = utf16Offsets(text);
  return { page: p.page, start: toUtf16(a), end: toUtf16(b) };
}

/** Page spans from the pages' code-point lengths, in page order, joined by a separator of `separatorLength`. */
export function pageSpans(pages: ReadonlyArray<{ page: number; length: number }>, separatorLength: number): PageSpan[] {
  const out: PageSpan[] = [];
  let at = 0;
  for (const p of [...pages].sort((x, y) => x.page - y.page)) {
    out.push({ page: p.page, start: at, end: at + p.length });
    at += p.length + separatorLength;
  }
  return out;
}
