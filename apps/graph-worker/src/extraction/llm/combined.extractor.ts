import type { EntityType } from '@casegraph/contracts';
import type { EntityExtractor, ExtractedMention } from '../entity-extractor';
import { resolveOverlaps } from '../spans';

/** Types on which the rules are authoritative: a model mention overlapping a rules mention of one of them is dropped. */
export const RULES_WIN_TYPES: ReadonlySet<EntityType> = new Set<EntityType>([
  'CASE',
  'STATUTE',
  'COURT',
  'CASE_NUMBER',
  'CITATION',
  'EMAIL',
  'PHONE',
  'URL',
]);

export interface CombinationStats {
  /** Model mentions dropped because they overlap a rules mention of a RULES_WIN_TYPES type. */
  droppedForRules: number;
  /** Model mentions dropped because they overlap another rules mention (rules priority). */
  droppedForOverlap: number;
}

/**
 * The rules' mentions and the model's in one non-overlapping list: a model mention that overlaps a rules
 * mention of a citation-like or contact type (RULES_WIN_TYPES) is dropped; otherwise the two are united with
 * the rules first, so a model mention survives only where the rules found nothing. `rules` must already be
 * non-overlapping (an EntityExtractor's output is).
 */
export function combineMentions(rules: ExtractedMention[], model: ExtractedMention[], stats?: CombinationStats): ExtractedMention[] {
  const byStart = [...rules].sort((a, b) => a.start - b.start);
  const overlapping = (m: ExtractedMention): ExtractedMention[] => {
    // Rules mentions do not overlap each other, so their ends are sorted too: binary search the first that ends after m.start.
    let lo = 0;
    let hi = byStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byStart[mid].end <= m.start) lo = mid + 1;
      else hi = mid;
    }
    const out: ExtractedMention[] = [];
    for (let i = lo; i < byStart.length && byStart[i].start < m.end; i++) out.push(byStart[i]);
    return out;
  };
  const kept: ExtractedMention[] = [];
  for (const m of model) {
    const hits = overlapping(m);
    if (hits.some((r) => RULES_WIN_TYPES.has(r.type))) {
      if (stats) stats.droppedForRules++;
    } else if (hits.length) {
      if (stats) stats.droppedForOverlap++;
    } else {
      kept.push(m);
    }
  }
  // Model mentions were non-overlapping among themselves and now overlap no rules mention: this only sorts.
  return resolveOverlaps([...rules, ...kept], (m) => (m.method.startsWith('llm:') ? 0 : 1));
}

/**
 * ENTITY_EXTRACTOR=offline+llm: the offline extractor (rules and NLP) and the model-backed one on the same
 * text, at the same time, combined by combineMentions.
 */
export class CombinedExtractor implements EntityExtractor {
  constructor(
    readonly name: string,
    readonly rules: EntityExtractor,
    readonly model: EntityExtractor,
  ) {}

  async extract(text: string): Promise<ExtractedMention[]> {
    const [rules, model] = await Promise.all([this.rules.extract(text), this.model.extract(text)]);
    return combineMentions(rules, model);
  }

  async close(): Promise<void> {
    await (this.model as { close?: () => Promise<void> }).close?.();
  }
}
