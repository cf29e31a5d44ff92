/**
 * Name grammar shared by the party and counsel finders: keys, display case, possessives, and the
 * tests that tell a person's name from an organisation's.
 */

import { basicNormalize } from '../normalize';

/** The key of a display name: basicNormalize (../normalize.ts). */
export const nameKey = (text: string): string => basicNormalize(text);

/** Drops a trailing possessive: "Tennessee's" -> "Tennessee", "Carnival’s" -> "Carnival", "Jones'" -> "Jones". */
export function stripPossessive(text: string): string {
  return text.replace(/(?:['’][sS]|[sS]['’])$/u, (m) => (/^[sS]/.test(m) ? m[0] : ''));
}

/** Upper-case words kept as they are when a name in capitals is put in normal case. */
const KEEP_UPPER = new Set(
  (
    'LLC LLP LP PLLC PC PA NA FSB USA US UK II III IV VI VII VIII IX XI XII EPA FBI IRS DHS HUD ICE CBP USCIS DOJ ' +
    'DOT NAACP ACLU AT&T CSX LG&E NCBF BIA INS MD RN DO PhD DDS CPA DC NY NJ TX CA'
  ).split(' '),
);
const LOWER_WORDS = new Set('of and the for in on at to by de la del da van von der den du des le et a an or'.split(' '));
const VOWEL = /[AEIOUYÀ-ÖØ-Ý]/u;

function titleWord(word: string): string {
  // Mc/Mac names, O'Brien, hyphenated names: each piece capitalised.
  return word
    .toLowerCase()
    .replace(/(^|[-'’.])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase())
    .replace(/(^|[-'’])Mc(\p{L})/gu, (_m, sep: string, ch: string) => sep + 'Mc' + ch.toUpperCase());
}

/** True when (almost) every letter is upper case. */
export function isAllCaps(text: string): boolean {
  let upper = 0;
  let lower = 0;
  for (const ch of text) {
    if (ch >= 'a' && ch <= 'z') lower++;
    else if (ch >= 'A' && ch <= 'Z') upper++;
    else if (ch > '\u00bf') {
      if (ch.toLowerCase() !== ch) upper++;
      else if (ch.toUpperCase() !== ch) lower++;
    }
  }
  return upper >= 2 && lower * 10 <= upper;
}

/**
 * A name as a person should read it: names in capitals in normal case ("GARY L. JOHNSON" -> "Gary L. Johnson",
 * "ACME HOLDINGS, LLC" -> "Acme Holdings, LLC"), acronyms and roman numerals kept; mixed-case names keep
 * their case except whole words in capitals ("In re TAMERA W." -> "Tamera W."). White space collapsed,
 * possessive dropped.
 */
export function displayName(raw: string): string {
  const text = stripPossessive(raw.replace(/\s+/g, ' ').trim());
  const allCaps = isAllCaps(text);
  let first = true;
  return text.replace(/[\p{L}\p{N}&'’.-]+/gu, (word) => {
    const isFirst = first;
    first = false;
    const letters = word.replace(/[^\p{L}]/gu, '');
    if (letters.length === 0) return word;
    if (letters !== letters.toUpperCase()) return word; // has lower case: as written
    const bare = word.replace(/[.,]+$/, '');
    if (/^(?:JR|SR)$/.test(bare)) return bare === 'JR' ? 'Jr.' : 'Sr.';
    if (/^(?:INC|CORP|LTD|CO)$/.test(bare) && word.endsWith('.')) return titleWord(word);
    if (KEEP_UPPER.has(bare) || KEEP_UPPER.has(word)) return word;
    if (letters.length === 1) return word; // initials
    if (/^(?:\p{L}\.)+\p{L}?\.?$/u.test(word)) return word; // H.B., U.S.
    if (!allCaps && (letters.length < 4 || !VOWEL.test(letters))) return word; // RG, TGW in a mixed name
    if (allCaps && !VOWEL.test(letters) && letters.length <= 5) return word; // NCBF, LLC
    if (/^[IVX]+$/.test(letters) && letters.length <= 4) return word;
    const lower = word.toLowerCase();
    if (!isFirst && LOWER_WORDS.has(lower)) return lower;
    return titleWord(word);
  });
}

/** Words that make a name an organisation's. Lower case, compared with the words of the name. */
const ORG_WORDS = new Set(
  (
    'inc incorporated corp corporation co company companies llc llp lp ltd limited plc pllc pc pa na fsb gmbh ' +
    'bank bancorp association assn associates alliance authority agency administration board bureau commission ' +
    'commissioner commissioners committee council county city town village township borough parish district ' +
    'department dept division office service services school schools college university institute institution ' +
    'hospital clinic center centre medical health healthcare system systems group holdings partners partnership ' +
    'trust trustee trustees estate fund foundation society church ministries union federation league club ' +
    'insurance assurance mutual financial capital bancshares industries international enterprises ventures ' +
    'technologies solutions products manufacturing motors airlines railroad railway communications network ' +
    'properties realty management government state states commonwealth people republic nation tribe ' +
    'secretary director warden sheriff treasurer marshal police prison jail correction corrections court ' +
    'america usa operations cooperative coop co-op organization organisation agency press media news ' +
    'museum library laboratories labs pharmaceuticals pharmacy energy electric gas water utilities utility ' +
    'commissioners legislature assembly senate congress army navy force air enforcement protection investigations ' +
    'affairs security directorate'
  ).split(' '),
);

/** Legal forms that follow a company's name after a comma ("Acme, Inc."). */
export const LEGAL_FORM =
  /^(?:Inc\.?|INC\.?|Incorporated|L\.?L\.?C\.?|L\.?L\.?P\.?|L\.?P\.?|Ltd\.?|LTD\.?|Co\.?|CO\.?|Corp\.?|CORP\.?|N\.A\.|P\.C\.|P\.A\.|PLLC|P\.L\.L\.C\.|PLC|S\.A\.|GmbH|Chartered|CHARTERED)$/;

/** Suffixes that belong to a person's name. */
export const NAME_SUFFIX = /^(?:Jr\.?|JR\.?|Sr\.?|SR\.?|II|III|IV|V|2d|3d)$/;

/** Professional letters after a name that are not part of it ("M.D.", "RN", "Esq."). */
export const PROFESSIONAL = /^(?:M\.?D\.?|R\.?N\.?|D\.?O\.?|Ph\.?D\.?|D\.?D\.?S\.?|Esq\.?|ESQ\.?|Esquire|CPA|MPH|J\.?D\.?|P\.?E\.?)$/;

const NOT_NAME_WORDS = new Set(
  'the at of in for on to from and or by with honorable hon. judge justice chancellor court appeal appeals re matter'.split(' '),
);
const PARTICLES = new Set(['de', 'la', 'del', 'da', 'van', 'von', 'der', 'den', 'du', 'des', 'le', 'bin', 'al', 'st.']);

export function hasOrgWord(text: string): boolean {
  for (const w of text.toLowerCase().split(/[^a-z&-]+/)) if (ORG_WORDS.has(w)) return true;
  return text.includes('&');
}

const NAME_TOKEN = /^(?:\p{Lu}[\p{L}'’-]*\.?|\p{Lu}\.(?:\p{Lu}\.)*|"\p{Lu}[\p{L}'’-]*"|“\p{Lu}[\p{L}'’-]*”)$/u;

/**
 * Whether the text reads as a human name: one to six capitalised words or initials, particles allowed
 * ("Ludwig van Beethoven"), suffixes allowed, no organisation word. `minTokens` 2 for names in running
 * text (a lone capitalised word is a place as often as a name).
 */
export function isPersonName(text: string, minTokens = 1): boolean {
  const tokens = text.trim().split(/\s+/);
  if (tokens.length < minTokens || tokens.length > 6) return false;
  let words = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i].replace(/,$/, '');
    if (i > 0 && PARTICLES.has(t.toLowerCase())) continue;
    if (i > 0 && NAME_SUFFIX.test(t)) continue;
    if (!NAME_TOKEN.test(t) || NOT_NAME_WORDS.has(t.toLowerCase())) return false;
    if (ORG_WORDS.has(t.toLowerCase().replace(/[.,'’]+$/g, ''))) return false;
    words++;
  }
  return words > 0;
}

/** US states and territories, for "State of X", places after a comma, and the document's state. */
export const STATES = [
  'Alabama',
  'Alaska',
  'Arizona',
  'Arkansas',
  'California',
  'Colorado',
  'Connecticut',
  'Delaware',
  'Florida',
  'Georgia',
  'Hawaii',
  'Idaho',
  'Illinois',
  'Indiana',
  'Iowa',
  'Kansas',
  'Kentucky',
  'Louisiana',
  'Maine',
  'Maryland',
  'Massachusetts',
  'Michigan',
  'Minnesota',
  'Mississippi',
  'Missouri',
  'Montana',
  'Nebraska',
  'Nevada',
  'New Hampshire',
  'New Jersey',
  'New Mexico',
  'New York',
  'North Carolina',
  'North Dakota',
  'Ohio',
  'Oklahoma',
  'Oregon',
  'Pennsylvania',
  'Rhode Island',
  'South Carolina',
  'South Dakota',
  'Tennessee',
  'Texas',
  'Utah',
  'Vermont',
  'Virginia',
  'Washington',
  'West Virginia',
  'Wisconsin',
  'Wyoming',
  'Puerto Rico',
  'Guam',
  'District of Columbia',
];
const STATE_SET = new Set(STATES.map((s) => s.toLowerCase()));
const STATE_ABBR = new Set(
  (
    'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK ' +
    'OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR Ala. Ariz. Ark. Cal. Calif. Colo. Conn. Del. Fla. Ga. Ill. ' +
    'Ind. Kan. Ky. La. Md. Mass. Mich. Minn. Miss. Mo. Mont. Neb. Nev. N.H. N.J. N.M. N.Y. N.C. N.D. Okla. Or. ' +
    'Ore. Pa. R.I. S.C. S.D. Tenn. Tex. Va. Vt. Wash. W.Va. Wis. Wyo. D.C.'
  ).split(' '),
);

const POSTAL =
  'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU DC'.split(
    ' ',
  );

/** "GA" -> "Georgia" (the courts table's jurisdiction codes). */
export function stateOfPostal(code: string): string | undefined {
  const i = POSTAL.indexOf(code.toUpperCase());
  return i >= 0 ? STATES[i] : undefined;
}

export function isStateName(text: string): boolean {
  const t = text.trim().replace(/[.,]+$/, '');
  return STATE_SET.has(t.toLowerCase()) || STATE_ABBR.has(t) || STATE_ABBR.has(t + '.');
}

/** The first state named in the text ("Court of Appeals of the State of Georgia" -> "Georgia"). */
export function stateIn(text: string): string | undefined {
  const lower = text.toLowerCase();
  let best: string | undefined;
  let bestAt = Infinity;
  for (const s of STATES) {
    const at = lower.indexOf(s.toLowerCase());
    if (at >= 0 && (at < bestAt || (at === bestAt && best && s.length > best.length))) {
      // "West Virginia" over "Virginia", "Arkansas" over "Kansas": whole words only
      const before = at === 0 ? ' ' : lower[at - 1];
      const after = lower[at + s.length] ?? ' ';
      if (/[a-z]/.test(before) || /[a-z]/.test(after)) continue;
      best = s;
      bestAt = at;
    }
  }
  return best;
}

/** Trims white space and punctuation around a span: returns [start, end] inside text[start, end). */
export function trimSpan(text: string, start: number, end: number, keepPeriod = true): [number, number] {
  while (start < end && /[\s,;:"“”'‘’()[\]*_-]/.test(text[start])) start++;
  while (end > start && /[\s,;:"“”'‘’()[\]*_-]/.test(text[end - 1])) end--;
  if (!keepPeriod) while (end > start && text[end - 1] === '.') end--;
  return [start, end];
}

/**
 * Keeps a final period only when it ends an abbreviation that belongs to the name ("Inc.", "Co.",
 * "Jr.", an initial "W."); "FRANCO." and "Defendant." lose theirs.
 */
export function trimFinalPeriod(text: string, start: number, end: number): number {
  if (end <= start || text[end - 1] !== '.') return end;
  const before = text.slice(Math.max(start, end - 12), end);
  const m = /([\p{L}.]+)\.$/u.exec(before);
  const word = m ? m[1] : '';
  if (/^(?:Inc|INC|Co|CO|Corp|CORP|Ltd|LTD|Jr|JR|Sr|SR|Bros|BROS|Assn|Dept|DEPT|[\p{Lu}]|(?:\p{L}\.)+\p{L})$/u.test(word)) return end;
  return end - 1;
}

/** `s` as a RegExp source: its special characters escaped, each run of white space matching any (`\s+`). */
export function spacedPattern(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}
