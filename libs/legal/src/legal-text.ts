import { findCaseCitations } from './citations/case-citations';
import { addSignals } from './citations/signals';
import { findCourts } from './courts/courts';
import { findLegalPeople } from './people/people';
import { findStatutes } from './statutes/statutes';
import type { LegalMention } from './types';

/**
 * Everything the legal grammar finds in a text: case citations and names, statutes, courts, and the
 * persons and organisations legal text names with their roles; the document's own case (a CASE of kind
 * 'caption' per caption, on its "v." or "In re") and its court (attributes.caption); judges' roles
 * (attributes.judgeRole), parties' sides (attributes.side, caseKey), citations' signals (attributes.signal).
 * Mentions may overlap (a court inside a caption line, a party inside a case name); the caller keeps one per
 * character, citations and statutes first.
 */
export function findLegalMentions(text: string): LegalMention[] {
  const citations = findCaseCitations(text);
  const statutes = findStatutes(text);
  const courts = findCourts(text);
  const people = findLegalPeople(text, { courts, citations });
  // the document's own case (kind 'caption') comes with the parties; signals go on citations and statutes
  const all = [...citations, ...statutes, ...courts, ...people];
  addSignals(text, all);
  return all;
}

/**
 * What follows a case citation and belongs to it: pin cites (", 570", ", 570-71 n.3", ", at p. 945") and the
 * parenthetical of court and year ("(5th Cir. 2001)", "(1986)"). The mention's span stops at the page (the
 * citation's key), but no other mention may take these characters: "1986" there is the citation's year, not
 * a DATE, and "5th Cir." its court, not a COURT of the document. Returns [start, end) ranges, sorted.
 */
export function citationTails(text: string, mentions: readonly LegalMention[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of mentions) {
    if (m.type !== 'CASE' || m.attributes?.kind === 'name') continue;
    CITATION_TAIL.lastIndex = m.end;
    const t = CITATION_TAIL.exec(text);
    if (t && t[0].length) out.push([m.end, m.end + t[0].length]);
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** Pin cites (", 570-71 & n.3", ", 102 nn.3-4"), then an optional parenthetical that ends in a year (at most 80 characters, no nested parentheses). */
const CITATION_TAIL =
  /(?:,\s{0,4}(?:at\s+)?(?:pp?\.\s*)?\d{1,5}(?:\s*[-–]\s*\d{1,5})?(?:\s*(?:&\s*)?nn?\.\s*\d{1,3}(?:\s*[-–,&]\s*\d{1,3}){0,3})?){0,8}(?:\s{0,8}\([^()]{0,80}?\b(?:1[6-9]|20)\d{2}\))?/y;
