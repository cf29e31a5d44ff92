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

/** A case's name ("Teague v. Lane", "In re Estate of Smith") over its citation ("489 U.S. 288"), both over anything else ("Teague", "489 U.S. at 310", "Id. at 4"). */
const CASE_NAME = /\s(?:v|vs)\.?\s|^(?:in re|ex parte|matter of|in the matter of)\s/i;
/** Mirrored by CASE_NAME_RANK_SQL in the resolution upsert. */
export function caseNameRank(form: string): number {
  return CASE_NAME.test(form) ? 2 : /^[0-9]/.test(form) && !/\sat\s/.test(form) ? 1 : 0;
}
export const CASE_NAME_RANK_SQL = (a: string) =>
  `(CASE WHEN ${a} ~* '\\s(v|vs)\\.?\\s|^(in re|ex parte|matter of|in the matter of)\\s' THEN 2 WHEN ${a} ~ '^[0-9]' AND ${a} !~ '\\sat\\s' THEN 1 ELSE 0 END)`;

/** A short form that names nothing by itself ("Id.", "Ibid.", "Id. at 4"): not even an alias of its case. */
export const isBareIdForm = (form: string) => /^(?:id|ibid)\b/i.test(form);

/**
 * Order on display forms that picks a canonical name, "the most informative form":
 * for a CASE, its name beats its citation, which beats a short form (caseNameRank); then
 * mixed case beats ALL CAPS, then longer beats shorter, then code-point order.
 * Mirrored in SQL by the resolution upsert so the choice does not depend on the order
 * in which documents are processed.
 */
export function moreInformative(a: string, b: string, type?: EntityType): boolean {
  if (type === 'CASE') {
    const ra = caseNameRank(a);
    const rb = caseNameRank(b);
    if (ra !== rb) return ra > rb;
  }
  const mixedA = a !== a.toUpperCase();
  const mixedB = b !== b.toUpperCase();
  if (mixedA !== mixedB) return mixedA;
  const la = [...a].length;
  const lb = [...b].length;
  if (la !== lb) return la > lb;
  return a < b;
}
