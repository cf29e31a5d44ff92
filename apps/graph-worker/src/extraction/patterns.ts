import type { EntityType } from '@casegraph/contracts';
import { US_STATES } from '@casegraph/legal';
import type { ExtractedMention } from './entity-extractor';
import { mention } from './spans';

/**
 * Regular-expression patterns for dockets, courts the court table does not know, the contact types,
 * and organisation names that carry a legal-form or institution word. Citations, statutes, judges and
 * parties are the legal grammar's (@casegraph/legal). Each pattern is
 * unit-tested on realistic sentences (patterns.spec.ts).
 */
export interface EntityPattern {
  type: EntityType;
  method: string;
  confidence: number;
  /** Global regex. When it has a group named `m`, that group is the mention. */
  regex: RegExp;
  /** Optional veto on a match (e.g. a phone number that is really a date). */
  accept?: (match: string) => boolean;
  /** Trim surrounding punctuation from a match (default true; off where the regex is exact, e.g. "(212) 555-0123"). */
  trim?: boolean;
}

/** White space that does not cross a paragraph break (text is often line-wrapped). */
/** Written with \x20 (no literal space) so that `w()` can be applied to strings that already contain it. */
const WS = String.raw`(?:[\t\x20]*\n[\t\x20]*|[\t\x20]+)`;
const w = (s: string) => s.replace(/ /g, WS);

const STATES = [...US_STATES, 'Columbia', 'the District of Columbia', 'the Virgin Islands'];
const STATE = `(?:${STATES.map(w).join('|')})`;
const CAP_WORDS = (max: number) => `[A-Z][a-z]+(?:${WS}[A-Z][a-z]+){0,${max - 1}}`;
const ORDINAL_CIRCUIT = '(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Eleventh|Federal|D\\.C\\.|District of Columbia)';
const DIRECTION = '(?:Northern|Southern|Eastern|Western|Middle|Central)';
const US = '(?:United States|U\\.S\\.)';
const MONTH = String.raw`(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.)`;
/** Spaces, or a line break with at most one blank line after it (double-spaced text). */
const DATE_WS = String.raw`(?:[\t\x20]*\n(?:[\t\x20]*\n)?[\t\x20]*|[\t\x20]+)`;

/** Organisation words that end a name: "Free Software Foundation", "Acme Holdings, Inc.". */
const ORG_SUFFIX_WORDS = [
  'Foundation',
  'Corporation',
  'Incorporated',
  'Company',
  'Limited',
  'Association',
  'Society',
  'Institute',
  'University',
  'College',
  'Authority',
  'Commission',
  'Agency',
  'Bureau',
  'Council',
  'Committee',
  'Holdings',
  'Partners',
  'Partnership',
  'Organization',
  'Organisation',
  'Federation',
  'Consortium',
  'Trust',
  'Bank',
  'Group',
  'Fund',
  'Alliance',
  'Ministry',
  'Inc\\.',
  'Inc',
  'Corp\\.',
  'Co\\.',
  'Ltd\\.',
  'Ltd',
  'LLC',
  'L\\.L\\.C\\.',
  'LLP',
  'L\\.L\\.P\\.',
  'PLLC',
  'LP',
  'L\\.P\\.',
  'GmbH',
  'AG',
  'S\\.A\\.',
  'SA',
  'PLC',
  'plc',
  'N\\.V\\.',
  'B\\.V\\.',
  'P\\.C\\.',
  'S\\.p\\.A\\.',
  'Pty\\.? Ltd\\.?',
];
/** Words that start an organisation name followed by "of": "University of California". */
const ORG_PREFIX_WORDS = [
  'University',
  'Department',
  'Bank',
  'Board',
  'Office',
  'Ministry',
  'Commission',
  'Bureau',
  'Institute',
  'Council',
  'Regents',
  'Government',
  'State Bar',
  'Bar Association',
  'Church',
  'Republic',
  'Kingdom',
  'City',
  'County',
  'Port Authority',
];
/**
 * A word of a name. A period may follow only an initial or dotted acronym ("U.S.A.")
 * or a usual abbreviation, so a name never runs across a sentence end ("… in Boston. Wells Fargo …").
 */
const NAME_WORD = String.raw`(?:[A-Z](?:\.[A-Z])*\.(?![a-z])|(?:St|Mt|Ft|Bros|Co|Corp|Inc|Ltd|Intl|Natl|Assn|Dept|Univ)\.|[A-Z][A-Za-z0-9'’&-]*|&)`;
const CONNECTOR = `(?:of|and|for|the|de|du|von|van|&)`;
const NAME_RUN = `(?:${NAME_WORD}${WS}(?:${CONNECTOR}${WS}){0,2}){0,6}`;
const LEGAL_FORM = `(?:,?${WS}(?:Inc\\.?|Corp\\.?|Co\\.|Ltd\\.?|LLC|L\\.L\\.C\\.|LLP|L\\.L\\.P\\.|PLLC|L\\.P\\.|LP|GmbH|AG|S\\.A\\.|PLC|N\\.V\\.|B\\.V\\.|P\\.C\\.))`;
const ORG_SUFFIX = `(?:${ORG_SUFFIX_WORDS.join('|')})`;

export const PATTERNS: EntityPattern[] = [
  // ---- CASE_NUMBER -------------------------------------------------------
  {
    // Federal district docket: 1:23-cv-04567, 2:19-cr-00123-JAK-1
    type: 'CASE_NUMBER',
    method: 'pattern:case_number',
    trim: false,
    confidence: 0.97,
    regex: /(?<![\w:-])\d{1,2}:\d{2}-(?:cv|cr|mc|mj|md|bk|ap|po|sw|civ|crim|misc)-\d{2,6}(?:-[A-Z]{1,4}){0,3}(?:-\d{1,2})?(?![\w-])/gi,
  },
  {
    // "No. 21-1234", "Case No. 2023-CV-001234", "Index No. 654321/2020", "CIVIL NO. 18-5048", "NO.  4:21-CV-110-A",
    // "No. 13-11-00152-CV", "No. CV166711", "Case No. 2D15-1754", "No. 23-686V": a number after "No." with a separator in it,
    // or letters then five digits or more. Not "No. 42" (an exhibit or ECF number) nor "No. 5".
    type: 'CASE_NUMBER',
    method: 'pattern:case_number',
    trim: false,
    confidence: 0.9,
    regex:
      /\b(?:Nos?|NOS?)\.(?:[ \t]{0,12}|[ \t]*\n[ \t]*):?[ \t]{0,3}(?<m>(?!\d{1,3}\.\d{1,3}(?![-/:.\w]))(?=[A-Z0-9]{0,7}\d)[A-Z0-9]{1,8}(?:[-/:.][A-Za-z0-9]{1,7})+|[A-Z]{1,3}\d{5,9})(?![\w-])/g,
  },
  {
    // State style: 2023-CV-001234, 19-CR-2045
    type: 'CASE_NUMBER',
    method: 'pattern:case_number',
    trim: false,
    confidence: 0.85,
    regex: /(?<![\w-])(?:19|20)?\d{2}-(?:CV|CR|CA|CI|DR|FA|JV|PR|SC|LT|CH|MC|AP)-\d{3,8}(?![\w-])/g,
  },

  // ---- COURT -------------------------------------------------------------
  {
    // United States District Court for the Southern District of New York
    type: 'COURT',
    method: 'pattern:court',
    confidence: 0.97,
    regex: new RegExp(w(`\\b${US} (?:District|Bankruptcy) Court (?:for|of) the (?:${DIRECTION} )?District of ${STATE}`), 'g'),
  },
  {
    // United States Court of Appeals for the Ninth Circuit
    type: 'COURT',
    method: 'pattern:court',
    confidence: 0.97,
    regex: new RegExp(w(`\\b${US} Court of Appeals for the ${ORDINAL_CIRCUIT} Circuit`), 'g'),
  },
  {
    type: 'COURT',
    method: 'pattern:court',
    confidence: 0.95,
    regex: new RegExp(
      w(
        `\\b(?:Supreme Court of (?:the United States|the State of ${CAP_WORDS(2)}|${CAP_WORDS(3)})|${US} (?:Supreme Court|Tax Court|Court of Federal Claims|Court of International Trade)|(?:Court of Chancery|Court of Appeals?|Court of Criminal Appeals|Superior Court|Circuit Court|District Court|Court of Common Pleas|Family Court|Probate Court|Surrogate's Court) (?:of|for) (?:the )?(?:State of |County of |City and County of )?${CAP_WORDS(3)}(?: County)?|(?:${STATE}|${CAP_WORDS(2)} County) (?:Supreme|Superior|Circuit|District|Chancery|Family|Probate|Surrogate's|Tax) Court|${STATE} Court of (?:Chancery|Appeals|Criminal Appeals)|(?:European Court of (?:Justice|Human Rights)|International Court of Justice|Court of Justice of the European Union))`,
      ),
      'g',
    ),
  },
  {
    // "the Southern District of New York" (the court, in legal usage)
    type: 'COURT',
    method: 'pattern:court',
    confidence: 0.85,
    regex: new RegExp(w(`\\b${DIRECTION} District of ${STATE}`), 'g'),
  },

  // ---- contact -----------------------------------------------------------
  {
    type: 'EMAIL',
    method: 'pattern:email',
    trim: false,
    confidence: 0.99,
    regex: /(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g,
  },
  {
    type: 'URL',
    method: 'pattern:url',
    confidence: 0.99,
    regex: /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'`{}|\\^]+/gi,
    accept: (m) => /[a-z0-9]\.[a-z]{2,}/i.test(m),
  },
  {
    // (212) 555-0123, 212-555-0123, +1 212.555.0123, 212 555 0123 ext. 4
    type: 'PHONE',
    method: 'pattern:phone',
    trim: false,
    confidence: 0.9,
    regex: /(?<![\w/.+-])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ ]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?(?![\w-])/g,
  },
  {
    // +44 20 7946 0958, +49 (0)30 1234567
    type: 'PHONE',
    method: 'pattern:phone',
    trim: false,
    confidence: 0.85,
    regex: /(?<![\w+])\+[2-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,5}){1,4}(?![\w-])/g,
  },

  // ---- DATE: calendar dates that wrap (the NLP finder reads a blank line as a sentence end) ---------------
  {
    // "August 30, 2000", "Sept. 9, 1993", "August\n\n30, 2000" (double-spaced opinions), "29 June 2007"
    type: 'DATE',
    method: 'pattern:date',
    trim: false,
    confidence: 0.9,
    regex: new RegExp(
      String.raw`\b(?:${MONTH}${DATE_WS}(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?${DATE_WS}(?:1[6-9]|20)\d{2}|(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?${DATE_WS}${MONTH},?${DATE_WS}(?:1[6-9]|20)\d{2})(?![\w-])`,
      'g',
    ),
  },

  // ---- MONEY (currency forms the NLP libraries miss) ----------------------
  {
    type: 'MONEY',
    method: 'pattern:money',
    confidence: 0.9,
    regex:
      /(?:(?:US)?\$|€|£|\b(?:USD|EUR|GBP|CAD|AUD|CHF)\s?)\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?(?:\s(?:million|billion|thousand|trillion)\b)?|\b\d{1,3}(?:,\d{3})*(?:\.\d{1,2})?\s(?:million\s|billion\s)?(?:dollars|euros|pounds)\b/g,
  },

  // ---- ORG by legal form or institution word -----------------------------
  {
    type: 'ORG',
    method: 'pattern:org',
    confidence: 0.9,
    // "Free Software Foundation, Inc.", "the Apache Software Foundation", "Acme Holdings LLC"
    regex: new RegExp(`(?<![A-Za-z0-9&'’-])${NAME_RUN}${ORG_SUFFIX}${LEGAL_FORM}?(?![A-Za-z0-9])`, 'g'),
    accept: (m) => isOrgName(m),
  },
  {
    type: 'ORG',
    method: 'pattern:org',
    confidence: 0.9,
    // "Oracle America, Inc.": any capitalised name followed by a legal form
    regex: new RegExp(`(?<![A-Za-z0-9&'’-])${NAME_RUN}${NAME_WORD}${LEGAL_FORM}(?![A-Za-z0-9])`, 'g'),
    accept: (m) => isOrgName(m),
  },
  {
    type: 'ORG',
    method: 'pattern:org',
    confidence: 0.85,
    regex: new RegExp(w(`(?<![A-Za-z0-9])(?:${ORG_PREFIX_WORDS.join('|')}) of (?:the )?${CAP_WORDS(4)}(?: of (?:the )?${CAP_WORDS(3)})?`), 'g'),
  },
];

const CONNECTOR_RE = new RegExp(`^${CONNECTOR}$`);
const SUFFIX_TOKEN_RE = new RegExp(`^(?:${ORG_SUFFIX_WORDS.join('|')}|${CONNECTOR}|[,&])$`);
/** Capitalised words that start sentences or clauses, not names. */
const LEADING_NOISE = new Set(
  (
    'The A An This That These Those Contact Plaintiff Plaintiffs Defendant Defendants Petitioner Petitioners Respondent ' +
    'Respondents Appellant Appellants Appellees Relator Claimant Claimants Executive Director Summary Background Introduction ' +
    'Appellee Counsel Under In On By For With From Between And Or Both Each Neither Either We Our Its His Her Their Dear Re ' +
    'See If When Where While Although Because Since As At To Of No Not Any All Every Such Said Former Nonparty Intervenor ' +
    'Amicus Debtor Creditor Movant Licensor Licensee Copyright Whereas Pursuant Thereafter Accordingly However Moreover ' +
    'Also Then Here There After Before During Upon Against Via Per Including Also Mr Ms Mrs Dr Judge Justice'
  ).split(' '),
);

/** An organisation name needs at least one word that is not a legal form, connector or sentence word. */
export function isOrgName(m: string): boolean {
  const tokens = m.replace(/,/g, ' , ').split(/\s+/).filter(Boolean);
  return tokens.some((t) => !SUFFIX_TOKEN_RE.test(t) && !LEADING_NOISE.has(t.replace(/\.$/, '')));
}

const titleCase = (w: string) => w.charAt(0) + w.slice(1).toLowerCase();

/**
 * Drops leading sentence words, heading words and connectors from an organisation match:
 * "Contact Acme Holdings, Inc." -> "Acme Holdings, Inc.", "Counsel for the Mozilla Foundation" -> "Mozilla Foundation".
 */
function trimOrgStart(text: string, start: number, end: number): number {
  for (;;) {
    const m = /^([A-Za-z&]+)\.?[\s]+/.exec(text.slice(start, end));
    // A heading word in capitals before a name in mixed case ("SUMMARY The State Building Commission").
    const heading = !!m && m[1].length > 1 && m[1] === m[1].toUpperCase() && /\p{Ll}/u.test(text.slice(start + m[0].length, end));
    if (!m || !(heading || LEADING_NOISE.has(m[1]) || LEADING_NOISE.has(titleCase(m[1])) || CONNECTOR_RE.test(m[1]))) return start;
    const rest = text.slice(start + m[0].length, end);
    // Never strip down to a bare legal form ("The Company").
    if (!/\s/.test(rest.trim())) return start;
    start += m[0].length;
  }
}

const ORG_END_RE = new RegExp(`(?:${ORG_SUFFIX_WORDS.join('|')})$`);
const ORG_CONJUNCTION = /,?\s+(?:and|&)\s+|,\s+/g;

/**
 * "Google LLC and Apple Inc." is two organisations: a name that ends in a legal form
 * or organisation word, then "and"/"&"/",", then another such name, is split there.
 * ("Securities and Exchange Commission" and "Baker & McKenzie LLP" stay whole: their
 * left part does not end in an organisation word.)
 */
function splitOrgConjunction(text: string, start: number, end: number): Array<[number, number]> {
  const body = text.slice(start, end);
  ORG_CONJUNCTION.lastIndex = 0;
  for (let m = ORG_CONJUNCTION.exec(body); m; m = ORG_CONJUNCTION.exec(body)) {
    const left = body.slice(0, m.index);
    const right = body.slice(m.index + m[0].length);
    if (ORG_END_RE.test(left) && isOrgName(left) && ORG_END_RE.test(right.replace(/\s+$/, '')) && isOrgName(right) && /^[A-Z]/.test(right)) {
      return [[start, start + m.index], ...splitOrgConjunction(text, start + m.index + m[0].length, end)];
    }
  }
  return [[start, end]];
}

/** Runs every pattern over `text`; overlapping matches are left for the caller to resolve. */
export function matchPatterns(text: string, patterns: EntityPattern[] = PATTERNS): ExtractedMention[] {
  const out: ExtractedMention[] = [];
  for (const p of patterns) {
    p.regex.lastIndex = 0;
    for (let m = p.regex.exec(text); m; m = p.regex.exec(text)) {
      if (m[0].length === 0) {
        p.regex.lastIndex++;
        continue;
      }
      const group = m.groups?.m ?? m.groups?.m2;
      let start = group !== undefined ? m.index + m[0].indexOf(group) : m.index;
      const end = start + (group ?? m[0]).length;
      const spans: Array<[number, number]> = [[start, end]];
      if (p.type === 'ORG') {
        start = trimOrgStart(text, start, end);
        spans.splice(0, 1, ...splitOrgConjunction(text, start, end));
      }
      for (const [a, b] of spans) {
        const found = mention(text, p.type, a, b, p.confidence, p.method, p.trim !== false);
        if (!found) continue;
        if (p.accept && !p.accept(found.text)) continue;
        out.push(found);
      }
    }
  }
  return out;
}
