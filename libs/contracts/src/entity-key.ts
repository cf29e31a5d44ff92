import { basicNormalize, caseCitationKey, caseNameKey, statuteKey } from '@casegraph/legal';
import type { EntityType } from './graph';

/**
 * Normalised entity keys: what canonical_entities.normalized_key holds. Two mentions of one
 * type with the same key are the same entity in a project. The graph worker writes keys with
 * normalizeEntity; the API searches them with entitySearchKey, so both read text one way.
 * The rules (tested in entity-key.spec.ts and the graph worker's normalizer.spec.ts):
 * - every type: Unicode compatibility form, accents dropped, lower case, "&" -> "and",
 *   possessive "'s" dropped, punctuation -> space, white space collapsed;
 * - PERSON: leading honorifics/titles dropped ("Judge", "Dr.", "Hon."), trailing "Esq.";
 * - ORG: leading "the", trailing corporate forms (Inc., LLC, Ltd., Corp., GmbH, …), repeatedly;
 * - LOCATION, COURT: leading "the"; COURT also "U.S." -> "united states";
 * - DATE: ISO form when the date parses ("29 June 2007" and "June 29, 2007" -> 2007-06-29);
 * - MONEY: currency code + amount ("$2.5 million" -> "usd 2500000");
 * - CASE_NUMBER: no judge initials, no leading zeros in the sequence number;
 * - CITATION (old rows): volume, reporter, first page (no pinpoint, no parenthetical);
 * - CASE, STATUTE: the legal grammar's keys (@casegraph/legal: "550 us 544", "us usc 42 1983(a)");
 *   a case name with no citation "name <name>";
 * - EMAIL: lower case; URL: host without www, no scheme, no trailing slash; PHONE: digits.
 */
export { basicNormalize };

const HONORIFICS = new Set(
  (
    'mr mrs ms miss mx dr prof professor hon honorable honourable judge justice chief associate magistrate senior ' +
    'senator sen rep representative gov governor president sir dame lord lady rev reverend father attorney counsel ' +
    'officer detective sgt sergeant capt captain lt col colonel gen general the'
  ).split(' '),
);
const PERSON_TRAILING = new Set(['esq', 'esquire', 'phd', 'md', 'jd']);

/** Corporate forms, as token sequences after basicNormalize ("l.l.c." -> "l l c"). */
const CORPORATE_FORMS: string[][] = [
  'incorporated',
  'inc',
  'corporation',
  'corp',
  'company',
  'co',
  'limited',
  'ltd',
  'llc',
  'l l c',
  'llp',
  'l l p',
  'lp',
  'l p',
  'pllc',
  'plc',
  'gmbh',
  'ag',
  'sa',
  's a',
  'nv',
  'n v',
  'bv',
  'b v',
  'pc',
  'p c',
  'spa',
  's p a',
  'srl',
  'sarl',
  'pty',
  'pty ltd',
  'kg',
  'oy',
  'ab',
  'se',
  'bhd',
  'sdn bhd',
].map((f) => f.split(' '));

function stripTrailingForms(tokens: string[]): string[] {
  let out = tokens;
  for (let changed = true; changed && out.length > 1;) {
    changed = false;
    for (const form of CORPORATE_FORMS) {
      if (form.length < out.length && form.every((t, i) => out[out.length - form.length + i] === t)) {
        out = out.slice(0, out.length - form.length);
        changed = true;
        break;
      }
    }
  }
  return out;
}

function dropLeadingThe(tokens: string[]): string[] {
  return tokens.length > 1 && tokens[0] === 'the' ? tokens.slice(1) : tokens;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};
const pad = (n: number) => String(n).padStart(2, '0');

/** ISO date (YYYY-MM-DD, YYYY-MM or YYYY) of a date expression, or undefined. */
export function isoDate(text: string): string | undefined {
  const t = text.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) return valid(+m[1], +m[2], +m[3]);
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(t);
  if (m) {
    // US order (month first) unless the first number cannot be a month.
    const [a, b] = [+m[1], +m[2]];
    const year = m[3].length === 2 ? 2000 + +m[3] - (+m[3] > 50 ? 100 : 0) : +m[3];
    return a > 12 ? valid(year, b, a) : valid(year, a, b);
  }
  const tokens = basicNormalize(t)
    .replace(/\b(\d{1,2})(st|nd|rd|th)\b/g, '$1')
    .split(' ')
    .filter((x) => x && x !== 'of' && x !== 'the' && x !== 'on' && x !== 'in');
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  for (const tok of tokens) {
    if (MONTHS[tok] !== undefined && month === undefined) month = MONTHS[tok];
    else if (/^\d{4}$/.test(tok) && year === undefined) year = +tok;
    else if (/^\d{1,2}$/.test(tok) && day === undefined) day = +tok;
    else if (/^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/.test(tok)) continue;
    else return undefined;
  }
  if (year === undefined) return undefined;
  if (month === undefined) return day === undefined ? String(year) : undefined;
  if (day === undefined) return `${year}-${pad(month)}`;
  return valid(year, month, day);
}

function valid(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

const CURRENCY: Array<[RegExp, string]> = [
  [/US\$|\$|\busd\b|dollars?/i, 'usd'],
  [/€|\beur\b|euros?/i, 'eur'],
  [/£|\bgbp\b|pounds?/i, 'gbp'],
  [/\bcad\b/i, 'cad'],
  [/\baud\b/i, 'aud'],
  [/\bchf\b/i, 'chf'],
];
const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };

function moneyKey(text: string): string | undefined {
  const num = /\d[\d,]*(?:\.\d+)?/.exec(text);
  if (!num) return undefined;
  let value = Number(num[0].replace(/,/g, ''));
  const scale = /\b(thousand|million|billion|trillion)\b/i.exec(text);
  if (scale) value *= SCALES[scale[1].toLowerCase()];
  const currency = CURRENCY.find(([re]) => re.test(text))?.[1] ?? 'xxx';
  return `${currency} ${Number(value.toFixed(2))}`;
}

function urlKey(text: string): string {
  let t = text.trim().replace(/^(?:https?|ftp):\/\//i, '');
  const slash = t.indexOf('/');
  const host = (slash < 0 ? t : t.slice(0, slash)).toLowerCase().replace(/^www\./, '');
  const rest = slash < 0 ? '' : t.slice(slash);
  t = host + rest;
  return t.replace(/\/+$/, '');
}

function phoneKey(text: string): string {
  const [main, ext] = text.split(/\s?(?:x|ext\.?)\s?(?=\d+$)/i);
  let digits = main.replace(/\D/g, '');
  if (!main.trim().startsWith('+') && digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
  if (main.trim().startsWith('+1') && digits.length === 11) digits = digits.slice(1);
  return ext ? `${digits} x${ext.replace(/\D/g, '')}` : digits;
}

function caseNumberKey(text: string): string {
  const t = text.toLowerCase().replace(/\s+/g, '');
  const federal = /^(\d{1,2}):(\d{2})-([a-z]+)-0*(\d+)/.exec(t);
  if (federal) return `${+federal[1]}:${federal[2]}-${federal[3]}-${federal[4]}`;
  return t;
}

function citationKey(text: string): string {
  const t = text
    .replace(/\s*\([^()]*\)\s*$/, '') // parenthetical "(2007)", "(2d Cir. 2019)"
    .replace(/^(\d+\s+\D+?\s+\d+),\s*\d+(?:\s*[-–]\s*\d+)?\s*$/, '$1'); // pinpoint ", 570"
  return basicNormalize(t.replace(/§/g, ' '))
    .replace(/\b(u) (s) (c)\b/, 'usc')
    .replace(/\b(c) (f) (r)\b/, 'cfr')
    .replace(/\b(u) (s)\b/, 'us');
}

/** The normalised key of a mention of `type`; falls back to basicNormalize (never empty for non-empty text). */
export function normalizeEntity(type: EntityType, text: string): string {
  const basic = basicNormalize(text);
  let tokens = basic.split(' ').filter(Boolean);
  let key: string | undefined;
  switch (type) {
    case 'PERSON': {
      while (tokens.length > 1 && HONORIFICS.has(tokens[0])) tokens = tokens.slice(1);
      while (tokens.length > 1 && PERSON_TRAILING.has(tokens[tokens.length - 1])) tokens = tokens.slice(0, -1);
      key = tokens.join(' ');
      break;
    }
    case 'ORG':
      key = stripTrailingForms(dropLeadingThe(tokens)).join(' ');
      break;
    case 'LOCATION':
      key = dropLeadingThe(tokens).join(' ');
      break;
    case 'COURT':
      key = dropLeadingThe(tokens)
        .join(' ')
        .replace(/^u s\b/, 'united states')
        .replace(/\bdist\b/g, 'district')
        .replace(/\bct\b/g, 'court');
      break;
    case 'DATE':
      key = isoDate(text);
      break;
    case 'MONEY':
      key = moneyKey(text);
      break;
    case 'EMAIL':
      key = text.trim().toLowerCase();
      break;
    case 'URL':
      key = urlKey(text);
      break;
    case 'PHONE':
      key = phoneKey(text);
      break;
    case 'CASE_NUMBER':
      key = caseNumberKey(text);
      break;
    case 'CITATION':
      key = citationKey(text);
      break;
    case 'CASE':
      // A citation's key ("550 U.S. 544, 570" -> "550 us 544"); a name alone: "name <name>".
      key = caseCitationKey(text) ?? (basic ? caseNameKey(text) : undefined);
      break;
    case 'STATUTE':
      key = statuteKey(text);
      break;
  }
  return key || basic || text.trim().toLowerCase();
}

/**
 * The key a search string is matched against (a substring of normalized_key): with a type, that
 * type's key of the text ("Judge Smith" -> "smith", "June 2007" -> "2007-06"); without one, the
 * rules every type shares (basicNormalize: "Smith’s" -> "smith"). Empty when the text has no letter
 * or digit.
 */
export function entitySearchKey(q: string, type?: EntityType): string {
  if (!basicNormalize(q)) return '';
  if (!type) return basicNormalize(q);
  const key = normalizeEntity(type, q);
  // A section with no code ("§ 1983") is part of every key that cites it ("us usc 42 1983").
  return type === 'STATUTE' && key.startsWith('section ') ? key.slice('section '.length) : key;
}
