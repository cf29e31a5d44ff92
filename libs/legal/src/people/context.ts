import type { LegalMention } from '../types';

export interface LegalPeopleContext {
  /** What findCourts found in the same text (the document's own court is the first in its caption). */
  courts: LegalMention[];
  /** What findCaseCitations found (names inside case names are parties of cited cases, not of this document). */
  citations: LegalMention[];
}
