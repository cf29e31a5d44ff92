import type { EntityType } from '@casegraph/contracts';
import type { ExtractedMention } from './entity-extractor';

/** Final words that keep their period: "Inc.", "Corp.", "U.S.", "Jr.". */
const KEEP_PERIOD = /(?:\b(?:Inc|Corp|Co|Ltd|Bros|Jr|Sr|Esq|Dr|Mr|Mrs|Ms|St|Cir|Supp|App|Ct|No)|\b[A-Z](?:\.[A-Z])*)$/;

/**
 * Trims white space and surrounding punctuation from [start, end) and returns the
 * new span, or undefined when nothing is left. A final period is kept after an
 * abbreviation ("Acme Holdings, Inc.").
 */
export function trimSpan(text: string, start: number, end: number): { start: number; end: number } | undefined {
  for (;;) {
    const before = [start, end];
    while (start < end && /[\s"'“”‘’([{<,;:]/.test(text[start])) start++;
    while (end > start && /[\s"'“”‘’)\]}>,;:!?]/.test(text[end - 1])) {
      // Keep a closing bracket that closes one inside the span: "1983(a)", ".../Erie_(disambiguation)".
      const c = text[end - 1];
      const open = c === ')' ? '(' : c === ']' ? '[' : undefined;
      if (open) {
        const body = text.slice(start, end);
        const opens = body.split(open).length - 1;
        const closes = body.split(c).length - 1;
        if (closes <= opens) break;
      }
      end--;
    }
    if (end > start && text[end - 1] === '.' && !KEEP_PERIOD.test(text.slice(start, end - 1))) end--;
    if (before[0] === start && before[1] === end) break;
  }
  return end > start ? { start, end } : undefined;
}

export function mention(
  text: string,
  type: EntityType,
  start: number,
  end: number,
  confidence: number,
  method: string,
  trim = true,
): ExtractedMention | undefined {
  const span = trim ? trimSpan(text, start, end) : { start, end };
  if (!span) return undefined;
  return { type, text: text.slice(span.start, span.end), start: span.start, end: span.end, confidence, method };
}

/**
 * Keeps a set of non-overlapping mentions: higher priority first, then longer, then
 * earlier, then by type name (so the result does not depend on input order).
 */
export function resolveOverlaps(mentions: ExtractedMention[], priority: (m: ExtractedMention) => number): ExtractedMention[] {
  const ranked = [...mentions].sort(
    (a, b) =>
      priority(b) - priority(a) || b.end - b.start - (a.end - a.start) || a.start - b.start || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0),
  );
  const kept: ExtractedMention[] = [];
  // Kept spans sorted by start, for an O(log n) overlap test.
  const starts: number[] = [];
  const ends: number[] = [];
  for (const m of ranked) {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] < m.start) lo = mid + 1;
      else hi = mid;
    }
    const overlapsPrev = lo > 0 && ends[lo - 1] > m.start;
    const overlapsNext = lo < starts.length && starts[lo] < m.end;
    if (overlapsPrev || overlapsNext) continue;
    starts.splice(lo, 0, m.start);
    ends.splice(lo, 0, m.end);
    kept.push(m);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Cuts a long text into segments of at most about `maxLength` characters at
 * paragraph breaks (else line breaks, else spaces), so an NLP library sees whole
 * sentences and the worker can yield between segments.
 */
export function segments(text: string, maxLength = 8000): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + maxLength);
    if (end < text.length) {
      const window = text.slice(start, end);
      const para = window.lastIndexOf('\n\n');
      const line = window.lastIndexOf('\n');
      const space = window.lastIndexOf(' ');
      const cut = para > maxLength / 4 ? para : line > maxLength / 4 ? line : space > maxLength / 4 ? space : -1;
      if (cut > 0) end = start + cut;
    }
    out.push({ start, end });
    start = end;
  }
  return out;
}

export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
