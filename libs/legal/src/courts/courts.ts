import type { LegalMention } from '../types';
import { basicNormalize } from '../normalize';
import {
  COURTS,
  COURT_BY_ID,
  DIRECTIONS,
  ORDINALS,
  STATES,
  STATE_BY_NAME,
  STATE_BY_POSTAL,
  ordinalNumeric,
  trialCourt,
  unitCourt,
  type Court,
  type StateInfo,
} from './table';

export type { Court, CourtLevel, StateInfo } from './table';
export { COURTS, COURT_BY_ID, STATES, trialCourt } from './table';

/** The entity key of a court: its table name, basic-normalised ("united states court of appeals for the fifth circuit"). */
export function courtKey(court: Court): string {
  return basicNormalize(court.name);
}

/** Citation forms without spaces and punctuation: "S.D.N.Y." -> "sdny", "5th Cir." -> "5thcir". */
function compact(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/** Names as keys: basic-normalised, "u s" -> "united states", no leading "in the"/"the". */
function nameKey(text: string): string {
  return basicNormalize(text)
    .replace(/^(?:in )?the /, '')
    .replace(/\bu s\b/g, 'united states')
    .replace(/\bus\b/g, 'united states')
    .replace(/\s+/g, ' ');
}

const BY_CITATION = new Map<string, Court>();
const BY_NAME = new Map<string, Court>();
for (const c of COURTS) {
  for (const cite of c.citations) {
    const k = compact(cite);
    if (k && !BY_CITATION.has(k)) BY_CITATION.set(k, c);
  }
  for (const n of [c.name, ...c.aliases]) {
    const k = nameKey(n);
    if (k && !BY_NAME.has(k)) BY_NAME.set(k, c);
  }
}

/**
 * The court a citation parenthetical's court part names: "5th Cir." -> the Fifth Circuit, "S.D.N.Y.",
 * "Bankr. D. Mass.", "N.D." (the Supreme Court of North Dakota), "Tex. App.—Dallas" (the Texas courts of appeals).
 */
export function courtOfParenthetical(text: string): Court | undefined {
  const head = text.split(/\s*[—–]\s*|\s+-\s+/)[0] ?? text;
  return BY_CITATION.get(compact(head));
}

/** The court a name or citation form means ("5th Cir.", "FIFTH CIRCUIT", "U.S. Court of Appeals for the Fifth Circuit"). */
export function lookupCourt(text: string): Court | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const byName = BY_NAME.get(nameKey(trimmed));
  if (byName) return byName;
  const found = scan(trimmed, undefined);
  const whole = found.find((m) => m.start <= 12 && m.end >= trimmed.replace(/[\s.,;:'’s]+$/, '').length - 2);
  if (whole) return whole.court;
  // A bare state name ("Ohio") or "U.S." is a citation form only inside a parenthetical.
  if (!/[.\s]/.test(trimmed.replace(/\.$/, '')) && !/\d/.test(trimmed) && trimmed !== trimmed.toUpperCase()) return undefined;
  if (/^u\.?\s?s\.?$/i.test(trimmed)) return undefined;
  return courtOfParenthetical(trimmed);
}

// ---------------------------------------------------------------------------------------------
// Recognition

/** A gap between words. The rules run on a same-length copy of the text in which every white-space
 * character is a space and caption line numbers are blanked, so that a gap is just spaces (no
 * backtracking across lines). */
const S = ' +';

/** Same-length copy: white space -> ' ', leading line numbers ("8   UNITED STATES") -> spaces. */
function flatten(text: string): string {
  return text
    .replace(/\n[ \t]*\d{1,2}(?=[ \t]{2,}\S)/g, (m) => ' '.repeat(m.length))
    .replace(/([ \t]{2}|\n)[:)§|](?=[ \t]{2,}|[ \t]*\r?\n)/g, '$1 ')
    .replace(/[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/g, ' ');
}

const STATE_NAMES = STATES.map((s) => s.name)
  .sort((a, b) => b.length - a.length)
  .map((n) => n.replace(/ /g, S))
  .join('|');
const ORD_WORDS = ORDINALS.slice(1).join('|');
const ORD = String.raw`(?:${ORD_WORDS}|1st|2nd|2d|3rd|3d|[4-9]th|1[0-9]th|20th)`;
const ROMAN_RE = 'XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I';

function ordinalValue(text: string): number {
  const t = text.toLowerCase();
  const w = ORDINALS.indexOf(t);
  if (w > 0) return w;
  const n = parseInt(t, 10);
  return Number.isFinite(n) ? n : 0;
}
const ROMAN_VALUES: Record<string, number> = { i: 1, v: 5, x: 10 };
function romanValue(text: string): number {
  let total = 0;
  const t = text.toLowerCase();
  for (let i = 0; i < t.length; i++) {
    const v = ROMAN_VALUES[t[i]] ?? 0;
    const next = ROMAN_VALUES[t[i + 1] ?? ''] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}
function stateOf(name: string | undefined): StateInfo | undefined {
  return name ? STATE_BY_NAME.get(name.replace(/\s+/g, ' ').toLowerCase()) : undefined;
}

interface Found {
  start: number;
  end: number;
  court: Court;
}

type Rule = {
  re: RegExp;
  /** Any of these must occur in the text for the rule to run. */
  needs: string[];
  /** The court a match names; a rule with the `d` flag may narrow the span to its `span` group. */
  resolve: (m: RegExpExecArray, ctx: ScanContext) => Court | undefined;
};

interface ScanContext {
  text: string;
  /** The document's state, when its own court is a state court. */
  state?: StateInfo;
  /** The document's own court is federal. */
  federal: boolean;
}

const US = String.raw`(?:United${S}States|U\. *S\.)`;
const DIRS = Object.values(DIRECTIONS).join('|');
const FED_DISTRICT = String.raw`(?:(?<dc>District${S}of${S}Columbia)|(?:(?<dir>${DIRS})${S})?District${S}of${S}(?:the${S})?(?<state>${STATE_NAMES}))`;

function districtCourt(kind: 'dist' | 'bankr', dir: string | undefined, stateName: string | undefined): Court | undefined {
  const st = stateOf(stateName);
  if (!st) return undefined;
  const d = dir ? `${dir.charAt(0).toLowerCase()}d` : 'd';
  return COURT_BY_ID.get(`us.${kind}.${d}-${st.postal.toLowerCase()}`);
}

function circuitCourt(ord: string): Court | undefined {
  const t = ord.replace(/\s+/g, ' ').toLowerCase();
  if (t === 'federal') return COURT_BY_ID.get('us.cafc');
  if (t === 'd.c.' || t === 'dc' || t === 'district of columbia') return COURT_BY_ID.get('us.cadc');
  const n = ordinalValue(t);
  return n >= 1 && n <= 11 ? COURT_BY_ID.get(`us.ca${n}`) : undefined;
}

const CIRCUIT_NAME = String.raw`(?<ord>${ORD}|D\. *C\.|District${S}of${S}Columbia|Federal)`;

const STATE_PREFIX = String.raw`(?:(?:the${S})?(?:State|Commonwealth)${S}of${S}|the${S}(?=District|Virgin|Northern))?`;
const UNIT = String.raw`(?:,?${S}(?:(?<uord>${ORD})${S}(?:Appellate${S}|Judicial${S})?(?<uword>District|Department|Circuit|Division)|(?<uword2>Division|District)${S}(?<uroman>${ROMAN_RE})\b|(?<udir>Eastern|Western|Southern)${S}District))?`;

/** Intermediate and highest state courts named by their kind, "<kind> of <State>" or "<State> <kind>". */
const STATE_KINDS: Array<[RegExp, (st: StateInfo) => string | undefined]> = [
  [/^supreme judicial court$/i, (st) => (st.postal === 'MA' ? 'ma.sjc' : st.postal === 'ME' ? 'me.sjc' : undefined)],
  [/^supreme court of appeals$/i, (st) => (st.postal === 'WV' ? 'wv.sup' : undefined)],
  [
    /^supreme court$/i,
    (st) =>
      st.postal === 'NY' ? 'ny.supct' : COURT_BY_ID.has(`${st.postal.toLowerCase()}.sup`) ? `${st.postal.toLowerCase()}.sup` : specialHighest(st),
  ],
  [/^court of criminal appeals?$/i, (st) => firstExisting(st, ['cca', 'crimapp'])],
  [/^court of civil appeals$/i, (st) => firstExisting(st, ['civapp'])],
  [/^court of special appeals$/i, (st) => (st.postal === 'MD' ? 'md.app' : undefined)],
  [/^intermediate court of appeals$/i, (st) => firstExisting(st, ['app'])],
  [
    /^court of appeals?$/i,
    (st) => (st.postal === 'NY' ? 'ny.ca' : st.postal === 'MD' ? 'md.sup' : st.postal === 'DC' ? 'dc.ca' : firstExisting(st, ['app'])),
  ],
  [/^(?:appellate court|appeals court)$/i, (st) => firstExisting(st, ['app'])],
  [/^district court of appeals?$/i, (st) => (st.postal === 'FL' ? 'fl.dca' : undefined)],
  [/^commonwealth court$/i, (st) => (st.postal === 'PA' ? 'pa.commw' : undefined)],
  [/^superior court$/i, (st) => firstExisting(st, ['super'])],
  [/^appellate division$/i, (st) => (st.postal === 'NY' ? 'ny.appdiv' : st.postal === 'NJ' ? 'nj.appdiv' : undefined)],
  [/^(?:court of chancery|chancery court)$/i, (st) => (st.postal === 'DE' ? 'de.ch' : undefined)],
];
function firstExisting(st: StateInfo, suffixes: string[]): string | undefined {
  for (const s of suffixes) {
    const id = `${st.postal.toLowerCase()}.${s}`;
    if (COURT_BY_ID.has(id)) return id;
  }
  return undefined;
}
function specialHighest(st: StateInfo): string | undefined {
  return firstExisting(st, ['sup', 'sjc', 'ca']);
}

const STATE_KIND_RE = String.raw`(?<kind>Supreme${S}Judicial${S}Court|Supreme${S}Court${S}of${S}Appeals|Supreme${S}Court|Court${S}of${S}Criminal${S}Appeals?|Court${S}of${S}Civil${S}Appeals|Court${S}of${S}Special${S}Appeals|Intermediate${S}Court${S}of${S}Appeals|District${S}Court${S}of${S}Appeals?|Court${S}of${S}Appeals?|Appellate${S}Court|Appeals${S}Court|Commonwealth${S}Court|Superior${S}Court|Court${S}of${S}Chancery|Chancery${S}Court)`;

function stateCourt(kind: string, st: StateInfo | undefined, m: RegExpExecArray): Court | undefined {
  if (!st) return undefined;
  const k = kind.replace(/\s+/g, ' ');
  for (const [re, pick] of STATE_KINDS) {
    if (!re.test(k)) continue;
    const id = pick(st);
    if (!id) return undefined;
    const parent = COURT_BY_ID.get(id);
    if (!parent) return undefined;
    return withUnit(parent, m) ?? parent;
  }
  return undefined;
}

function withUnit(parent: Court, m: RegExpExecArray): Court | undefined {
  const g = m.groups ?? {};
  let n = 0;
  if (g.uord) n = ordinalValue(g.uord);
  else if (g.uroman) n = romanValue(g.uroman);
  else if (g.udir) n = ['eastern', 'western', 'southern'].indexOf(g.udir.toLowerCase()) + 1;
  if (!n) return undefined;
  return unitCourt(parent.id, n);
}

const COUNTY_WORD = String.raw`(?!(?:The|THE|In|IN|Of|OF|And|AND|For|FOR|From|FROM|To|TO)\b)(?:[A-Z][a-z]+|[A-Z]{2,})`;
const COUNTY = String.raw`(?<county>(?:St\.${S})?${COUNTY_WORD}(?:[ -]${COUNTY_WORD}){0,2})`;
const both = (words: string): string =>
  words
    .split('|')
    .flatMap((w) => [w, w.toUpperCase()])
    .join('|');
const COUNTY_KW = '(?:County|COUNTY)';
/** A word as written in text or in a caption's capitals. */
const c = (word: string): string => `(?:${word}|${word.toUpperCase()})`;
const SUPERIOR_STATES = [
  'California',
  'Arizona',
  'Washington',
  'New Jersey',
  'Georgia',
  'Alaska',
  'Indiana',
  'Maine',
  'New Hampshire',
  'North Carolina',
  'Rhode Island',
  'Connecticut',
  'Delaware',
]
  .map((n) => c(n).replace(/ /g, S))
  .join('|');
const COURT_KW = '(?:Court|COURT)';
const TRIAL_KIND = String.raw`(?<tkind>${both("Superior|Circuit|District|Chancery|Probate|County|Family|Juvenile|Municipal|Surrogate’s|Surrogate's|Criminal|Civil")})`;
const STATE_AFTER = String.raw`(?:,?${S}(?:State${S}of${S})?(?<tstate>${STATE_NAMES})\b)?`;

function trialState(m: RegExpExecArray, ctx: ScanContext): StateInfo | undefined {
  return stateOf(m.groups?.tstate) ?? ctx.state;
}
function trialKind(raw: string): string {
  const k = raw.toLowerCase().replace(/[’']s$/, '');
  return k;
}

/** The district or bankruptcy court a FED_DISTRICT match names. */
const districtOf = (m: RegExpExecArray) =>
  districtCourt(
    m.groups!.kind.toLowerCase() === 'bankruptcy' ? 'bankr' : 'dist',
    m.groups!.dir,
    m.groups!.dc ? 'District of Columbia' : m.groups!.state,
  );

const COURT_RULES: Rule[] = [
  // Supreme Court of the United States
  {
    re: new RegExp(String.raw`\b(?:Supreme${S}Court${S}of${S}the${S}United${S}States|${US}${S}Supreme${S}Court)\b`, 'gi'),
    needs: ['upreme', 'UPREME'],
    resolve: () => COURT_BY_ID.get('us.scotus'),
  },
  // United States Court of Appeals for the Fifth Circuit; Court of Appeals for the Second Circuit
  {
    re: new RegExp(String.raw`\b(?:${US}${S})?Court${S}of${S}Appeals?(?:${S}(?:for|of)${S}the|,)${S}${CIRCUIT_NAME}${S}Circuit\b`, 'gi'),
    needs: ['ircuit', 'IRCUIT'],
    resolve: (m) => circuitCourt(m.groups!.ord),
  },
  // Louisiana: Court of Appeal, Fourth Circuit
  {
    re: new RegExp(String.raw`\b(?:Louisiana${S})?Court${S}of${S}Appeal(?:${S}of${S}Louisiana)?,?${S}(?<ord>${ORD})${S}Circuit\b`, 'gi'),
    needs: ['ircuit', 'IRCUIT'],
    resolve: (m) => unitCourt('la.app', ordinalValue(m.groups!.ord)),
  },
  // the Fifth Circuit (Court of Appeals)
  {
    re: new RegExp(String.raw`(?<![\w.-])${CIRCUIT_NAME}${S}Circuit(?:${S}Court${S}of${S}(?:Appeals|(?<la>Appeal)))?\b(?!${S}Court\b)`, 'gi'),
    needs: ['ircuit', 'IRCUIT'],
    // "Fifth Circuit Court of Appeal" (singular) is Louisiana's
    resolve: (m) => (m.groups?.la ? unitCourt('la.app', ordinalValue(m.groups.ord)) : circuitCourt(m.groups!.ord)),
  },
  // United States District / Bankruptcy Court for the Northern District of Texas; district court for the District of X
  {
    re: new RegExp(String.raw`\b(?:${US}${S})?(?<kind>District|Bankruptcy)${S}Court${S}(?:for|of)${S}the${S}${FED_DISTRICT}\b`, 'gi'),
    needs: ['istrict', 'ISTRICT'],
    resolve: (m) => districtOf(m),
  },
  // Caption without "for the": UNITED STATES DISTRICT COURT / WESTERN DISTRICT OF ARKANSAS
  {
    re: new RegExp(String.raw`\b${US}${S}(?<kind>District|Bankruptcy)${S}Court${S}${FED_DISTRICT}\b`, 'gi'),
    needs: ['istrict', 'ISTRICT'],
    resolve: (m) => districtOf(m),
  },
  // Specialised federal courts
  {
    re: new RegExp(
      String.raw`\b(?:${US}${S})?(?<sp>Court${S}of${S}Federal${S}Claims|Tax${S}Court|Court${S}of${S}International${S}Trade|Court${S}of${S}Appeals${S}for${S}Veterans${S}Claims|Court${S}of${S}Appeals${S}for${S}the${S}Armed${S}Forces|Judicial${S}Panel${S}on${S}Multidistrict${S}Litigation)\b`,
      'gi',
    ),
    needs: ['Court', 'COURT', 'Panel', 'PANEL'],
    resolve: (m) => {
      const sp = m.groups!.sp.replace(/\s+/g, ' ').toLowerCase();
      if (sp.startsWith('court of federal')) return COURT_BY_ID.get('us.cofc');
      if (sp.startsWith('tax')) return COURT_BY_ID.get('us.tax');
      if (sp.includes('international')) return COURT_BY_ID.get('us.cit');
      if (sp.includes('veterans')) return COURT_BY_ID.get('us.cavc');
      if (sp.includes('armed')) return COURT_BY_ID.get('us.caaf');
      return COURT_BY_ID.get('us.jpml');
    },
  },
  // Bankruptcy Appellate Panel for the Ninth Circuit
  {
    re: new RegExp(String.raw`\bBankruptcy${S}Appellate${S}Panel${S}(?:for|of)${S}the${S}(?<ord>${ORD})${S}Circuit\b`, 'gi'),
    needs: ['ppellate', 'PPELLATE'],
    resolve: (m) => COURT_BY_ID.get(`us.bap${ordinalValue(m.groups!.ord)}`),
  },
  // Supreme Court of North Dakota; Court of Appeals of the State of Georgia; Court of Appeal of the State of California, Sixth Appellate District
  {
    re: new RegExp(
      String.raw`\b${STATE_KIND_RE}${S}(?:(?:of|for)${S}${STATE_PREFIX}|(?:the${S})?(?:State|Commonwealth)${S}of${S})(?<state>${STATE_NAMES})\b${UNIT}`,
      'gi',
    ),
    needs: ['ourt', 'OURT'],
    resolve: (m) => stateCourt(m.groups!.kind, stateOf(m.groups!.state), m),
  },
  // North Dakota Supreme Court; Texas Court of Criminal Appeals; New York Appellate Division, Second Department
  {
    re: new RegExp(String.raw`\b(?<state>${STATE_NAMES})${S}(?:${STATE_KIND_RE}|(?<kind2>Appellate${S}Division))\b${UNIT}`, 'gi'),
    needs: ['ourt', 'OURT', 'ivision', 'IVISION'],
    resolve: (m) => stateCourt(m.groups!.kind ?? m.groups!.kind2, stateOf(m.groups!.state), m),
  },
  // THE STATE OF SOUTH CAROLINA / In The Court of Appeals
  {
    re: new RegExp(String.raw`\b(?:The${S})?State${S}of${S}(?<state>${STATE_NAMES})${S}(?:In${S}the${S})?${STATE_KIND_RE}\b${UNIT}`, 'gi'),
    needs: ['ourt', 'OURT'],
    resolve: (m) => stateCourt(m.groups!.kind, stateOf(m.groups!.state), m),
  },
  // ILLINOIS OFFICIAL REPORTS / Appellate Court (the reporter's header names the state)
  {
    re: new RegExp(String.raw`\b(?<state>${STATE_NAMES})${S}Official${S}Reports${S}(?<span>(?<kind>Appellate${S}Court|Supreme${S}Court))\b`, 'gid'),
    needs: ['OFFICIAL', 'Official'],
    resolve: (m) => stateCourt(m.groups!.kind, stateOf(m.groups!.state), m),
  },
  // Appellate Division, Second Department (New York)
  {
    re: new RegExp(
      String.raw`\bAppellate${S}Division(?:,?${S}(?:of${S}the${S})?Supreme${S}Court)?(?:,?${S}(?:of${S}the${S})?State${S}of${S}New${S}York)?,?${S}(?<uord>${ORD})${S}(?:Judicial${S})?(?<uword>Department)\b`,
      'gi',
    ),
    needs: ['ivision', 'IVISION'],
    resolve: (m) => withUnit(COURT_BY_ID.get('ny.appdiv')!, m),
  },
  // Superior Court, Appellate Division (New Jersey)
  {
    re: new RegExp(String.raw`\bSuperior${S}Court(?:${S}of${S}New${S}Jersey)?,?${S}Appellate${S}Division\b`, 'gi'),
    needs: ['ivision', 'IVISION'],
    resolve: () => COURT_BY_ID.get('nj.appdiv'),
  },
  // Texas: Fourteenth Court of Appeals; COURT OF APPEALS / THIRTEENTH DISTRICT OF TEXAS; Court of Appeals of Texas, Fifth District
  {
    re: new RegExp(String.raw`\b(?<uord>${ORD})${S}Court${S}of${S}Appeals\b(?!${S}(?:of|for)\b)`, 'gi'),
    needs: ['ppeals', 'PPEALS'],
    resolve: (m) => unitCourt('tx.app', ordinalValue(m.groups!.uord)),
  },
  {
    re: new RegExp(String.raw`\bCourt${S}of${S}Appeals,?${S}(?:for${S}the${S})?(?<uord>${ORD})${S}(?:Judicial${S})?District${S}of${S}Texas\b`, 'gi'),
    needs: ['ppeals', 'PPEALS'],
    resolve: (m) => unitCourt('tx.app', ordinalValue(m.groups!.uord)),
  },
  // Ohio, Florida: Eighth District Court of Appeals; Second District Court of Appeal
  {
    re: new RegExp(String.raw`\b(?<uord>${ORD})${S}(?:Appellate${S})?District${S}Court${S}of${S}Appeals?\b`, 'gi'),
    needs: ['ppeal', 'PPEAL'],
    resolve: (m, ctx) => {
      const st = ctx.state?.postal;
      const parent = st === 'FL' ? 'fl.dca' : st === 'OH' ? 'oh.app' : st === 'CA' ? 'ca.app' : st === 'TX' ? 'tx.app' : undefined;
      return parent ? unitCourt(parent, ordinalValue(m.groups!.uord)) : undefined;
    },
  },
  // New York trial court: Supreme Court, New York County; Supreme Court of the State of New York, County of Kings
  {
    re: new RegExp(
      String.raw`\bSupreme${S}Court(?:${S}of${S}the${S}State${S}of${S}New${S}York)?,${S}(?:(?<county>[A-Z][a-z]+(?: [A-Z][a-z]+)?)${S}County|County${S}of${S}(?<county2>[A-Z][a-z]+(?: [A-Z][a-z]+)?))\b`,
      'g',
    ),
    needs: ['Supreme'],
    resolve: (m) => trialCourt('supreme', m.groups!.county ?? m.groups!.county2, STATE_BY_POSTAL.get('NY')!),
  },
  // Superior Court of Los Angeles County; Circuit Court of Cook County, Illinois
  {
    re: new RegExp(
      String.raw`\b${TRIAL_KIND}${S}${COURT_KW}${S}(?:of|for|OF|FOR|in${S}and${S}for)${S}(?:the${S}|THE${S})?${COUNTY}${S}${COUNTY_KW}\b${STATE_AFTER}`,
      'g',
    ),
    needs: ['Court'],
    resolve: (m, ctx) => {
      const st = trialState(m, ctx);
      return st ? trialCourt(trialKind(m.groups!.tkind), m.groups!.county, st) : undefined;
    },
  },
  // Superior Court of California, County of Los Angeles; Superior Court of the State of California in and for the County of Kern
  {
    re: new RegExp(
      String.raw`\b${c('Superior')}${S}${c('Court')}${S}${c('of')}${S}(?:${c('the')}${S}${c('State')}${S}${c('of')}${S})?(?<tstate>${SUPERIOR_STATES}),?${S}(?:${c('in')}${S}${c('and')}${S})?(?:${c('for')}${S})?(?:${c('the')}${S})?${c('County')}${S}${c('of')}${S}${COUNTY}\b`,
      'g',
    ),
    needs: ['uperior', 'UPERIOR'],
    resolve: (m) => {
      const st = stateOf(m.groups!.tstate);
      return st ? trialCourt('superior', m.groups!.county, st) : undefined;
    },
  },
  // Court of Common Pleas of Allegheny County
  {
    re: new RegExp(String.raw`\bCourt${S}of${S}Common${S}Pleas${S}(?:of|for)${S}${COUNTY}${S}County\b${STATE_AFTER}`, 'g'),
    needs: ['Pleas'],
    resolve: (m, ctx) => {
      const st = trialState(m, ctx);
      return st ? trialCourt('common pleas', m.groups!.county, st) : undefined;
    },
  },
  // Harris County District Court; Cook County Circuit Court
  {
    re: new RegExp(
      String.raw`\b${COUNTY}${S}${COUNTY_KW}${S}(?:${TRIAL_KIND}|(?<cp>Common${S}Pleas|COMMON${S}PLEAS))${S}${COURT_KW}\b${STATE_AFTER}`,
      'g',
    ),
    needs: ['Court'],
    resolve: (m, ctx) => {
      const st = trialState(m, ctx);
      if (!st || /^(?:The|In|Of|And|For)\b/.test(m.groups!.county)) return undefined;
      return trialCourt(m.groups!.cp ? 'common pleas' : trialKind(m.groups!.tkind), m.groups!.county, st);
    },
  },
  // Criminal Court for the Twentieth Judicial District; Circuit Court of the Eleventh Judicial Circuit
  {
    re: new RegExp(
      String.raw`\b(?<tkind>Criminal|Circuit|Chancery|District|Superior)${S}Court${S}(?:of|for)${S}the${S}(?<num>${ORD}|\d{1,2}(?:st|nd|rd|th|d))${S}Judicial${S}(?<unit>District|Circuit)\b${STATE_AFTER}`,
      'gi',
    ),
    needs: ['Judicial'],
    resolve: (m, ctx) => {
      const st = trialState(m, ctx);
      const n = ordinalValue(m.groups!.num);
      return st && n ? trialCourt(m.groups!.tkind, `${ordinalNumeric(n)} Judicial ${m.groups!.unit}`, st, true) : undefined;
    },
  },
  // New York county courts: Surrogate’s Court, Nassau County; Family Court, Kings County
  {
    re: new RegExp(String.raw`\b(?<tkind>Surrogate[’']s|Family|County)${S}Court,${S}(?<county>[A-Z][a-z]+(?: [A-Z][a-z]+)?)${S}County\b`, 'g'),
    needs: ['Court,'],
    resolve: (m, ctx) => (ctx.state?.postal === 'NY' ? trialCourt(trialKind(m.groups!.tkind), m.groups!.county, ctx.state) : undefined),
  },
  // 61st District Court (Harris County, Texas)
  {
    re: new RegExp(
      String.raw`\b(?<num>\d{1,3}(?:st|nd|rd|th|d))${S}(?:Judicial${S})?District${S}Court\b(?:(?:,?${S}|${S}of${S})${COUNTY}${S}County)?${STATE_AFTER}`,
      'g',
    ),
    needs: ['District Court', 'District\nCourt'],
    resolve: (m, ctx) => {
      const st = trialState(m, ctx);
      return st ? trialCourt('district', m.groups!.num, st, true) : undefined;
    },
  },
];

/** Agencies and boards by name; their abbreviations when the text defines them or they are unambiguous. */
const AGENCIES = COURTS.filter((c) => c.level === 'agency' && c.id !== 'us.ij' && c.id !== 'us.ssa.ac');
const AGENCY_NAMES = AGENCIES.flatMap((c) => [c.name, ...c.aliases.filter((a) => /\s/.test(a))])
  .sort((a, b) => b.length - a.length)
  .map((n) => n.replace(/[’']/g, "['’]").replace(/ /g, S))
  .join('|');
const AGENCY_RE = new RegExp(String.raw`\b(?:${AGENCY_NAMES})\b`, 'gi');
const AGENCY_BY_NAME = new Map<string, Court>();
for (const c of AGENCIES) for (const n of [c.name, ...c.aliases]) AGENCY_BY_NAME.set(nameKey(n), c);
/** Abbreviations that mean the agency wherever they stand. */
const ALWAYS_ABBREVIATIONS = new Set(['BIA', 'NLRB', 'MSPB', 'PTAB', 'TTAB', 'BPAI', 'ECAB', 'ASBCA', 'CBCA', 'OSHRC', 'FLRA']);
const ABBREVIATION_RE = /\b[A-Z]{2,6}\b/g;

/** Runs the rules over a flattened text; `stateOnly`: just the rules whose answer depends on the document's state. */
function scan(raw: string, state: StateInfo | undefined, federal = false, flat?: string, stateOnly = false): Array<Found & { rule: number }> {
  const text = flat ?? flatten(raw);
  const ctx: ScanContext = { text, state, federal };
  const out: Array<Found & { rule: number }> = [];
  COURT_RULES.forEach((rule, ri) => {
    if (stateOnly && rule.resolve.length < 2) return;
    if (!rule.needs.some((n) => text.includes(n))) return;
    rule.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = rule.re.exec(text))) {
      const court = rule.resolve(m, ctx);
      if (court) {
        const span = m.indices?.groups?.span;
        const start = span ? span[0] : m.index;
        const end = trimEnd(text, start, span ? span[1] : m.index + m[0].length);
        out.push({ start, end, court, rule: ri });
      }
      if (m[0].length === 0) rule.re.lastIndex++;
    }
  });
  return out;
}

function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /[\s,]/.test(text[e - 1])) e--;
  return e;
}

/** Same-length copy of a caption with right-hand column text (after a gap of 8 spaces, or indented 55+) blanked. */
function leftColumn(head: string): string {
  return head.replace(/[^\n]+/g, (line) => {
    const indent = /^[ \t]*/.exec(line)![0].length;
    if (indent >= 55) return ' '.repeat(line.length);
    const gap = /\S( {8,})\S/.exec(line);
    return gap ? line.slice(0, gap.index + 1) + ' '.repeat(line.length - gap.index - 1) : line;
  });
}

/** The document's state: the state of the first court named in its opening (a federal district's state too). */
function documentState(found: Found[], flat: string): { state?: StateInfo; federal: boolean } {
  let first: Found | undefined;
  for (const f of found) if (f.start < 4000 && (!first || f.start < first.start)) first = f;
  if (!first) {
    const named = /\b(?:State|Commonwealth) of ([A-Z][a-z]+(?: [A-Z][a-z]+)?)/.exec(flat.slice(0, 3000));
    const st = named ? (stateOf(named[1]) ?? stateOf(named[1].split(' ')[0])) : undefined;
    return { state: st, federal: false };
  }
  if (first.court.jurisdiction !== 'US') return { state: STATE_BY_POSTAL.get(first.court.jurisdiction), federal: false };
  // A federal district court's state is the state of the county courts its opinions name.
  const district = /^us\.(?:dist|bankr)\.[a-z]+-([a-z]{2})$/.exec(first.court.id);
  return { state: district ? STATE_BY_POSTAL.get(district[1].toUpperCase()) : undefined, federal: true };
}

function mention(text: string, f: Found, confidence: number): LegalMention {
  return {
    type: 'COURT',
    start: f.start,
    end: f.end,
    text: text.slice(f.start, f.end),
    key: courtKey(f.court),
    display: f.court.name,
    attributes: { courtId: f.court.id, jurisdiction: f.court.jurisdiction, level: f.court.level },
    confidence,
    method: 'legal:court',
  };
}

/** Bare "the Court of Appeals", "the Appellate Court", "the Superior Court" …: the document's own state's court. */
const BARE_STATE =
  /(?<=\b(?:the|The|our|Our) +)(?:Court +of +Criminal +Appeals|Court +of +Civil +Appeals|Court +of +Special +Appeals|Court +of +Appeals?|Appellate +Court|Appeals +Court|Commonwealth +Court|Superior +Court|Supreme +Judicial +Court|Intermediate +Court +of +Appeals|Court +of +Chancery)\b(?! +(?:of|for)\b| +Judge| +Justice| +Rule| +Clerk)/g;

/** Bare "the Supreme Court": the document's own state's highest court, or the U.S. Supreme Court. */
const BARE_SUPREME = /(?<=\b(?:the|The|our|Our) +)Supreme +Court\b(?! +(?:of|for)\b| +Rule| +Justice| +Clerk)/g;

/** Court mentions in captions and text, normalised to the court table. */
/** "(W.D. Okla.)", "(S.D.N.Y.)", "(5th Cir.)": a court's citation form alone in parentheses. */
const PAREN_COURT = /\(((?:[A-Z0-9][A-Za-z0-9'&]{0,7}\.\s?){2,5})\)/g;

export function findCourts(text: string): LegalMention[] {
  if (!/[Cc]ourt|COURT|[Cc]ircuit|CIRCUIT|Board|BOARD|B[IV]A|NLRB|MSPB|Panel|Commission|Division|DIVISION/.test(text)) return [];
  const flat = flatten(text);
  const found: Found[] = scan(text, undefined, false, flat);
  // Captions beside a right-hand column (clerk's stamps, "FILED", dates): read the left column alone too.
  const head = text.slice(0, 2000);
  if (/ {8,}\S/.test(head)) {
    const left = flatten(leftColumn(head));
    for (const f of scan(head, undefined, false, left)) found.push(f);
  }
  const doc = documentState(found, flat);
  if (doc.state) for (const f of scan(text, doc.state, doc.federal, flat, true)) found.push(f);

  // Agencies by name, and the abbreviations they define or always have.
  const abbreviations = new Map<string, Court>();
  if (/Board|BOARD|Commission|COMMISSION|Authority/.test(text)) {
    AGENCY_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = AGENCY_RE.exec(flat))) {
      const c = AGENCY_BY_NAME.get(nameKey(m[0]));
      if (!c) continue;
      found.push({ start: m.index, end: m.index + m[0].length, court: c });
      const def = /^\s*\((?:the\s+)?["“]?([A-Z][A-Za-z.]{1,8})["”]?\)/.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 20));
      if (def) abbreviations.set(def[1], c);
      for (const cite of c.citations) if (/^[A-Z]+$/.test(cite)) abbreviations.set(cite, c);
    }
  }
  for (const c of AGENCIES) for (const cite of c.citations) if (ALWAYS_ABBREVIATIONS.has(cite)) abbreviations.set(cite, c);
  if (abbreviations.size) {
    ABBREVIATION_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = ABBREVIATION_RE.exec(text))) {
      const c = abbreviations.get(m[0]);
      if (!c) continue;
      const after = text.slice(m.index + m[0].length, m.index + m[0].length + 8);
      if (/^\s*\d{4}\b/.test(after) || (/^\s*[,.]?\s*\)/.test(after) && text[m.index - 1] === '(')) continue; // (BIA 2009)
      found.push({ start: m.index, end: m.index + m[0].length, court: c });
    }
  }

  if (doc.state && !doc.federal) {
    BARE_STATE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = BARE_STATE.exec(flat))) {
      const c = stateCourt(m[0], doc.state, m);
      if (c) found.push({ start: m.index, end: m.index + m[0].length, court: c });
    }
  }

  if (text.includes('Supreme Court')) {
    const own =
      doc.state && !doc.federal
        ? COURT_BY_ID.get(doc.state.postal === 'NY' ? 'ny.supct' : (specialHighest(doc.state) ?? ''))
        : COURT_BY_ID.get('us.scotus');
    if (own) {
      BARE_SUPREME.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = BARE_SUPREME.exec(flat))) found.push({ start: m.index, end: m.index + m[0].length, court: own });
    }
  }

  // A court alone in parentheses, with no year: "(W.D. Okla.)" under a caption's docket number. (With a year it is
  // a citation's parenthetical, the citation's own.)
  if (text.includes('.)')) {
    PAREN_COURT.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = PAREN_COURT.exec(text))) {
      // "(U.S.)", "(N.D.)" alone are a country or a state far more often than a court
      if (!/\s/.test(m[1]) && m[1].split('.').length < 4) continue;
      const c = courtOfParenthetical(m[1]);
      if (c) found.push({ start: m.index + 1, end: m.index + 1 + m[1].length, court: c });
    }
  }

  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: LegalMention[] = [];
  let lastEnd = -1;
  for (const f of found) {
    if (f.start < lastEnd) continue;
    out.push(mention(text, f, 0.9));
    lastEnd = f.end;
  }
  return out;
}
