import type { EntityType } from '@casegraph/contracts';
import { US_STATES } from '@casegraph/legal';

// The key itself (what normalized_key holds) is shared with the API's search: @casegraph/contracts.
export { basicNormalize, isoDate, normalizeEntity } from '@casegraph/contracts';

/** Types that may be matched fuzzily; the others (dates, numbers, addresses) match only exactly. */
export const FUZZY_TYPES: ReadonlySet<EntityType> = new Set<EntityType>(['PERSON', 'ORG', 'LOCATION', 'COURT']);

/**
 * Whether a key of `type` may be matched fuzzily. A judge's key (`judge <surname> <court>`, given by the
 * legal grammar) is exact: two judges of one court are never one person because their keys look alike;
 * so is a government's (GOVERNMENT_KEY).
 */
export function isFuzzyKey(type: EntityType, key: string): boolean {
  return FUZZY_TYPES.has(type) && !(type === 'PERSON' && key.startsWith('judge ')) && !(type === 'ORG' && GOVERNMENT_KEY.test(key));
}

/**
 * Keys the legal grammar gives governments ("United States of America" -> `united states`, `state of ohio`,
 * `people of the state of new york`, `commonwealth of virginia`): exact too. The most frequent party of federal
 * cases must never join "United States Steel Corporation" because every word of its key is in the company's.
 */
const GOVERNMENT_KEY =
  /^(?:united states|(?:the )?people(?: of the state of [a-z .]+)?|state of [a-z .]+|commonwealth of [a-z .]+|territory of [a-z .]+)$/;

/**
 * A display form of a mention: white space collapsed, a leading "the" dropped, and a trailing possessive dropped
 * ("Tennessee's", "Judge Smith's", "the Commission's"), except from a one-word organisation's name, where it is
 * usually the name ("Lowe's", "McDonald's").
 */
export function displayForm(text: string, type?: EntityType): string {
  const form = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^the\s+(?=\S+\s)/i, '');
  const stem = form.replace(/(?<=\p{L}{2})['’]s$/u, '');
  // "Lowe's" is a company's whole name; "the Commission's" and "Tennessee's" are possessives.
  const brand = type === 'ORG' && stem !== form && !/\s/.test(stem) && !STATE_NAMES.has(stem.toLowerCase());
  return brand ? form : stem;
}

const STATE_NAMES = new Set(US_STATES.map((s) => s.toLowerCase()));

/**
 * Order on display forms that picks a canonical name, "the most informative form":
 * mixed case beats ALL CAPS, then longer beats shorter, then code-point order.
 * Mirrored in SQL by the resolution upsert so the choice does not depend on the order
 * in which documents are processed.
 */
export function moreInformative(a: string, b: string): boolean {
  const mixedA = a !== a.toUpperCase();
  const mixedB = b !== b.toUpperCase();
  if (mixedA !== mixedB) return mixedA;
  const la = [...a].length;
  const lb = [...b].length;
  if (la !== lb) return la > lb;
  return a < b;
}
