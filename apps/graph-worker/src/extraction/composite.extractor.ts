import { type LegalMention, citationTails, findLegalMentions } from '@casegraph/legal';
import type { EntityExtractor, ExtractedMention } from './entity-extractor';
import type { GeneralEntityFinder } from './compromise.extractor';
import { matchPatterns } from './patterns';
import { resolveOverlaps, segments, yieldToEventLoop } from './spans';

/**
 * Who wins an overlap, highest first: the legal grammar's citations and statutes (a citation's text is never
 * also a DATE, PERSON or LOCATION), then its courts, judges, parties and counsel (a party inside a cited case
 * name belongs to the CASE), then the contact and docket patterns, then the organisation/money patterns, then NLP.
 */
function priority(m: ExtractedMention): number {
  if (m.method.startsWith('legal:')) return m.type === 'CASE' || m.type === 'STATUTE' ? 6 : 5;
  if (m.method.startsWith('pattern:') && m.type !== 'ORG' && m.type !== 'MONEY') return 3;
  if (m.method.startsWith('pattern:')) return 2;
  return 1;
}

/** A LegalMention as the worker's mention (the legal library knows no CaseGraph types; its type names are a subset). */
export function fromLegal(m: LegalMention): ExtractedMention {
  const out: ExtractedMention = { type: m.type, text: m.text, start: m.start, end: m.end, confidence: m.confidence, method: m.method, key: m.key };
  if (m.display !== undefined && m.display !== m.text) out.display = m.display;
  if (m.role !== undefined) out.role = m.role;
  if (m.attributes !== undefined) out.attributes = m.attributes;
  return out;
}

/**
 * The offline extractor: the legal grammar (@casegraph/legal: cases, statutes, courts, judges, parties,
 * counsel), the tested patterns for the contact and docket types, and an NLP finder for the general types
 * (run per segment of at most `segmentLength` characters, yielding to the event loop in between). Overlaps
 * are resolved so that every character belongs to at most one mention.
 */
export class CompositeExtractor implements EntityExtractor {
  constructor(
    readonly name: string,
    private readonly finder: GeneralEntityFinder | undefined,
    private readonly segmentLength = 8000,
  ) {}

  async extract(text: string): Promise<ExtractedMention[]> {
    // The grammar and the patterns first. A citation's pin cites and parenthetical belong to it (its year is
    // not a DATE, its "5th Cir." not a COURT): nothing else may take them. Every NLP mention overlapping one
    // of these spans would lose, so the finder is told which spans are taken and may skip the sentences that
    // could only hold such mentions.
    const legal = findLegalMentions(text);
    const tails = mergeSpans(citationTails(text, legal));
    const outsideTails = (m: ExtractedMention) => m.type === 'CASE' || m.type === 'STATUTE' || !overlapsAny(tails, m.start, m.end);
    const rules = resolveOverlaps([...legal.map(fromLegal), ...matchPatterns(text)].filter(outsideTails), priority);
    if (!this.finder) return rules;
    const taken = mergeSpans([...rules.map((m): [number, number] => [m.start, m.end]), ...tails]);
    const found = [...rules];
    let r = 0;
    for (const seg of segments(text, this.segmentLength)) {
      while (r < taken.length && taken[r][1] <= seg.start) r++;
      const inSegment: Array<[number, number]> = [];
      for (let i = r; i < taken.length && taken[i][0] < seg.end; i++) {
        inSegment.push([Math.max(taken[i][0], seg.start) - seg.start, Math.min(taken[i][1], seg.end) - seg.start]);
      }
      for (const m of this.finder.find(text.slice(seg.start, seg.end), inSegment)) {
        const abs = { ...m, start: m.start + seg.start, end: m.end + seg.start };
        if (outsideTails(abs)) found.push(abs);
      }
      await yieldToEventLoop();
    }
    return resolveOverlaps(found, priority);
  }
}

/** Sorted, non-overlapping union of [start, end) spans. */
function mergeSpans(spans: Array<[number, number]>): Array<[number, number]> {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** Whether [start, end) overlaps one of the sorted spans. */
function overlapsAny(spans: ReadonlyArray<readonly [number, number]>, start: number, end: number): boolean {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid][1] <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < spans.length && spans[lo][0] < end;
}
