import type { EntityExtractor, ExtractedMention } from './entity-extractor';
import type { GeneralEntityFinder } from './compromise.extractor';
import { matchPatterns } from './patterns';
import { resolveOverlaps, segments, yieldToEventLoop } from './spans';

/** Legal and contact patterns are precise; they win any overlap, then the organisation/money patterns, then NLP. */
function priority(m: ExtractedMention): number {
  if (m.method.startsWith('pattern:') && m.type !== 'ORG' && m.type !== 'MONEY') return 3;
  if (m.method.startsWith('pattern:')) return 2;
  return 1;
}

/**
 * The offline extractor: an NLP finder for the general types (run per segment of
 * at most `segmentLength` characters, yielding to the event loop in between) plus
 * the tested patterns for the legal and contact types. Overlaps are resolved so
 * that every character belongs to at most one mention.
 */
export class CompositeExtractor implements EntityExtractor {
  constructor(
    readonly name: string,
    private readonly finder: GeneralEntityFinder | undefined,
    private readonly segmentLength = 8000,
  ) {}

  async extract(text: string): Promise<ExtractedMention[]> {
    const found: ExtractedMention[] = [];
    if (this.finder) {
      for (const seg of segments(text, this.segmentLength)) {
        for (const m of this.finder.find(text.slice(seg.start, seg.end))) {
          found.push({ ...m, start: m.start + seg.start, end: m.end + seg.start });
        }
        await yieldToEventLoop();
      }
    }
    found.push(...matchPatterns(text));
    return resolveOverlaps(found, priority);
  }
}
