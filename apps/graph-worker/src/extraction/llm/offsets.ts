import type { EntityType } from '@casegraph/contracts';
import { LLM_ENTITY_TYPES, LLM_ROLES } from './prompt';

/** A mention the model answered, validated against its chunk: `chunk.slice(start, end) === text`. */
export interface ChunkMention {
  type: EntityType;
  text: string;
  start: number;
  end: number;
  role?: string;
  party?: string;
}

/** `unkeyed`: a CASE reference ("Id.", "supra", "539 U.S. at 306") that names no case itself: only the grammar,
 * which reads the text before it, knows which case it is (keyed alone it would become one entity "id"). */
export type DropReason = 'not_found' | 'invalid' | 'empty' | 'unkeyed';

export interface ValidationResult {
  mentions: ChunkMention[];
  /** Kept at the offsets claimed. */
  exact: number;
  /** Kept at an exact occurrence of the text near the offsets claimed. */
  corrected: number;
  dropped: Record<DropReason, number>;
}

/** How far around the claimed offsets an exact occurrence of the text is looked for. */
export const NEARBY_CHARS = 64;

const TYPES = new Set<string>(LLM_ENTITY_TYPES);
/** "Id.", "Ibid.", "id. at 5", "supra", "Roe, supra, at 120", "539 U.S. at 306": a case reference with no key of its own. */
const CASE_REFERENCE = /^(?:id|ibid)\.?(?:\s|,|$)|\bsupra\b|^\d{1,4}\s+\S.{0,24}?\s+at\s+\d/i;
const ROLES = new Set<string>(LLM_ROLES);

/** The answer is not the JSON object the prompt asks for. */
export class MalformedAnswerError extends Error {}

/**
 * The `mentions` array of a model's answer: JSON, possibly inside a ```json fence (json_object mode on some
 * servers). Throws MalformedAnswerError when there is no such object.
 */
export function parseAnswer(content: string): unknown[] {
  let body = content.trim();
  const fence = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(body);
  if (fence) body = fence[1];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new MalformedAnswerError(`the answer is not JSON (${(err as Error).message}): ${JSON.stringify(content.slice(0, 120))}`);
  }
  const mentions = (parsed as { mentions?: unknown } | null)?.mentions;
  if (!Array.isArray(mentions)) throw new MalformedAnswerError(`the answer has no "mentions" array: ${JSON.stringify(content.slice(0, 120))}`);
  return mentions;
}

/** The occurrence of `needle` in `chunk` within NEARBY_CHARS of `start`, closest first; -1 when there is none. */
export function findNearby(chunk: string, needle: string, start: number): number {
  const from = Math.max(0, start - NEARBY_CHARS);
  const to = Math.min(chunk.length, start + needle.length + NEARBY_CHARS);
  let best = -1;
  for (let i = chunk.indexOf(needle, from); i !== -1 && i + needle.length <= to; i = chunk.indexOf(needle, i + 1)) {
    if (best === -1 || Math.abs(i - start) < Math.abs(best - start)) best = i;
  }
  return best;
}

const isOffset = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n);

/**
 * Keeps the mentions whose text is in the chunk at the offsets they claim, or at an exact occurrence within
 * NEARBY_CHARS of them; the others are dropped and counted. An offset is never invented: a mention with no
 * usable offsets is dropped (the old system set them to 0). Surrounding white space is trimmed off the text.
 */
export function validateMentions(chunk: string, raw: unknown[]): ValidationResult {
  const out: ValidationResult = { mentions: [], exact: 0, corrected: 0, dropped: { not_found: 0, invalid: 0, empty: 0, unkeyed: 0 } };
  for (const item of raw) {
    const m = item as Record<string, unknown> | null;
    if (!m || typeof m !== 'object' || typeof m.type !== 'string' || !TYPES.has(m.type) || typeof m.text !== 'string') {
      out.dropped.invalid++;
      continue;
    }
    const lead = m.text.length - m.text.trimStart().length;
    const text = m.text.trim();
    if (!text) {
      out.dropped.empty++;
      continue;
    }
    if (!isOffset(m.start)) {
      out.dropped.invalid++;
      continue;
    }
    if (m.type === 'CASE' && CASE_REFERENCE.test(text)) {
      out.dropped.unkeyed++;
      continue;
    }
    const claimed = m.start + lead;
    const end = isOffset(m.end) ? m.end : m.start + m.text.length;
    let start: number;
    if (end - m.start === m.text.length && chunk.slice(m.start, end) === m.text) {
      start = claimed;
      out.exact++;
    } else {
      start = findNearby(chunk, text, claimed);
      if (start === -1) {
        out.dropped.not_found++;
        continue;
      }
      out.corrected++;
    }
    const mention: ChunkMention = { type: m.type as EntityType, text, start, end: start + text.length };
    if ((m.type === 'PERSON' || m.type === 'ORG') && typeof m.role === 'string' && ROLES.has(m.role)) {
      mention.role = m.role;
      if (m.role === 'party' && typeof m.party === 'string' && m.party.trim()) mention.party = m.party.trim().toLowerCase();
    }
    out.mentions.push(mention);
  }
  return out;
}
