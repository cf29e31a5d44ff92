/**
 * Entity types the graph worker extracts and the read API filters on.
 * - CASE: a case as one entity (its name, reporter citations, short forms, `Id.`, `supra`);
 * - STATUTE: constitutions, codes, session laws, regulations, court rules, sentencing guidelines;
 * - CITATION: what the extractor wrote for both before CASE and STATUTE existed; old rows keep it, and
 *   it stays filterable, but nothing new is written with it.
 */
export const ENTITY_TYPES = [
  'PERSON',
  'ORG',
  'LOCATION',
  'DATE',
  'MONEY',
  'CASE',
  'STATUTE',
  'CASE_NUMBER',
  'CITATION',
  'COURT',
  'EMAIL',
  'PHONE',
  'URL',
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** What the text says an entity is where it is mentioned (entity_mentions.role); NULL when nothing is stated. */
export const MENTION_ROLES = ['judge', 'party', 'counsel', 'law_firm'] as const;
export type MentionRole = (typeof MENTION_ROLES)[number];

export function isEntityType(value: unknown): value is EntityType {
  return typeof value === 'string' && (ENTITY_TYPES as readonly string[]).includes(value);
}

/**
 * Edge types in relationship_staging. MENTIONED_IN: canonical entity -> document
 * (target is a document UUID). CO_OCCURS: canonical entity <-> canonical entity,
 * stored once with source < target.
 */
export const RELATIONSHIP_TYPES = ['MENTIONED_IN', 'CO_OCCURS'] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];
