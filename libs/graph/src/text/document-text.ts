import { PAGE_SEPARATOR, joinPages } from '@casegraph/contracts';

/** A document's full text and where each page lies in it. */
export interface DocumentText {
  text: string;
  /** One entry per page, in order: [start, end) offsets into `text`; `part` as document_pages.part (absent: a page). */
  pages: Array<{ pageNumber: number; start: number; end: number; part?: string | null }>;
}

/**
 * PostgreSQL text cannot hold NUL; OCR output sometimes does. Replaced by a space,
 * so every offset stays the same.
 */
export function sanitizeText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', ' ') : text;
}

/**
 * Joins pages exactly as the OCR worker does (`joinPages`) and records each page's
 * offsets, so chunk and mention offsets are offsets into raw_extracted_text.
 */
export function documentText(pages: Array<{ pageNumber: number; text: string; part?: string | null }>): DocumentText {
  const ordered = [...pages].sort((a, b) => a.pageNumber - b.pageNumber);
  const texts = ordered.map((p) => sanitizeText(p.text));
  const text = joinPages(texts);
  const ranges: DocumentText['pages'] = [];
  let at = 0;
  ordered.forEach((p, i) => {
    ranges.push({ pageNumber: p.pageNumber, start: at, end: at + texts[i].length, ...(p.part ? { part: p.part } : {}) });
    at += texts[i].length + PAGE_SEPARATOR.length;
  });
  return { text, pages: ranges };
}

/** Page numbers that the span [start, end) touches (a span on a separator belongs to no page). */
export function pageNumbersOf(doc: DocumentText, start: number, end: number): number[] {
  const out: number[] = [];
  // Pages are sorted by offset: binary search the first page that ends after `start`.
  let lo = 0;
  let hi = doc.pages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (doc.pages[mid].end <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < doc.pages.length && doc.pages[i].start < end; i++) {
    const p = doc.pages[i];
    if (p.end > p.start && p.end > start) out.push(p.pageNumber);
    else if (p.end === p.start && p.start >= start && p.start < end) out.push(p.pageNumber);
  }
  return out;
}

/**
 * JavaScript strings index UTF-16 code units; PostgreSQL's substr() counts code
 * points. Offsets written to the database are code points, so
 * `substr(raw_extracted_text, start_char + 1, end_char - start_char)` is the mention.
 * Returns the conversion for `text` (the identity when it has no astral characters).
 */
export function codePointOffsets(text: string): (utf16Index: number) => number {
  const pairs = surrogatePairs(text);
  if (!pairs.length) return (i) => i;
  // `countBelow(i - 1)` pairs lie wholly before i (their low surrogate is at < i).
  return (i) => i - countBelow(pairs, i - 1);
}

/**
 * The inverse of codePointOffsets: a code-point offset (as stored) -> the UTF-16 index into `text`
 * (the identity when it has no astral characters).
 */
export function utf16Offsets(text: string): (codePoint: number) => number {
  // the pairs' code-point positions: the k-th pair (0-based) starts k code points before its UTF-16 index
  const pairs = surrogatePairs(text).map((at, k) => at - k);
  if (!pairs.length) return (cp) => cp;
  // every pair that starts before code point cp adds one UTF-16 unit
  return (cp) => cp + countBelow(pairs, cp);
}

/** UTF-16 indexes of the high surrogates of the text's surrogate pairs, ascending. */
function surrogatePairs(text: string): number[] {
  const pairs: number[] = [];
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pairs.push(i);
        i++;
      }
    }
  }
  return pairs;
}

/** How many of the ascending `values` are < `bound` (binary search). */
function countBelow(values: number[], bound: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
