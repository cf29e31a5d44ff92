import type { LegalMention } from '../types';

export interface Court {
  /** Stable id: `us.ca5`, `us.dist.nd-tex`, `nd.sup`, `us.bia` … */
  id: string;
  /** Full name: "United States Court of Appeals for the Fifth Circuit". */
  name: string;
  /** Citation form: "5th Cir.", "N.D. Tex.", "N.D." */
  citation: string;
  /** `US` or a state's postal code. */
  jurisdiction: string;
  level: 'supreme' | 'appellate' | 'trial' | 'bankruptcy' | 'specialised' | 'agency';
}

/** Court mentions in captions and text, normalised to the court table. Being written (issue 12). */
export function findCourts(text: string): LegalMention[] {
  void text;
  return [];
}

/** The court a name or citation form means ("5th Cir.", "FIFTH CIRCUIT", "U.S. Court of Appeals for the Fifth Circuit"). */
export function lookupCourt(text: string): Court | undefined {
  void text;
  return undefined;
}
