import { EVIDENCE_SNIPPET_CHARS, type EdgeEvidence } from '@casegraph/contracts';
import { type DocumentText, pageNumbersOf, utf16Offsets } from '../text/document-text';
import type { Span } from '../text/sentences';

const collapse = (s: string) => s.replace(/\s+/g, ' ');

/**
 * At most `max` characters of `text` around [start, end) (UTF-16 indexes), white space collapsed: the occurrence
 * itself (cut when longer than `max`), then as much context either side as fits within `bounds` (its page), without
 * a cut word at the edges.
 */
export function snippetAround(
  text: string,
  start: number,
  end: number,
  max = EVIDENCE_SNIPPET_CHARS,
  bounds: { start: number; end: number } = { start: 0, end: text.length },
): string {
  const occurrence = collapse(text.slice(start, end));
  if (occurrence.length >= max) return occurrence.slice(0, max).trim();
  const budget = max - occurrence.length;
  const lo = Math.max(bounds.start, start - budget * 3);
  const hi = Math.min(Math.max(bounds.end, end), end + budget * 3);
  const leftAll = collapse(text.slice(Math.min(lo, start), start));
  const rightAll = collapse(text.slice(end, hi));
  let leftTake = Math.min(leftAll.length, Math.floor(budget / 2));
  const rightTake = Math.min(rightAll.length, budget - leftTake);
  leftTake = Math.min(leftAll.length, budget - rightTake);
  let left = leftAll.slice(leftAll.length - leftTake);
  let right = rightAll.slice(0, rightTake);
  // a word cut at the edge of the window is dropped (unless it is all there is)
  const leftCut = leftTake < leftAll.length || lo > bounds.start;
  if (leftCut && left.length && !/^\s/.test(left)) {
    const sp = left.indexOf(' ');
    if (sp >= 0) left = left.slice(sp + 1);
  }
  const rightCut = rightTake < rightAll.length || hi < bounds.end;
  if (rightCut && right.length && !/\s$/.test(right)) {
    const sp = right.lastIndexOf(' ');
    if (sp >= 0) right = right.slice(0, sp);
  }
  return collapse(left + occurrence + right).trim();
}

/**
 * Evidence of one contribution: per span (code-point offsets, as entity_mentions stores them) the page of its
 * start (null when the document's text has no page layout), the span and the words around it on that page.
 */
export function evidenceOf(
  doc: DocumentText,
  documentUuid: string,
  spans: Span[],
  toUtf16: (codePoint: number) => number = utf16Offsets(doc.text),
): EdgeEvidence[] {
  return spans.map((s) => {
    const from = Math.min(toUtf16(s.start), doc.text.length);
    const to = Math.min(Math.max(toUtf16(s.end), from), doc.text.length);
    const page = doc.pages.length ? (pageNumbersOf(doc, from, Math.max(to, from + 1))[0] ?? null) : null;
    const range = doc.pages.find((p) => p.pageNumber === page);
    const snippet = snippetAround(doc.text, from, to, EVIDENCE_SNIPPET_CHARS, range ?? { start: 0, end: doc.text.length });
    return { documentUuid, page, start: s.start, end: s.end, snippet };
  });
}
