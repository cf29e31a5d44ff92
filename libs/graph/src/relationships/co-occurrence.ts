import { CO_OCCURS_ANCHOR_TYPES, CO_OCCURS_LEAF_TYPES, MAX_EVIDENCE_PER_DOCUMENT } from '@casegraph/contracts';
import type { Span } from '../text/sentences';

export interface ResolvedMention {
  canonicalUuid: string;
  /** The mention's entity type; a pair of a leaf type with a non-anchor type is not formed (see canCoOccur). */
  entityType?: string;
  /** null: unknown (an old row); such a mention counts for MENTIONED_IN but is in no sentence. */
  start: number | null;
  end: number | null;
  chunkUuid: string | null;
}

type PlacedMention = ResolvedMention & { start: number; end: number };
const placed = (m: ResolvedMention): m is PlacedMention => m.start !== null && m.end !== null;

export interface EdgeContribution {
  source: string;
  target: string;
  type: 'MENTIONED_IN' | 'CO_OCCURS';
  weight: number;
  /** Chunk ids of the supporting occurrences (sorted, at most maxEvidence). */
  evidence: string[];
  /** The first supporting occurrences in document order (at most maxOccurrences): a mention, or the two mentions of a pair. */
  occurrences: Span[];
}

export interface CoOccurrenceOptions {
  /** Most distinct entities taken from one sentence (in order of appearance); bounds pairs per sentence. */
  maxEntitiesPerWindow: number;
  /** Most evidence chunk ids kept per edge and document. */
  maxEvidence: number;
  /** Most occurrences kept per edge and document (MAX_EVIDENCE_PER_DOCUMENT). */
  maxOccurrences?: number;
}

export const DEFAULT_CO_OCCURRENCE: CoOccurrenceOptions = { maxEntitiesPerWindow: 20, maxEvidence: 20, maxOccurrences: MAX_EVIDENCE_PER_DOCUMENT };

const ANCHORS = new Set<string>(CO_OCCURS_ANCHOR_TYPES);
const LEAVES = new Set<string>(CO_OCCURS_LEAF_TYPES);

/**
 * Whether two entity types may form a CO_OCCURS pair: a leaf type (DATE, MONEY, URL, EMAIL, PHONE) pairs only
 * with an anchor type (PERSON, ORG, CASE). An unknown type (undefined) is neither.
 */
export function canCoOccur(a: string | undefined, b: string | undefined): boolean {
  if (a !== undefined && LEAVES.has(a) && !(b !== undefined && ANCHORS.has(b))) return false;
  if (b !== undefined && LEAVES.has(b) && !(a !== undefined && ANCHORS.has(a))) return false;
  return true;
}

/**
 * A document's contribution to the project graph:
 * - MENTIONED_IN entity -> document, weight = the entity's mentions in the document,
 *   evidence = the chunks they are in, occurrences = its first mentions;
 * - CO_OCCURS between two different entities that are mentioned in the same sentence,
 *   weight = the number of sentences in which both appear, evidence = the chunks of
 *   those sentences, occurrences = the pair's first mentions in its first sentences.
 *   Stored once per pair with source < target; no pair of a leaf type with a non-anchor type (canCoOccur).
 * Pairs are formed per sentence, never across the whole document, so the edge count
 * grows with the number of sentences, not quadratically with the document's entities.
 * A mention whose offsets are unknown (NULL) is in no sentence: it adds to MENTIONED_IN only.
 */
export function documentContributions(
  documentUuid: string,
  mentions: ResolvedMention[],
  sentences: Span[],
  options: CoOccurrenceOptions = DEFAULT_CO_OCCURRENCE,
): EdgeContribution[] {
  const maxOccurrences = options.maxOccurrences ?? MAX_EVIDENCE_PER_DOCUMENT;
  const sorted = mentions.filter(placed).sort((a, b) => a.start - b.start || a.end - b.end);
  const mentionedIn = new Map<string, { weight: number; evidence: Set<string>; occurrences: Span[] }>();
  // Placed mentions in document order, then the unplaced ones in the order given (evidence is capped).
  for (const m of [...sorted, ...mentions.filter((x) => !placed(x))]) {
    const e = mentionedIn.get(m.canonicalUuid) ?? { weight: 0, evidence: new Set<string>(), occurrences: [] };
    e.weight++;
    if (m.chunkUuid && e.evidence.size < options.maxEvidence) e.evidence.add(m.chunkUuid);
    if (placed(m) && e.occurrences.length < maxOccurrences) e.occurrences.push({ start: m.start, end: m.end });
    mentionedIn.set(m.canonicalUuid, e);
  }

  const pairs = new Map<string, { source: string; target: string; weight: number; evidence: Set<string>; occurrences: Span[] }>();
  let i = 0;
  for (const s of sentences) {
    while (i < sorted.length && sorted[i].start < s.start) i++;
    const inSentence = new Map<string, PlacedMention>();
    for (let j = i; j < sorted.length && sorted[j].start < s.end; j++) {
      const m = sorted[j];
      if (!inSentence.has(m.canonicalUuid) && inSentence.size < options.maxEntitiesPerWindow) inSentence.set(m.canonicalUuid, m);
    }
    const ids = [...inSentence.keys()].sort();
    for (let a = 0; a < ids.length; a++) {
      for (let b = a + 1; b < ids.length; b++) {
        const ma = inSentence.get(ids[a])!;
        const mb = inSentence.get(ids[b])!;
        if (!canCoOccur(ma.entityType, mb.entityType)) continue;
        const key = `${ids[a]}|${ids[b]}`;
        const p = pairs.get(key) ?? { source: ids[a], target: ids[b], weight: 0, evidence: new Set<string>(), occurrences: [] };
        p.weight++;
        const chunk = ma.chunkUuid ?? mb.chunkUuid;
        if (chunk && p.evidence.size < options.maxEvidence) p.evidence.add(chunk);
        if (p.occurrences.length < maxOccurrences) p.occurrences.push({ start: Math.min(ma.start, mb.start), end: Math.max(ma.end, mb.end) });
        pairs.set(key, p);
      }
    }
  }

  const out: EdgeContribution[] = [];
  for (const [entity, e] of mentionedIn) {
    out.push({
      source: entity,
      target: documentUuid,
      type: 'MENTIONED_IN',
      weight: e.weight,
      evidence: [...e.evidence].sort(),
      occurrences: e.occurrences,
    });
  }
  for (const p of pairs.values()) {
    out.push({
      source: p.source,
      target: p.target,
      type: 'CO_OCCURS',
      weight: p.weight,
      evidence: [...p.evidence].sort(),
      occurrences: p.occurrences,
    });
  }
  return out.sort((a, b) => cmp(a.type, b.type) || cmp(a.source, b.source) || cmp(a.target, b.target));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
