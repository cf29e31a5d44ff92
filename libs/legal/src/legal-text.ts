import { findCaseCitations } from './citations/case-citations';
import { findCourts } from './courts/courts';
import { findLegalPeople } from './people/people';
import { findStatutes } from './statutes/statutes';
import type { LegalMention } from './types';

/**
 * Everything the legal grammar finds in a text: case citations and names, statutes, courts, and the
 * persons and organisations legal text names with their roles. Mentions may overlap (a court inside a
 * caption line, a party inside a case name); the caller keeps one per character, citations and statutes first.
 */
export function findLegalMentions(text: string): LegalMention[] {
  const citations = findCaseCitations(text);
  const statutes = findStatutes(text);
  const courts = findCourts(text);
  const people = findLegalPeople(text, { courts, citations });
  return [...citations, ...statutes, ...courts, ...people];
}
