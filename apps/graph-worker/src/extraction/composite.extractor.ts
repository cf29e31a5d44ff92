import { type LegalMention, findLegalMentions } from '@casegraph/legal';
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
    // The grammar and the patterns first: every NLP mention overlapping one of theirs would lose, so the
    // finder is told which spans are taken and may skip the sentences that could only hold such mentions.
    const rules = resolveOverlaps([...findLegalMentions(text).map(fromLegal), ...matchPatterns(text)], priority);
    if (!this.finder) return rules;
    const found = [...rules];
    let r = 0;
    for (const seg of segments(text, this.segmentLength)) {
      while (r < rules.length && rules[r].end <= seg.start) r++;
      const taken: Array<[number, number]> = [];
      for (let i = r; i < rules.length && rules[i].start < seg.end; i++) {
        taken.push([Math.max(rules[i].start, seg.start) - seg.start, Math.min(rules[i].end, seg.end) - seg.start]);
      }
      for (const m of this.finder.find(text.slice(seg.start, seg.end), taken)) {
        found.push({ ...m, start: m.start + seg.start, end: m.end + seg.start });
      }
      await yieldToEventLoop();
    }
    return resolveOverlaps(found, priority);
  }
}
