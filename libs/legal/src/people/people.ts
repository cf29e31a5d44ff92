import type { LegalMention } from '../types';
import type { LegalPeopleContext } from './context';
import { findCounsel } from './counsel';
import { findJudges } from './judges';
import { findParties } from './parties';

export type { LegalPeopleContext } from './context';

/** Judges, the caption's parties with their roles, counsel and firms, governments as ORG, defined short names. */
export function findLegalPeople(text: string, context: LegalPeopleContext): LegalMention[] {
  return [...findJudges(text, context), ...findParties(text, context), ...findCounsel(text, context)];
}
