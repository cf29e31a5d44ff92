/**
 * What the legal grammar finds in a text. Every finder in this library is a pure function of
 * the text (no I/O, no state between calls) and returns spans as UTF-16 offsets [start, end)
 * into the text it was given, with text === input.slice(start, end).
 *
 * The graph worker turns these into entity mentions: `type` is one of CaseGraph's entity types
 * (kept as strings here so that this library depends on nothing), `key` is the entity's
 * normalised key (two mentions with one key and type are one entity of a project), `display`
 * the name a person should see for it, `role` and `attributes` what the text states about it.
 */
export type LegalEntityType = 'CASE' | 'STATUTE' | 'COURT' | 'PERSON' | 'ORG' | 'CASE_NUMBER';

/** Roles the text states for persons and organisations. */
export type LegalRole = 'judge' | 'party' | 'counsel' | 'law_firm';

/** The side a party is on, as the caption states it. */
export type PartyRole =
  | 'plaintiff'
  | 'defendant'
  | 'appellant'
  | 'appellee'
  | 'petitioner'
  | 'respondent'
  | 'movant'
  | 'intervenor'
  | 'claimant'
  | 'debtor'
  | 'creditor'
  | 'relator'
  | 'third-party defendant'
  | 'cross-appellant'
  | 'cross-appellee';

export type AttributeValue = string | number | boolean | string[] | null;

export interface LegalMention {
  type: LegalEntityType;
  start: number;
  end: number;
  /** input.slice(start, end) */
  text: string;
  /** Normalised entity key (see keys in citations/, statutes/, courts/, people/). */
  key: string;
  /** The display name, when it differs from the text ("Bahr, Douglas Alan" -> "Douglas Alan Bahr"). */
  display?: string;
  role?: LegalRole;
  /** e.g. { kind: 'full' | 'short' | 'id' | 'supra' | 'name', reporter, volume, page, pin, court, year, party: 'appellant' } */
  attributes?: Record<string, AttributeValue>;
  /** 0..1 */
  confidence: number;
  /** `legal:citation`, `legal:statute`, `legal:court`, `legal:judge`, `legal:party`, `legal:counsel` … */
  method: string;
}
