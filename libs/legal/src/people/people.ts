import type { LegalMention } from '../types';
import type { LegalPeopleContext } from './context';
import { findCounsel } from './counsel';
import { findJudges } from './judges';
import { spacedPattern } from './names';
import { findParties } from './parties';

export type { LegalPeopleContext } from './context';

/**
 * Judges, the caption's parties with their roles (and the document's own case, kind 'caption'), counsel and firms
 * (attributes.forParty: the key of the party they appear for, when named), governments as ORG, defined short names.
 */
export function findLegalPeople(text: string, context: LegalPeopleContext): LegalMention[] {
  const parties = findParties(text, context);
  const counsel = findCounsel(text, context);
  linkCounsel(text, counsel, parties);
  return [...findJudges(text, context), ...parties, ...counsel];
}

const GOVERNMENT_FOR: Record<string, (key: string) => boolean> = {
  state: (k) => k === 'state' || k.startsWith('state of'),
  'united states': (k) => k === 'united states',
  government: (k) => k === 'united states',
  people: (k) => k.startsWith('people'),
  commonwealth: (k) => k.startsWith('commonwealth'),
};

const ROLE_WORDS =
  '(?:plaintiffs?|defendants?|appellants?|appellees?|petitioners?|respondents?|movants?|intervenors?|relators?|claimants?|debtors?|creditors?|cross-appellants?|cross-appellees?|applicants?)';

/**
 * attributes.forParty on counsel and firms: the key of the caption party they appear for, when the text names it —
 * a government by its role word ("for the State", "for the United States") when that government is a caption
 * party, or a caption party's name in the first "for …" after the counsel ("for Appellant Jane Roe", "Attorneys
 * for Acme Freight, LLC"). Otherwise absent (attributes.for, the role word, still says which side).
 */
export function linkCounsel(text: string, counsel: LegalMention[], parties: LegalMention[]): void {
  const caption = parties.filter((p) => p.role === 'party' && p.confidence >= 0.85);
  if (!caption.length) return;
  const names: Array<{ re: RegExp; key: string }> = [];
  const seen = new Set<string>();
  for (const p of caption) {
    const forms = [p.display ?? p.text];
    if (p.type === 'PERSON') {
      const tokens = (p.display ?? p.text).replace(/,?\s+(?:Jr\.|Sr\.|II|III|IV)$/, '').split(/\s+/);
      if (tokens.length > 1 && tokens[tokens.length - 1].length >= 3) forms.push(tokens[tokens.length - 1]);
    }
    for (const f of forms) {
      if (f.length < 3 || seen.has(f.toLowerCase())) continue;
      seen.add(f.toLowerCase());
      names.push({ re: new RegExp(`^${spacedPattern(f.replace(/[.,]+$/, ''))}(?![\\p{L}\\p{N}])`, 'iu'), key: p.key });
    }
  }
  names.sort((a, b) => b.re.source.length - a.re.source.length);
  for (const c of counsel) {
    if (c.role !== 'counsel' && c.role !== 'law_firm') continue;
    const role = c.attributes?.for;
    let key: string | undefined;
    if (typeof role === 'string' && GOVERNMENT_FOR[role]) key = caption.find((p) => p.attributes?.government && GOVERNMENT_FOR[role](p.key))?.key;
    if (!key) {
      const after = text.slice(c.end, c.end + 400);
      const f = new RegExp(`\\b(?:for|FOR)\\s+(?:the\\s+|THE\\s+)?(?:${ROLE_WORDS}(?:\\s*[-/]\\s*${ROLE_WORDS})*,?\\s+)?`, 'i').exec(after);
      if (f) {
        const rest = after.slice(f.index + f[0].length);
        key = names.find((n) => n.re.test(rest))?.key;
      }
    }
    if (key) c.attributes = { ...c.attributes, forParty: key };
  }
}
