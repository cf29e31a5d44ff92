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
 * The edges a reader of the law (or of an e-mail's headers) asserts (everything but MENTIONED_IN and CO_OCCURS);
 * ranked above co-occurrence.
 */
export const TYPED_RELATIONSHIP_TYPES = [
  'CITES',
  'PARTY_TO',
  'ADVERSE_TO',
  'REPRESENTS',
  'JUDGE_OF',
  'DECIDED_BY',
  'SENT',
  'RECEIVED',
  'IN_REPLY_TO',
  'HAS_ADDRESS',
] as const;
export type TypedRelationshipType = (typeof TYPED_RELATIONSHIP_TYPES)[number];

/**
 * Edge types in relationship_staging, with their direction (source -> target). Every end is a canonical
 * entity of the project except where a document is named (its document UUID):
 * - MENTIONED_IN: entity -> document. Weight: the entity's mentions in the document.
 * - CO_OCCURS: entity <-> entity in one sentence, stored once with source < target. DATE, MONEY, URL, EMAIL and
 *   PHONE co-occur only with PERSON, ORG and CASE (CO_OCCURS_ANCHOR_TYPES).
 * - CITES: document -> CASE or STATUTE it cites. properties: pins, signals, count (mentions of every form:
 *   full, short, Id., supra).
 * - PARTY_TO: PERSON or ORG -> the CASE of the document's caption. properties.roles: PARTY_ROLES.
 * - ADVERSE_TO: party <-> party on opposite sides of one caption, stored once with source < target.
 * - REPRESENTS: counsel (PERSON) or law firm / government office (ORG) -> the party they appear for.
 * - JUDGE_OF: judge (PERSON) -> the CASE of the caption. properties.roles: JUDGE_ROLES.
 * - DECIDED_BY: the CASE of the caption -> its COURT.
 * - SENT: the sender of an e-mail (its PERSON, or its EMAIL when the From entry has no display name) -> the e-mail
 *   document.
 * - RECEIVED: the e-mail document -> each recipient (PERSON, or EMAIL without a display name); one edge per
 *   recipient, properties.roles: EMAIL_RECIPIENT_ROLES (to, cc, bcc) of every entry that names it.
 * - IN_REPLY_TO: the reply document -> the document it answers, in the same project, by Message-ID (In-Reply-To,
 *   else the newest References id that names a document of the project).
 * - HAS_ADDRESS: PERSON -> EMAIL of one header entry ("Jane Doe <jane@example.com>").
 */
export const RELATIONSHIP_TYPES = ['MENTIONED_IN', 'CO_OCCURS', ...TYPED_RELATIONSHIP_TYPES] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

/** Undirected edge types: stored once with source < target (by UUID), read either way. */
export const UNDIRECTED_RELATIONSHIP_TYPES: readonly RelationshipType[] = ['CO_OCCURS', 'ADVERSE_TO'];

/**
 * Edge types whose source is a document UUID (CITES, RECEIVED, IN_REPLY_TO) or whose target is one (MENTIONED_IN,
 * SENT, IN_REPLY_TO). IN_REPLY_TO is both: document -> document.
 */
export const DOCUMENT_SOURCE_RELATIONSHIPS: readonly RelationshipType[] = ['CITES', 'RECEIVED', 'IN_REPLY_TO'];
export const DOCUMENT_TARGET_RELATIONSHIPS: readonly RelationshipType[] = ['MENTIONED_IN', 'SENT', 'IN_REPLY_TO'];

/** The e-mail header fields whose entries become mentions (entity_mentions.attributes.emailField). */
export const EMAIL_HEADER_FIELDS = ['from', 'to', 'cc', 'bcc', 'reply-to'] as const;
export type EmailHeaderField = (typeof EMAIL_HEADER_FIELDS)[number];
/** RECEIVED roles (properties.roles): the recipient fields. */
export const EMAIL_RECIPIENT_ROLES = ['to', 'cc', 'bcc'] as const;
export type EmailRecipientRole = (typeof EMAIL_RECIPIENT_ROLES)[number];

export function isRelationshipType(value: unknown): value is RelationshipType {
  return typeof value === 'string' && (RELATIONSHIP_TYPES as readonly string[]).includes(value);
}

/** Types that co-occur with anything; the others (DATE, MONEY, URL, EMAIL, PHONE) only with these. */
export const CO_OCCURS_ANCHOR_TYPES: readonly EntityType[] = ['PERSON', 'ORG', 'CASE'];
/** Types that co-occur only with CO_OCCURS_ANCHOR_TYPES. */
export const CO_OCCURS_LEAF_TYPES: readonly EntityType[] = ['DATE', 'MONEY', 'URL', 'EMAIL', 'PHONE'];

/** PARTY_TO roles (properties.roles), as the caption states them. */
export const PARTY_ROLES = [
  'plaintiff',
  'defendant',
  'appellant',
  'appellee',
  'petitioner',
  'respondent',
  'intervenor',
  'amicus',
  'movant',
  'claimant',
  'debtor',
  'creditor',
  'relator',
  'third-party defendant',
  'cross-appellant',
  'cross-appellee',
] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

/** JUDGE_OF roles (properties.roles). */
export const JUDGE_ROLES = ['author', 'panel', 'dissent', 'concurrence'] as const;
export type JudgeRole = (typeof JUDGE_ROLES)[number];

/** One supporting occurrence of an edge: where in which document, and the words around it. */
export interface EdgeEvidence {
  documentUuid: string;
  /** 1-based page of the occurrence's start; null when the document has no page layout. */
  page: number | null;
  /** Code-point offsets [start, end) into the document's text (as entity_mentions stores them). */
  start: number;
  end: number;
  /** At most EVIDENCE_SNIPPET_CHARS characters around the occurrence, white space collapsed. */
  snippet: string;
}

/** Evidence kept per edge and document (relationship_contributions.evidence). */
export const MAX_EVIDENCE_PER_DOCUMENT = 5;
/** Evidence kept per aggregate edge (relationship_staging.evidence), across documents. */
export const MAX_EVIDENCE_PER_EDGE = 20;
export const EVIDENCE_SNIPPET_CHARS = 240;

/** Aliases an entity keeps at most (canonical_entities.aliases): resolution and curation both cut there. */
export const MAX_ALIASES = 100;

/** Curation actions (curation_actions.kind). */
export const CURATION_KINDS = ['merge', 'split', 'update', 'reject'] as const;
export type CurationKind = (typeof CURATION_KINDS)[number];
