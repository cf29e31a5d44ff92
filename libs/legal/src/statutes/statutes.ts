import type { AttributeValue, LegalMention } from '../types';
import { CODES, type CodeEntry } from './codes';
import { parseTail, type SectionItem, type Tail, type TailOptions } from './sections';
import { ANY_STATE_SOURCE, STATES, stateOf, stateSource } from './states';
import { NY_LAW_NAMES, SUBJ, nyLawKey, subjectKey } from './subjects';

/**
 * Statutes, constitutions, regulations, court rules, sentencing guidelines and session laws.
 *
 * Keys (DESIGN.md "Keys" -> STATUTE): `<jurisdiction> <code> [title] <section><subsections>`, lower case:
 * `us usc 42 1983(a)`, `nd cent code 28-01-46`, `ca civ code 1714`, `us const amend 14 1`, `us frcp 12(b)(6)`.
 * attributes: jurisdiction, code, title, section, subsections, sectionKey (key without subsections: the
 * roll-up), kind ('statute' | 'constitution' | 'regulation' | 'rule' | 'guideline' | 'session_law' |
 * 'secondary'), and when stated: through (last section of a range), throughSubsections, etSeq.
 *
 * Decisions:
 * - Restatements are kept, kind 'secondary', jurisdiction '' (key `restatement second torts 402a`).
 * - A bare "§ 1983" takes the code of: the statute cited just before it with "id."; else the one code
 *   that cites the same section elsewhere in the document; else the only code (and title) the document
 *   cites; else key `section 1983`. Bare "§ 4" after "Decl.", "Compl.", "Agreement", "at" … is not a statute.
 * - A bare "section 5" (the word) is a statute only when it resolves as above from a same-section cite,
 *   or is followed by "of the <code>" / "of title N"; "Section 5 of the Agreement" is not.
 * - A bare "Rule 12(b)(6)" takes the rule set of the same rule cited elsewhere, else the document's only
 *   (or, among several, the federal civil) rule set; circuit and local rules are never that default. With no
 *   rule set cited, a rule with subsections is kept unresolved (`rule 12(b)(6)`), a bare "Rule 12" is
 *   dropped. "Rule N of the Federal Rules of X" and "Rule 59(e), SCRCP" name their set. "Rule 10b-5" is
 *   17 C.F.R. § 240.10b-5. "Local Rule 56.1" is `local rule 56.1`, "Vaccine Rule 18(b)" `us vaccine r 18(b)`;
 *   other "<Name> Rule N" forms ("Appellate Rule 4", "Bar Rule 4") are dropped.
 * - "Section 20(a) of the Exchange Act" is `us exchange act 20(a)`; an act section followed by its code cite
 *   in parentheses takes that cite's key; "INA § 212" is `us ina 212`, "Bankruptcy Code § 362" 11 U.S.C.
 * - Spans run from the title number / code name to the last subsection; "et seq." (attributes.etSeq) and a
 *   leading "id." are not in the span.
 * - "the Fourteenth Amendment" is the U.S. Constitution's, unless followed by "to the <not Constitution>"
 *   ("Second Amendment to the Lease") or by Institute/Center/Foundation/… (an organisation's name).
 *   "Amendment No. 2" is never a statute.
 * - Lists ("§§ 1983 and 1985", "§§ 78j(b), 78t(a)", "§ 30(2)(d), (i), (k)"): one mention per item, the later
 *   ones span just their numbers. Ranges ("§§ 101-110", "§ 44-48-10 to -170"): one mention, attributes.through.
 *   "§§ 2254(d)(1)-(2)": one mention, key of (d)(1), attributes.throughSubsections.
 */

const METHOD = 'legal:statute';
type Kind = 'statute' | 'constitution' | 'regulation' | 'rule' | 'guideline' | 'session_law' | 'secondary';

interface Cite {
  start: number;
  end: number;
  j: string;
  code: string;
  title?: string;
  section: string;
  subs: string[];
  kind: Kind;
  through?: string;
  throughSubs?: string[];
  etSeq?: boolean;
  /** a bare "§ N" ('sec'), "section N" ('word'), "id. § N" ('id'): its code is resolved from the document */
  bare?: 'sec' | 'word' | 'rule' | 'id';
  confidence: number;
  /** a rule cited with its rule set: a later bare "Rule N" may take that set */
  ruleSet?: boolean;
}

/* ----------------------------------------------------------------------------------------- */
/* helpers                                                                                    */

function at(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}

const ROMAN: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100 };
function roman(s: string): number | undefined {
  const t = s.toLowerCase();
  if (!/^[ivxlc]+$/.test(t)) return undefined;
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const a = ROMAN[t[i]];
    const b = ROMAN[t[i + 1]] ?? 0;
    n += a < b ? -a : a;
  }
  return n;
}
function num(s: string): string {
  if (/^\d+$/.test(s)) return String(Number(s));
  const r = roman(s);
  return r === undefined ? s.toLowerCase() : String(r);
}

const ORDINALS = [
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
  'twentieth',
];
function ordinal(s: string): number | undefined {
  const t = s.toLowerCase().replace(/[\s-]+/g, '-');
  const d = /^(\d{1,2})(?:st|nd|rd|th)$/.exec(t);
  if (d) return Number(d[1]);
  const i = ORDINALS.indexOf(t);
  if (i >= 0) return i + 1;
  const m = /^twenty-(\w+)$/.exec(t);
  if (m) {
    const k = ORDINALS.indexOf(m[1]);
    if (k >= 0 && k < 9) return 21 + k;
  }
  return undefined;
}
const ORD_SRC = `(?:\\d{1,2}(?:st|nd|rd|th)|[Tt]wenty[-\\s](?:[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|[Ff]ifth|[Ss]ixth|[Ss]eventh)|${ORDINALS.map(
  (o) => `[${o[0].toUpperCase()}${o[0]}]${o.slice(1)}|${o.toUpperCase()}`,
).join('|')})`;

function normSection(s: string): string {
  const ch = /^(ch|pt)\s+/.exec(s);
  if (ch) return `${ch[1]} ${normSection(s.slice(ch[0].length))}`;
  return s.toLowerCase().replace(/[–—]/g, '-').replace(/\s+/g, '');
}

/* ----------------------------------------------------------------------------------------- */
/* federal                                                                                    */

const RE_USC_CFR = /(?<![A-Za-z.])(?:(U\.?\s*S\.?\s*C\.?(?:\s*[AS]\.?(?![A-Za-z]))?)|(C\.?\s*F\.?\s*R\.?))(?![A-Za-z])/g;
const RE_TITLE_BEFORE = /(?:^|[^\w.,])(?:[Tt]itle\s+)?(\d{1,3}[A-Za-z]?)\s{1,30}$/;
const RE_FEDREG = /(?<![\w.-])(\d{1,3})(?:\s*Fed\.\s*Reg\.|\s+FR)\s*(\d{1,3}(?:,\d{3})+|\d{1,6})(?![\d,]*\d)/gi;
const RE_STAT = /(?<![\w.])(\d{1,3})\s*Stat\.\s*(\d{1,3}(?:,\d{3})+|\d{1,5})(?!\d)/gi;
const RE_PUBL = /(?<![A-Za-z])(?:Pub(?:\.|lic)\s*L(?:\.|aw)|P\.\s*L\.)\s*(?:No\.\s*)?(\d{1,3})\s*[-–]\s*(\d{1,4})(?!\d)/gi;
const RE_USSG =
  /(?<![A-Za-z])(?:U\.\s*S\.\s*S\.\s*G\.|USSG|U\.\s*S\.\s*Sentencing\s+Guidelines\s+Manual|Sentencing\s+Guidelines?|Guidelines?)(?=\s*§)/g;
const RE_FEDRULE =
  /(?<![A-Za-z])Fed(?:\.|eral)\s*R(?:\.|ules?)\s*(?:of\s+)?(Civ(?:\.|il)|Crim(?:\.|inal)|App(?:\.|ellate)|Evid(?:\.|ence)|Ev\.|Bankr(?:\.|uptcy))(?:\s*P(?:\.|roc(?:\.|edure))|\s+Procedure|\s+\d{1,2}\s+P\.(?=\s*\d))?(?:\s*[Rr]ule)?/gi;
const FEDRULE_CODE: Record<string, string> = { civ: 'frcp', crim: 'frcrp', app: 'frap', evid: 'fre', ev: 'fre', bankr: 'frbp' };
const SUPCT_SRC = `(?:S\\.|Sup\\.|Supreme)\\s*C(?:our)?t\\.?\\s*R(?:\\.|ules?)(?=\\s*\\d)`;
const RE_SUPCT_STATE_Y = new RegExp(`(${ANY_STATE_SOURCE})\\s*${SUPCT_SRC}`, 'y');
const RE_SUPCT_PLAIN = new RegExp(`(?<![A-Za-z])()${SUPCT_SRC}`, 'g');
const RE_CIRRULE =
  /(?<![A-Za-z])(?:(\d{1,2})(?:st|nd|rd|th)\s*Cir\.\s*R(?:\.|ule)|(D\.\s*C\.|Fed\.)\s*Cir\.\s*R(?:\.|ule)|(First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Eleventh|D\.C\.|Federal)\s+Circuit\s+Rule)(?=\s*\d)/g;
const RE_LOCALRULE = /(?<![A-Za-z])(?:Local\s+(?:Civil\s+|Criminal\s+|Bankruptcy\s+)?Rules?|L\.\s*(?:Civ\.\s*|Cr\.\s*)?R\.)(?=\s*\d)/g;
const RE_STATERULE = new RegExp(
  `(?<![A-Za-z])(${ANY_STATE_SOURCE})\\s*R(?:\\.|ules?)\\s*(?:of\\s+)?(Civ(?:\\.|il)|Crim(?:\\.|inal)|App(?:\\.|ellate)|A\\.(?=\\s*P\\.)|Evid(?:\\.|ence)|Ev\\.|E\\.|C\\.(?=\\s*P\\.)|Ct\\.|Juv(?:\\.|enile)|Prof(?:\\.|essional)\\s*Conduct|Prof\\.)(?:\\s*P(?:\\.|roc(?:\\.|edure))|\\s+Procedure)?`,
  'gi',
);
const RE_STATERULE_Y = sticky(RE_STATERULE);
const STATERULE_CODE: Record<string, string> = {
  civ: 'rcp',
  c: 'rcp',
  ct: 'rct',
  crim: 'rcrp',
  app: 'rap',
  a: 'rap',
  evid: 're',
  ev: 're',
  e: 're',
  juv: 'rjp',
  prof: 'rpc',
};
/** Ohio's rules: "Civ.R. 56(C)", "Crim.R. 32.1", "App.R. 12(A)(1)(b)", "Evid.R. 403", "Juv.R. 29" */
const RE_OHIO_SHORT = /(?<![A-Za-z.])(Civ|Crim|App|Evid|Juv)\.\s?R\.(?=\s?\d)/g;
const OHIO_SHORT: Record<string, string> = { civ: 'rcp', crim: 'rcrp', app: 'rap', evid: 're', juv: 'rjp' };
const RE_OHIORULE = /(?<![A-Za-z])(Gov\.\s*Bar\s*R\.|Prof\.\s*Cond\.\s*R\.|Sup\.R\.)\s*([IVXL]{1,5}(?![A-Za-z])|\d{1,3}(?:\.\d{1,2})?[a-z]?)/g;
const RE_FED_ACRONYM = /(?<![A-Za-z])(FRCP|F\.R\.C\.P\.|FRE|F\.R\.E\.|FRAP|F\.R\.A\.P\.|FRCrP|F\.R\.Cr\.P\.|FRBP)(?=\s*\d)/g;
const FED_ACRONYM: Record<string, string> = { FRCP: 'frcp', FRE: 'fre', FRAP: 'frap', FRCRP: 'frcrp', FRBP: 'frbp' };
/** "Cal. Rules of Court, rule 8.500", "Md. Rule 2-501", "Maryland Rule 2-501" */
const RE_STATE_RULES_Y = new RegExp(`(${ANY_STATE_SOURCE})\\s*(?:(Rules\\s+of\\s+Court,?\\s+[Rr]ule)|Rules?)(?=\\s*\\d)`, 'y');
const RE_VACCINE = /(?<![A-Za-z])Vaccine\s+Rules?(?=\s*\d)/g;
const RE_BARERULE = /(?<![A-Za-z])(?:Rules?\s+|([Ii]d\.,?\s*)R\.\s*)(?=\d)/g;
const RE_SCRULE = /,\s*(SCRCP|SCACR|SCRCrimP|SCRE|SCRFC)\b/y;
const RE_RULE_OF_THE =
  /(?:\s*of\s+the|,)\s+(?:Federal\s+Rules\s+of\s+(Civil\s+Procedure|Criminal\s+Procedure|Appellate\s+Procedure|Evidence|Bankruptcy\s+Procedure)|Rules\s+Governing\s+(?:§|Section)\s*(2254|2255)\s+Cases)/y;
const RULE_FULL: Record<string, string> = {
  'civil procedure': 'frcp',
  'criminal procedure': 'frcrp',
  'appellate procedure': 'frap',
  evidence: 'fre',
  'bankruptcy procedure': 'frbp',
};
const CONST_TAIL_SRC = `\\s*Const(?:\\.|itution)(?:,\\s*|\\s+)(art(?:icle)?\\.?|amend(?:ment)?\\.?|am\\.|§§?)\\s*([IVXLC]{1,7}\\b|\\d{1,3}[a-z]?)`;
const RE_CONST_US = new RegExp(`(?<![A-Za-z])(U\\.\\s*S\\.|United\\s+States)${CONST_TAIL_SRC}`, 'gi');
const RE_CONST_STATE_Y = new RegExp(`(${ANY_STATE_SOURCE})${CONST_TAIL_SRC}`, 'iy');
const RE_CONST_TAIL = /(?:,\s*|\s+)(?:§|sec\.|[Ss]ection)\s*(\d{1,3}[a-z]?)(?:,\s*cl\.\s*(\d{1,2}))?/y;
const RE_CONST_MORE = /(?:,\s*(?:and\s+)?|\s+and\s+)(\d{1,3}[a-z]?)(?![\w(]|\.\d)/y;
const RE_CONST_CL = /(?:,\s*|\s+)cl\.\s*(\d{1,2})/y;
const RE_AMEND_WORD = /(?<![A-Za-z])(?:Amendments?|AMENDMENTS?)(?![A-Za-z])/g;
const RE_AMEND_BEFORE = new RegExp(`(?<![A-Za-z-])${ORD_SRC}(?:(?:,\\s+|,?\\s+(?:and|or)\\s+)${ORD_SRC}){0,4}\\s+$`);
const RE_ORD = new RegExp(ORD_SRC, 'g');
const RE_AMEND_ROMAN = /(?<![A-Za-z])Amendment\s+([IVX]{1,6})(?![A-Za-z])/g;
const RE_AMEND_ORG =
  /^['’]?s?\s+(?:Institute|Center|Centre|Coalition|Foundation|Project|Clinic|Association|Fund|Committee|Lawyers|Alliance|Society|Defense|Legal|Council|Network|Union)/i;
const RE_AMEND_TO = /^\s+(?:to|of)\s+(?!(?:the\s+)?(?:United\s+States\s+|U\.\s*S\.\s+|[Ff]ederal\s+|[A-Z][a-z]+\s+)?Constitution)/;
const RE_ARTICLE_CONST = new RegExp(
  `(?:(?:[Ss]ection|§)\\s*(\\d{1,3})\\s+(?:of\\s+)?)?Art(?:icle|\\.)\\s*([IVXLC]{1,7}|\\d{1,3})(?:,\\s*(?:[Ss]ection|§|[Ss]ec\\.)\\s*(\\d{1,3}))?(?:,\\s*[Cc]l(?:ause|\\.)\\s*(\\d{1,2}))?,?\\s+(?:of\\s+)?the\\s+(?:(United\\s+States|U\\.\\s*S\\.|[Ff]ederal|${ANY_STATE_SOURCE})\\s+)?Constitution$`,
);
const RE_RESTATEMENT =
  /(?<![A-Za-z])Restatement\s+\((First|Second|Third|Fourth)\)\s+of\s+(?:the\s+)?((?:[A-Z][A-Za-z]*,?\s+(?:and\s+|&\s+)?){1,5}?)§§?\s*(\d{1,4}[A-Za-z]?)/g;

/* ----------------------------------------------------------------------------------------- */
/* state codes                                                                                */

const ALL_HEADS = CODES.map((c) => `(${c.heads.join('|')})`).join('|');
/** heads that start with a state's name are tried at the state anchors; the others (acronyms) by one case-sensitive scan */
const isStateLed = (h: string): boolean => STATES.some((s) => h.startsWith(`(?:${stateSource(s)})`));
const groupOf = (hs: string[]): string => (hs.length ? `(${hs.join('|')})` : '((?!))');
const RE_CODES_STATE_Y = new RegExp(`(?<![A-Za-z.])(?:${CODES.map((c) => groupOf(c.heads.filter(isStateLed))).join('|')})(?![A-Za-z])`, 'iy');
const RE_CODES_OTHER = new RegExp(
  `(?<![A-Za-z.])(?:${CODES.map((c) => groupOf(c.heads.filter((h) => !isStateLed(h)))).join('|')})(?![A-Za-z])`,
  'g', // case-sensitive: acronyms and title-case names; an i flag here costs a scan of every position
);
const RE_CODES_Y = new RegExp(`(?:${ALL_HEADS})(?![A-Za-z])`, 'iy');
/** "Tex. Penal Code Ann.", "Cal. Code Civ. Proc.", "Texas Code of Criminal Procedure", "N.Y. Penal Law" */
const GENERIC = `(${ANY_STATE_SOURCE})\\s*(?:(${SUBJ})\\s+)?(Code|Law)(?:\\s+(?:of\\s+)?(${SUBJ}))?(?:,?\\s*Ann(?:\\.|otated))?`;
const RE_GENERIC_ANCH = new RegExp(`(?<![A-Za-z.])${GENERIC}(?![A-Za-z])`, 'iy');
const RE_GENERIC_Y = new RegExp(`${GENERIC}(?![A-Za-z])`, 'iy');
/** "Md. Code Ann., Cts. & Jud. Proc. § 5-101" */
const MD = `(${ANY_STATE_SOURCE})\\s*Code(?:\\s+Ann\\.)?(?:\\s+\\([^()\\n]{1,40}\\))?,\\s+(${SUBJ}(?:\\s+Law)?)(?:\\s+Article)?`;
const RE_MD_ANCH = new RegExp(`(?<![A-Za-z.])${MD}(?![A-Za-z])`, 'iy');
/** unprefixed subject codes, anchored on "Code": "Code Civ. Proc., § 128", "Penal Code section 187" */
const RE_CODE_ANCHOR = /(?<![A-Za-z])Code(?![A-Za-z])/g;
const RE_SUBJ_BEFORE = new RegExp(`(?<![A-Za-z])(${SUBJ})\\s+$`, 'i');
const RE_SUBJ_AFTER = new RegExp(`\\s+(?:of\\s+)?(${SUBJ})(?:,?\\s*Ann(?:\\.|otated))?`, 'iy');
const RE_UNPREF_Y = new RegExp(`(${SUBJ})\\s+Code(?:\\s+(?:of\\s+)?(${SUBJ}))?(?![A-Za-z])`, 'iy');
/** New York laws: "Penal Law § 125.25", "N.Y. Gen. Oblig. Law § 5-1401" */
const RE_NYLAW = new RegExp(`(?<![A-Za-z])(?:N\\.\\s*Y\\.\\s*|McKinney['’]s\\s+)?(${NY_LAW_NAMES})\\s+(?:Law|Act)(?![A-Za-z])`, 'g');
const RE_NYLAW_Y = new RegExp(`(?:N\\.\\s*Y\\.\\s*|McKinney['’]s\\s+)?(${NY_LAW_NAMES})\\s+(?:Law|Act)(?![A-Za-z])`, 'y');
const RE_TIT = /,?\s*(?:tit(?:\.|le)|T\.)\s*(\d{1,3}[A-Za-z]?),?/y;
const RE_CH = /,?\s*(?:ch(?:\.|apter)|c\.)\s*(\d{1,4}[A-Za-z]{0,2}),?/y;
/** Pennsylvania's named codes are titles of Pa.C.S. */
const PA_TITLES: Record<string, string> = { 'veh code': '75', 'crimes code': '18', 'jud code': '42', 'domestic relations code': '23' };
/** Named acts and codes whose sections are a code's: "Bankruptcy Code § 362" is 11 U.S.C. § 362. */
const RE_NAMED_BEFORE =
  /(?:(INA|ERISA)|(Bankruptcy\s+Code)|(I\.\s*R\.\s*C\.|Internal\s+Revenue\s+Code|IRC|Tax\s+Code(?=\s+§)))(?:\s+\(?\d{4}\)?)?,?\s*$/;

/* ----------------------------------------------------------------------------------------- */
/* bare sections                                                                              */

const RE_BARE = /(?<![A-Za-z§])(?:(§§?)|([Ss]ections?|SECTIONS?|[Ss]ecs?\.|[Aa]rticles?|[Aa]rts?\.))\s*(?=\d)/g;
const RE_BARE_SKIP =
  /(?:Decl(?:aration)?|Aff(?:idavit)?|Affs|Compl(?:aint)?|Agreement|Contract|Lease|Policy|Plan|Manual|Memo(?:randum)?|Order|Bylaws|Ex(?:hibit)?|Pet(?:ition)?|Br(?:ief)?|Mot(?:ion)?|Report|Handbook|Article|Art|Chapter|Part|Paragraph|Charter|Ordinance|Deed|Will|Trust|Note|Mortgage|Indenture|Stip(?:ulation)?|Resp|Reply|Opp|Tr|Supp|Guidelines?)\.?\s{0,2}(?:at\s{1,2})?$|\bat\s{1,2}$|¶\s*$/;
/** "§ 4.2 of the Purchase Agreement": a section of a document, not of a code */
const RE_DOC_AFTER =
  /^\s*,?\s+(?:of|in|under)\s+(?:the|this|that|said|its|their|his|her|each)\s+(?:[A-Z][\w'’-]*\s+|[a-z]+\s+){0,3}(?:Agreement|Contract|Lease|Plan|Policy|Deed|Will|Trust|Bylaws|Charter|Ordinance|Indenture|Note|Mortgage|Settlement|Order|Decree|Stipulation|Declaration|Complaint|Amendment|Addendum|License|Licence|Guaranty|Guarantee|Memorandum|Letter|LOI|Manual|Handbook|Rules|Regulations|Constitution|Articles|Code of Conduct|agreement|contract|lease|plan|policy|deed|will|trust|bylaws|charter|ordinance|note|mortgage|settlement|order|decree|license|guaranty|memorandum|letter|manual|handbook)(?![A-Za-z])/;
const RE_ID_BEFORE = /(?:^|[\s(;,“"])[Ii]d\.?,?\s*$/;
const RE_OF_TITLE = /\s+(?:of\s+)?[Tt]itle\s+(\d{1,3})(?:,?\s+(?:of\s+)?(?:the\s+)?(United\s+States\s+Code|U\.\s*S\.\s*C\.?))?/y;
const RE_OF_THE = /,?\s+(?:of|in)\s+(?:the\s+)?/y;
/** "Section 20(a) of the Exchange Act", "section 1-3 of the Juvenile Court Act of 1987" */
const RE_OF_ACT =
  /,?\s+of\s+the\s+(Code\s+of\s+(?:[A-Z][A-Za-z'’.-]*(?:\s+and)?\s+){0,3}[A-Z][A-Za-z'’.-]*|(?:[A-Z][A-Za-z'’.-]*\s+(?:and\s+|&\s+|of\s+)?){0,7}Act|(?:[A-Z][A-Za-z'’.-]*\s+(?:and\s+|&\s+|of\s+)?){1,7}Code|INA|ERISA)(?:\s+of\s+(\d{4}))?(?![A-Za-z])/y;
/** codes written after the section: "§ 516.120, RSMo", "section 13-80-102, C.R.S.", "Article 4357, Vernon's Civil Statutes" */
const POST = CODES.map((c) => (c.post ? `(${c.post.join('|')})` : '((?!))')).join('|');
const RE_POST = new RegExp(`,?\\s*(?:${POST})(?![A-Za-z])`, 'y');
const RE_CITE_AFTER = /\s*\(/y;

/* ----------------------------------------------------------------------------------------- */

/** every citation has a digit, except amendments and constitution articles in roman numerals */
const PREFILTER = /\d|Amend|AMEND|Const|CONST/;

interface Ctx {
  text: string;
  cites: Cite[];
  dominant?: string | null;
  /** where a state's name starts (one scan of the state alternation serves every state-led family) */
  states?: number[];
}

const RE_STATE_ANCHOR = new RegExp(`(?<![A-Za-z])(?:${ANY_STATE_SOURCE})`, 'gi');

function stateAnchors(ctx: Ctx): number[] {
  if (!ctx.states) ctx.states = [...ctx.text.matchAll(RE_STATE_ANCHOR)].map((m) => m.index);
  return ctx.states;
}

/** Like text.matchAll(global), for a sticky regex tried only at the anchors (non-overlapping, in order). */
function* matchAt(text: string, anchors: number[], re: RegExp): Generator<RegExpExecArray> {
  let last = -1;
  for (const a of anchors) {
    if (a < last) continue;
    re.lastIndex = a;
    const m = re.exec(text);
    if (m) {
      last = m.index + m[0].length;
      yield m;
    }
  }
}

/** the sticky twin of a global regex (same source, lookbehinds kept) */
function sticky(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.replace('g', '') + 'y');
}

function dominantState(ctx: Ctx): string | null {
  if (ctx.dominant !== undefined) return ctx.dominant;
  const counts = new Map<string, number>();
  const re = new RegExp(`(?<![A-Za-z])(${STATES.flatMap((s) => s.full).join('|')})(?![A-Za-z])`, 'g');
  for (const m of ctx.text.matchAll(re)) {
    const j = stateOf(m[1]);
    if (j) counts.set(j, (counts.get(j) ?? 0) + 1);
  }
  for (const c of ctx.cites) if (c.j && c.j !== 'us' && !c.bare) counts.set(c.j, (counts.get(c.j) ?? 0) + 3);
  let best: string | null = null;
  let n = 0;
  for (const [j, k] of counts) if (k > n) [best, n] = [j, k];
  ctx.dominant = best;
  return best;
}

function addTail(
  ctx: Ctx,
  start: number,
  tail: Tail,
  base: Omit<Cite, 'start' | 'end' | 'section' | 'subs' | 'confidence'> & { confidence?: number },
): void {
  tail.items.forEach((it: SectionItem, i: number) => {
    ctx.cites.push({
      ...base,
      start: i === 0 ? start : it.start,
      end: it.end,
      section: normSection(it.section),
      subs: it.subs,
      through: it.through ? normSection(it.through) : undefined,
      throughSubs: it.throughSubs,
      etSeq: i === tail.items.length - 1 && tail.etSeq ? true : undefined,
      confidence: base.confidence ?? 0.95,
    });
  });
}

function titleBefore(text: string, start: number): { title: string; start: number } | undefined {
  const from = Math.max(0, start - 44);
  const m = RE_TITLE_BEFORE.exec(text.slice(from, start));
  if (!m) return undefined;
  const numEnd = from + m.index + m[0].trimEnd().length;
  const t = /[Tt]itle\s+\d/.exec(m[0]);
  return { title: m[1].toLowerCase(), start: t ? from + m.index + t.index : numEnd - m[1].length };
}

function federal(ctx: Ctx): void {
  const { text } = ctx;
  for (const m of text.matchAll(RE_USC_CFR)) {
    const cfr = !!m[2];
    const tb = titleBefore(text, m.index);
    const end = m.index + m[0].length;
    const tail = parseTail(text, end, {
      needDesignator: false,
      hyphen: false,
      designators: cfr ? ['sec', 'pt'] : ['sec'],
    });
    if (!tail) continue;
    const part = tail.designator === 'pt';
    addTail(ctx, tb ? tb.start : m.index, tail, {
      j: 'us',
      code: cfr ? 'cfr' : 'usc',
      title: tb?.title,
      kind: cfr ? 'regulation' : 'statute',
      confidence: tb ? 0.97 : 0.85,
    });
    if (part) for (const c of ctx.cites.slice(-tail.items.length)) c.section = `pt ${c.section}`;
  }
  for (const m of text.matchAll(RE_FEDREG)) {
    ctx.cites.push(simple(m, 'us', 'fed reg', m[1], m[2].replace(/,/g, ''), 'regulation'));
  }
  for (const m of text.matchAll(RE_STAT)) {
    ctx.cites.push(simple(m, 'us', 'stat', m[1], m[2].replace(/,/g, ''), 'session_law'));
  }
  for (const m of text.matchAll(RE_PUBL)) {
    ctx.cites.push(simple(m, 'us', 'pub l', undefined, `${Number(m[1])}-${Number(m[2])}`, 'session_law'));
  }
  for (const m of text.matchAll(RE_USSG)) {
    const tail = parseTail(text, m.index + m[0].length, { needDesignator: true, hyphen: false });
    if (!tail || !/^\d[a-z]\d/i.test(tail.items[0].section)) continue;
    addTail(ctx, m.index, tail, { j: 'us', code: 'ussg', kind: 'guideline' });
  }
  for (const m of text.matchAll(RE_FEDRULE)) {
    const set =
      FEDRULE_CODE[
        m[1]
          .toLowerCase()
          .replace(/\..*$/, '')
          .replace(/il$|inal$|ellate$|ence$|ruptcy$/, '')
      ];
    ruleTail(ctx, m, 'us', set ?? 'frcp');
  }
  for (const m of text.matchAll(RE_CIRRULE)) {
    const n = m[1] ?? (m[2] ? m[2].replace(/[.\s]/g, '').toLowerCase() : m[3] ? (ordinal(m[3]) ?? m[3].replace(/[.\s]/g, '').toLowerCase()) : '');
    const cir = /^\d+$/.test(String(n)) ? `${n}${suffix(Number(n))} cir r` : `${String(n).replace(/^federal$/, 'fed')} cir r`;
    ruleTail(ctx, m, 'us', cir);
  }
  for (const m of text.matchAll(RE_LOCALRULE)) ruleTail(ctx, m, '', 'local rule', 0.8);
  for (const m of text.matchAll(RE_VACCINE)) ruleTail(ctx, m, 'us', 'vaccine r', 0.9);
  for (const m of text.matchAll(RE_FED_ACRONYM)) ruleTail(ctx, m, 'us', FED_ACRONYM[m[1].toUpperCase().replace(/\./g, '')]);
}

function suffix(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
}

const RE_RULE_NO = /\s*No\.(?=\s*\d)/y;

function ruleTail(ctx: Ctx, m: RegExpMatchArray, j: string, code: string, confidence = 0.95): void {
  let p = m.index! + m[0].length;
  const no = at(RE_RULE_NO, ctx.text, p);
  if (no) p = no.index + no[0].length;
  const tail = parseTail(ctx.text, p, { needDesignator: false, hyphen: true, designators: ['rule'] });
  if (!tail) return;
  addTail(ctx, m.index!, tail, { j, code, kind: 'rule', ruleSet: true, confidence });
}

function simple(m: RegExpMatchArray, j: string, code: string, title: string | undefined, section: string, kind: Kind): Cite {
  return { start: m.index!, end: m.index! + m[0].length, j, code, title, section, subs: [], kind, confidence: 0.97 };
}

function constitutions(ctx: Ctx): void {
  const { text } = ctx;
  for (const m of [...text.matchAll(RE_CONST_US), ...matchAt(text, stateAnchors(ctx), RE_CONST_STATE_Y)]) {
    const who = m[1];
    const j = /^u\.\s*s\.$|^united\s+states$/i.test(who) ? 'us' : stateOf(who);
    if (!j) continue;
    const d = m[2].toLowerCase();
    const kind = d.startsWith('am') ? 'amend' : d.startsWith('art') ? 'art' : '';
    let end = m.index + m[0].length;
    const subs: string[] = [];
    let section: string;
    if (kind) {
      section = `${kind} ${num(m[3])}`;
      const t = at(RE_CONST_TAIL, text, end);
      if (t) {
        subs.push(num(t[1]));
        if (t[2]) subs.push(`cl ${t[2]}`);
        end = t.index + t[0].length;
      } else {
        const c = at(RE_CONST_CL, text, end);
        if (c) {
          subs.push(`cl ${c[1]}`);
          end = c.index + c[0].length;
        }
      }
    } else section = num(m[3]);
    ctx.cites.push({ start: m.index, end, j, code: 'const', section, subs, kind: 'constitution', confidence: 0.97 });
    // "Ky. Const. §§ 14, 54": one mention per section
    if (!kind && m[2] === '§§')
      for (let i = 0; i < 20; i++) {
        const more = at(RE_CONST_MORE, text, end);
        if (!more) break;
        const st = more.index + more[0].length - more[1].length;
        end = more.index + more[0].length;
        ctx.cites.push({ start: st, end, j, code: 'const', section: num(more[1]), subs: [], kind: 'constitution', confidence: 0.95 });
      }
  }
  // "Article III of the Constitution", "Section 6 of Article VIII of the Texas Constitution"
  for (const m of text.matchAll(/Constitution(?![A-Za-z])/g)) {
    const from = Math.max(0, m.index - 90);
    const w = RE_ARTICLE_CONST.exec(text.slice(from, m.index + m[0].length));
    if (!w) continue;
    const who = w[5];
    const j = !who || /^(?:united\sstates|u\.\s?s\.|federal)$/i.test(who) ? 'us' : stateOf(who);
    if (!j) continue;
    const subs: string[] = [];
    const sec = w[1] ?? w[3];
    if (sec) subs.push(num(sec));
    if (w[4]) subs.push(`cl ${w[4]}`);
    ctx.cites.push({
      start: from + w.index,
      end: m.index + m[0].length,
      j,
      code: 'const',
      section: `art ${num(w[2])}`,
      subs,
      kind: 'constitution',
      confidence: 0.9,
    });
  }
  for (const m of text.matchAll(RE_AMEND_ROMAN)) {
    const n = roman(m[1]);
    if (!n || n > 27) continue;
    if (RE_AMEND_TO.test(text.slice(m.index + m[0].length, m.index + m[0].length + 60))) continue;
    ctx.cites.push({
      start: m.index,
      end: m.index + m[0].length,
      j: 'us',
      code: 'const',
      section: `amend ${n}`,
      subs: [],
      kind: 'constitution',
      confidence: 0.85,
    });
  }
  for (const w of text.matchAll(RE_AMEND_WORD)) {
    const from = Math.max(0, w.index - 160);
    const b = RE_AMEND_BEFORE.exec(text.slice(from, w.index));
    if (!b) continue;
    const m = { index: from + b.index, 0: text.slice(from + b.index, w.index + w[0].length) };
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 60);
    if (RE_AMEND_ORG.test(after) || RE_AMEND_TO.test(after)) continue;
    const ords = [...m[0].matchAll(RE_ORD)];
    ords.forEach((o, i) => {
      const n = ordinal(o[0]);
      if (!n || n > 27) return;
      const start = m.index + o.index;
      const end = i === ords.length - 1 ? m.index + m[0].length : start + o[0].length;
      ctx.cites.push({ start, end, j: 'us', code: 'const', section: `amend ${n}`, subs: [], kind: 'constitution', confidence: 0.9 });
    });
  }
}

function rules(ctx: Ctx): void {
  const { text } = ctx;
  for (const m of matchAt(text, stateAnchors(ctx), RE_STATERULE_Y)) {
    const j = stateOf(m[1]);
    if (!j) continue;
    const w = m[2].toLowerCase().replace(/\..*$|il$|inal$|ellate$|ence$|enile$|essional\s?conduct$|\s?conduct$/, '');
    const set = STATERULE_CODE[w] ?? STATERULE_CODE[w.replace(/\W.*$/, '')];
    if (!set) continue;
    ruleTail(ctx, m, j, set);
  }
  for (const m of [...matchAt(text, stateAnchors(ctx), RE_SUPCT_STATE_Y), ...text.matchAll(RE_SUPCT_PLAIN)]) {
    const j = m[1] ? stateOf(m[1]) : 'us';
    if (!j) continue;
    ruleTail(ctx, m, j, 'sup ct r');
  }
  for (const m of matchAt(text, stateAnchors(ctx), RE_STATE_RULES_Y)) {
    const j = stateOf(m[1]);
    if (j) ruleTail(ctx, m, j, m[2] ? 'rules of court' : 'rule');
  }
  for (const m of text.matchAll(RE_OHIO_SHORT)) {
    const d = dominantState(ctx);
    ruleTail(ctx, m, !d || d === 'oh' ? 'oh' : d, OHIO_SHORT[m[1].toLowerCase()], 0.9);
  }
  for (const m of text.matchAll(RE_OHIORULE)) {
    const code = m[1].startsWith('Gov') ? 'gov bar r' : m[1].startsWith('Prof') ? 'prof cond r' : 'sup r';
    const subs: string[] = [];
    let end = m.index + m[0].length;
    for (let i = 0; i < 8; i++) {
      const s = at(/\((\w{1,3})\)/y, text, end);
      if (!s) break;
      subs.push(s[1]);
      end = s.index + s[0].length;
    }
    ctx.cites.push({ start: m.index, end, j: 'oh', code, section: m[2].toLowerCase(), subs, kind: 'rule', confidence: 0.9, ruleSet: true });
  }
}

function entryTail(
  ctx: Ctx,
  e: CodeEntry | { j: string; code: string; hyphen?: boolean; art?: boolean; title?: CodeEntry['title']; kind?: Kind },
  start: number,
  headEnd: number,
  titleIn?: string,
): boolean {
  const { text } = ctx;
  let p = headEnd;
  let title = titleIn;
  let s = start;
  if (e.title === 'before' || e.title === 'any') {
    const tb = titleBefore(text, start);
    if (tb) {
      title = tb.title;
      s = tb.start;
    }
  }
  if (!title && (e.title === 'tit' || e.title === 'any')) {
    const t = at(RE_TIT, text, p);
    if (t) {
      title = t[1].toLowerCase();
      p = t.index + t[0].length;
    }
  }
  if (!title && e.title === 'ch') {
    const t = at(RE_CH, text, p);
    if (t) {
      title = t[1].toLowerCase();
      p = t.index + t[0].length;
    }
  }
  if (e.title && !title) return false;
  const par = 'par' in e && e.par;
  const opts: TailOptions = {
    needDesignator: false,
    hyphen: !!e.hyphen,
    designators: par ? ['par', 'sec'] : e.title === 'ch' ? ['sec', 'art'] : ['sec', 'art', 'ch'],
  };
  const tail = parseTail(text, p, opts);
  if (!tail) return false;
  if (tail.designator === 'ch') for (const it of tail.items) it.section = `ch ${it.section}`;
  addTail(ctx, s, tail, { j: e.j, code: e.code, title, kind: e.kind ?? 'statute', ruleSet: e.kind === 'rule' || undefined });
  return true;
}

function stateCodes(ctx: Ctx): void {
  const { text } = ctx;
  for (const m of [...matchAt(text, stateAnchors(ctx), RE_CODES_STATE_Y), ...text.matchAll(RE_CODES_OTHER)]) {
    if (!/[A-Z]/.test(m[0])) continue;
    let gi = -1;
    for (let i = 1; i < m.length; i++)
      if (m[i] !== undefined) {
        gi = i - 1;
        break;
      }
    const e = CODES[gi];
    if (!e) continue;
    entryTail(ctx, e, m.index, m.index + m[0].length);
  }
  for (const re of [RE_GENERIC_ANCH, RE_MD_ANCH]) {
    for (const m of matchAt(text, stateAnchors(ctx), re)) {
      if (!/[A-Z]/.test(m[0])) continue;
      const g = genericCode(m, re === RE_MD_ANCH);
      if (!g) continue;
      entryTail(ctx, g, m.index, m.index + m[0].length);
    }
  }
  for (const m of text.matchAll(RE_NYLAW)) {
    entryTail(ctx, { j: 'ny', code: nyLawKey(m[1]), hyphen: true }, m.index, m.index + m[0].length);
  }
  // unprefixed subject codes ("Penal Code section 187", "Code Civ. Proc., § 128")
  for (const m of text.matchAll(RE_CODE_ANCHOR)) {
    const b = RE_SUBJ_BEFORE.exec(text.slice(Math.max(0, m.index - 70), m.index));
    let start = m.index;
    let end = m.index + m[0].length;
    const words: string[] = [];
    if (b) {
      start = m.index - b[0].length;
      words.push(b[1]);
    }
    const a = at(RE_SUBJ_AFTER, text, end);
    if (a) {
      words.push(a[1]);
      end = a.index + a[0].length;
    }
    if (!words.length) {
      // Virginia and other "Code" states cite their own code as "Code § 8.01-243"
      if (!/^\s*§/.test(text.slice(end, end + 4))) continue;
      const pw = /(\S+)\s+$/.exec(text.slice(Math.max(0, start - 20), start));
      if (pw && /^[A-Z]/.test(pw[1]) && !/^(?:See|Cf\.|But|And|Under|Also|Compare|Per)$/.test(pw[1])) continue;
      const j = dominantState(ctx);
      const e = j ? CODES.find((c) => c.j === j && c.code === 'code' && !c.title) : undefined;
      if (e) entryTail(ctx, e, start, end);
      continue;
    }
    if (!/[A-Z]/.test(text.slice(start, end))) continue;
    const j = dominantState(ctx);
    if (!j) continue;
    const code = subjectKey(`${words.join(' ')} code`);
    const pa = j === 'pa' ? PA_TITLES[code] : undefined;
    entryTail(ctx, pa ? { j, code: 'cons stat' } : { j, code, hyphen: true }, start, end, pa);
  }
}

function genericCode(m: RegExpMatchArray, md: boolean): { j: string; code: string; hyphen: boolean; kind?: Kind } | undefined {
  const j = stateOf(m[1]);
  if (!j) return undefined;
  if (md) return { j, code: `${subjectKey(m[2])} code`, hyphen: true };
  if (!m[2] && !m[4]) return undefined;
  const word = m[3].toLowerCase();
  if (word === 'law' && (m[4] || !m[2])) return undefined;
  const code = subjectKey(`${m[2] ?? ''} ${word} ${m[4] ?? ''}`);
  const kind: Kind | undefined = /\b(?:regs|admin)\b/.test(code) ? 'regulation' : undefined;
  return { j, code, hyphen: true, kind };
}

/** A code's name starting exactly at pos ("of the Vehicle Code", "of the South Carolina Code"). */
function headAt(ctx: Ctx, pos: number): { j: string; code: string; title?: string; end: number; kind?: Kind } | undefined {
  const { text } = ctx;
  let m = at(RE_CODES_Y, text, pos);
  if (m && /[A-Z]/.test(m[0])) {
    const gi = m.slice(1).findIndex((x) => x !== undefined);
    const e = CODES[gi];
    if (e && !e.title) return { j: e.j, code: e.code, end: m.index + m[0].length, kind: e.kind };
  }
  m = at(RE_GENERIC_Y, text, pos);
  if (m) {
    const g = genericCode(m, false);
    if (g) return { ...g, end: m.index + m[0].length };
  }
  m = at(RE_NYLAW_Y, text, pos);
  if (m) return { j: 'ny', code: nyLawKey(m[1]), end: m.index + m[0].length };
  m = at(RE_UNPREF_Y, text, pos);
  if (m && /[A-Z]/.test(m[0])) {
    const j = dominantState(ctx);
    if (!j) return undefined;
    const code = subjectKey(`${m[1]} code ${m[2] ?? ''}`);
    const pa = j === 'pa' ? PA_TITLES[code] : undefined;
    return pa ? { j, code: 'cons stat', title: pa, end: m.index + m[0].length } : { j, code, end: m.index + m[0].length };
  }
  return undefined;
}

function restatements(ctx: Ctx): void {
  for (const m of ctx.text.matchAll(RE_RESTATEMENT)) {
    const subject = m[2]
      .toLowerCase()
      .replace(/[,&]|\band\b/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    ctx.cites.push({
      start: m.index,
      end: m.index + m[0].length,
      j: '',
      code: `restatement ${m[1].toLowerCase()} ${subject}`,
      section: m[3].toLowerCase(),
      subs: [],
      kind: 'secondary',
      confidence: 0.9,
    });
  }
}

/* ----------------------------------------------------------------------------------------- */
/* spans, overlaps, bare forms                                                                */

function covered(sorted: Cite[], pos: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = sorted[mid];
    if (c.end <= pos) lo = mid + 1;
    else if (c.start > pos) hi = mid - 1;
    else return true;
  }
  return false;
}

function dedupe(cites: Cite[]): Cite[] {
  // earlier in the list = higher priority; among equals the longer span
  const order = cites.map((c, i) => ({ c, i }));
  order.sort((a, b) => a.c.start - b.c.start || b.c.end - a.c.end || a.i - b.i);
  const out: Cite[] = [];
  for (const { c } of order) {
    const last = out[out.length - 1];
    if (last && c.start < last.end) {
      // keep the one that starts first (it is the longer here); a later higher-priority one replaces it
      // only if it covers it
      if (c.end > last.end && c.start === last.start) out[out.length - 1] = c;
      continue;
    }
    out.push(c);
  }
  return out;
}

function actBase(name: string): { j: string; code: string; title?: string } {
  const n = name.toLowerCase().replace(/\s+/g, ' ').trim();
  if (n === 'ina' || n === 'immigration and nationality act') return { j: 'us', code: 'ina' };
  if (n === 'erisa' || n === 'employee retirement income security act') return { j: 'us', code: 'erisa' };
  if (/^(?:securities (?:and )?)?exchange act$/.test(n)) return { j: 'us', code: 'exchange act' };
  if (n === 'bankruptcy code') return { j: 'us', code: 'usc', title: '11' };
  if (n === 'internal revenue code') return { j: 'us', code: 'usc', title: '26' };
  return { j: '', code: n };
}

function lastBefore(sorted: Cite[], pos: number): Cite | undefined {
  let lo = 0;
  let hi = sorted.length - 1;
  let best: Cite | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].end <= pos) {
      best = sorted[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

function bareSections(ctx: Ctx, full: Cite[]): Cite[] {
  const { text } = ctx;
  const out: Cite[] = [];
  for (const m of text.matchAll(RE_BARE)) {
    if (covered(full, m.index)) continue;
    const word = !!m[2];
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    const named = RE_NAMED_BEFORE.exec(before);
    if (!named && RE_BARE_SKIP.test(before)) continue;
    if (/\bp(?:p)?\.\s*\d+,\s*$/.test(before)) continue; // "Ga. L. 2005, p. 1, § 2": a session law's section
    // a docket number in a caption column ("§ 4:21-CV-110-A")
    if (/^\s*\d{1,2}:\d{2}-?[A-Za-z]{2}/.test(text.slice(m.index + m[0].length, m.index + m[0].length + 12))) continue;
    const tail = parseTail(text, m.index + m[0].length, { needDesignator: false, hyphen: true });
    if (!tail) continue;
    if (!named && RE_DOC_AFTER.test(text.slice(tail.end, tail.end + 80))) continue;
    let start = m.index;
    let base: { j: string; code: string; title?: string; kind?: Kind; bare?: Cite['bare']; copy?: Cite } | undefined;
    const prev = lastBefore(full, m.index);
    if (prev && prev.code === 'pub l' && /^\s*,\s*$/.test(text.slice(prev.end, m.index))) {
      base = { j: 'us', code: 'pub l', title: prev.section, kind: 'session_law' };
    } else if (named) {
      start = Math.max(0, m.index - (before.length - named.index));
      base = named[1]
        ? { j: 'us', code: named[1].toLowerCase() }
        : named[2]
          ? { j: 'us', code: 'usc', title: '11' }
          : { j: 'us', code: 'usc', title: '26' };
    } else {
      // "Section 1547(b)(1)(i) of the Vehicle Code", "section 509(9) of title 59"
      const of = at(RE_OF_THE, text, tail.end);
      if (of) {
        const h = headAt(ctx, of.index + of[0].length);
        if (h) {
          base = { j: h.j, code: h.code, title: h.title, kind: h.kind };
          tail.end = h.end;
          tail.items[tail.items.length - 1].end = h.end;
        }
      }
      if (!base) {
        const a = at(RE_OF_ACT, text, tail.end);
        if (a) {
          const actEnd = a.index + a[0].length;
          const paren = at(RE_CITE_AFTER, text, actEnd);
          const inner = paren ? full.find((c) => c.start === paren.index + paren[0].length) : undefined;
          base = inner ? { j: inner.j, code: inner.code, title: inner.title, kind: inner.kind, copy: inner } : actBase(a[1]);
          tail.end = actEnd;
          tail.items[tail.items.length - 1].end = actEnd;
        }
      }
      if (!base) {
        const pc = at(RE_POST, text, tail.end);
        if (pc) {
          const gi = pc.slice(1).findIndex((x) => x !== undefined);
          const e = CODES[gi];
          if (e) {
            base = { j: e.j, code: e.code, kind: e.kind };
            tail.end = pc.index + pc[0].length;
            tail.items[tail.items.length - 1].end = tail.end;
          }
        }
      }
      if (!base) {
        const t = at(RE_OF_TITLE, text, tail.end);
        if (t && (t[2] || full.some((c) => c.code === 'usc'))) {
          base = { j: 'us', code: 'usc', title: t[1] };
          tail.end = t.index + t[0].length;
          tail.items[tail.items.length - 1].end = tail.end;
        }
      }
      if (!base) {
        if (RE_ID_BEFORE.test(before)) {
          base = { j: '', code: '', bare: 'id' };
        } else base = { j: '', code: '', bare: word ? 'word' : 'sec' };
      }
    }
    const copy = base.copy;
    const items: Cite[] = tail.items.map((it, i) => ({
      start: i === 0 ? start : it.start,
      end: it.end,
      j: base.j,
      code: base.code,
      title: base.title,
      section: copy && tail.items.length === 1 ? copy.section : normSection(it.section),
      subs: copy && tail.items.length === 1 ? copy.subs : it.subs,
      through: it.through ? normSection(it.through) : undefined,
      throughSubs: it.throughSubs,
      etSeq: i === tail.items.length - 1 && tail.etSeq ? true : undefined,
      kind: base.kind ?? 'statute',
      bare: base.bare,
      confidence: base.bare ? 0.8 : 0.9,
    }));
    out.push(...items);
  }
  return out;
}

function resolveBare(bare: Cite[], full: Cite[]): Cite[] {
  const statutes = [...full, ...bare.filter((b) => !b.bare && b.code)]
    .filter((c) => c.kind === 'statute' || c.kind === 'regulation')
    .sort((a, b) => a.start - b.start);
  const codesOf = (list: Cite[]): Set<string> => new Set(list.map((c) => `${c.j}|${c.code}|${c.title ?? ''}`));
  const all = codesOf(statutes);
  const out: Cite[] = [];
  for (const b of bare) {
    if (!b.bare) {
      out.push(b);
      continue;
    }
    let src: Cite | undefined;
    if (/^\d[a-z]\d\.\d/.test(b.section)) {
      out.push({ ...b, j: 'us', code: 'ussg', kind: 'guideline', bare: undefined, confidence: 0.85 });
      continue;
    }
    if (b.bare === 'id') {
      for (const c of statutes) if (c.start < b.start) src = c;
    }
    if (!src) {
      const same = statutes.filter((c) => c.section === b.section);
      if (same.length && codesOf(same).size === 1) src = same[0];
    }
    if (!src && b.bare !== 'word' && all.size === 1) src = statutes[0];
    if (src) {
      out.push({ ...b, j: src.j, code: src.code, title: src.title, kind: src.kind, bare: undefined, confidence: 0.85 });
    } else if (b.bare === 'sec' || b.bare === 'id') {
      out.push({ ...b, j: '', code: '', confidence: 0.6 });
    }
  }
  return out;
}

function bareRules(ctx: Ctx, full: Cite[]): Cite[] {
  const { text } = ctx;
  const allSets = full.filter((c) => c.ruleSet);
  // circuit and local rules are never the default rule set of a bare "Rule N"
  const sets = allSets.filter((c) => c.code !== 'local rule' && !c.code.endsWith('cir r'));
  const out: Cite[] = [];
  for (const m of text.matchAll(RE_BARERULE)) {
    if (covered(full, m.index)) continue;
    const before = text.slice(Math.max(0, m.index - 24), m.index);
    const pw = /([A-Za-z][\w.'’]*)\s+$/.exec(before);
    if (pw && RE_RULE_OWNER.test(pw[1])) continue;
    if (/(?:Federal|Fed\.)\s$/.test(before)) continue;
    const tail = parseTail(text, m.index + m[0].length, { needDesignator: false, hyphen: true, designators: ['rule'] });
    if (!tail) continue;
    const first = tail.items[0];
    if (m[1]) {
      let prevRule: Cite | undefined;
      for (const c of allSets) if (c.start < m.index) prevRule = c;
      if (!prevRule) continue;
      tail.items.forEach((it, i) =>
        out.push({
          start: i === 0 ? m.index + m[1].length : it.start,
          end: it.end,
          j: prevRule.j,
          code: prevRule.code,
          section: normSection(it.section),
          subs: it.subs,
          kind: 'rule',
          confidence: 0.85,
        }),
      );
      continue;
    }
    if (/^10b-5$/i.test(first.section)) {
      out.push({
        start: m.index,
        end: first.end,
        j: 'us',
        code: 'cfr',
        title: '17',
        section: '240.10b-5',
        subs: first.subs,
        kind: 'regulation',
        confidence: 0.9,
      });
      continue;
    }
    let j = '';
    let code = '';
    const of = at(RE_RULE_OF_THE, text, tail.end);
    const sc = at(RE_SCRULE, text, tail.end);
    let end = tail.end;
    if (of) {
      j = 'us';
      code = of[1] ? RULE_FULL[of[1].toLowerCase().replace(/\s+/g, ' ')] : `habeas ${of[2]} r`;
      end = of.index + of[0].length;
    } else if (sc) {
      j = 'sc';
      code = sc[1].toLowerCase().replace(/^sc/, '');
      end = sc.index + sc[0].length;
    } else {
      const base = normSection(first.section).replace(/\(.*$/, '');
      const same = allSets.filter((c) => c.section.replace(/\(.*$/, '') === base);
      const pick = (list: Cite[]): Cite | undefined => {
        const keys = new Set(list.map((c) => `${c.j}|${c.code}`));
        if (keys.size === 1) return list[0];
        if (!keys.size) return undefined;
        const frcp = list.find((c) => c.code === 'frcp');
        if (frcp) return frcp;
        let last: Cite | undefined;
        for (const c of list) if (c.start < m.index) last = c;
        return last ?? list[0];
      };
      const src = pick(same) ?? pick(sets);
      if (src) {
        j = src.j;
        code = src.code;
      } else if (!first.subs.length) continue;
      // no rule set cited: "Rule 12(b)(6)" is still a rule (key `rule 12(b)(6)`)
    }
    tail.items.forEach((it, i) => {
      out.push({
        start: i === 0 ? m.index : it.start,
        end: i === tail.items.length - 1 ? Math.max(it.end, end) : it.end,
        j,
        code,
        section: normSection(it.section),
        subs: it.subs,
        throughSubs: it.throughSubs,
        kind: 'rule',
        confidence: code ? 0.85 : 0.6,
      });
    });
    // a set named here ("Rule 4 of the Rules Governing § 2254 Cases") serves the later bare "Rule 4"
    if (code && (of || sc)) allSets.push({ ...out[out.length - 1], ruleSet: true });
  }
  return out;
}
/** "<Name> Rule N" is that body's rule, not the document's rule set ("Vaccine Rule 18", "Local Rule 7") */
const RE_RULE_OWNER =
  /^(?:Local|Vaccine|Appellate|Civil|Criminal|Evidence|Court|Circuit|Bar|Bankruptcy|Juvenile|Family|Probate|Superior|District|Tax|Admiralty|Supplemental|Uniform|Model|Professional|Ethics|Administrative|Commission|Board|SEC|FINRA|NASD|Exchange|Committee|Golden|Mailbox|General|Special|Standing|House|Senate|State|Agency|Department|Company|Club|Plan|League|NCAA|Association|Union|Arbitration|AAA|JAMS|ICC|Interim|Final|Proposed|Emergency|Tribal|Municipal|City|County|Town|Village|Zoning|School|University|College)$/i;

/* ----------------------------------------------------------------------------------------- */

function keyOf(c: Cite, withSubs: boolean): string {
  const head = [c.j, c.code, c.title].filter((x) => x).join(' ');
  let sec: string;
  if (c.kind === 'constitution') sec = [c.section, ...(withSubs ? c.subs : [])].join(' ');
  else sec = c.section + (withSubs ? c.subs.map((s) => `(${s.toLowerCase()})`).join('') : '');
  if (!head) return c.kind === 'rule' ? `rule ${sec}` : `section ${sec}`;
  return `${head} ${sec}`.toLowerCase().replace(/\s+/g, ' ').trim();
}

function toMention(text: string, c: Cite): LegalMention {
  const attributes: Record<string, AttributeValue> = {
    jurisdiction: c.j || null,
    code: c.code || null,
    title: c.title ?? null,
    section: c.section,
    subsections: c.subs,
    sectionKey: keyOf(c, false),
    kind: c.kind,
  };
  if (c.through) attributes.through = c.through;
  if (c.throughSubs) attributes.throughSubsections = c.throughSubs;
  if (c.etSeq) attributes.etSeq = true;
  return {
    type: 'STATUTE',
    start: c.start,
    end: c.end,
    text: text.slice(c.start, c.end),
    key: keyOf(c, true),
    attributes,
    confidence: c.confidence,
    method: METHOD,
  };
}

/** Statutes, constitutions, regulations, court rules, guidelines, session laws. */
export function findStatutes(text: string): LegalMention[] {
  if (!text || !PREFILTER.test(text)) return [];
  const ctx: Ctx = { text, cites: [] };
  federal(ctx);
  constitutions(ctx);
  rules(ctx);
  stateCodes(ctx);
  restatements(ctx);
  const full = dedupe(ctx.cites);
  const bare = resolveBare(bareSections(ctx, full), full);
  const withBare = dedupe([...full, ...bare]);
  const rulesBare = bareRules(ctx, withBare);
  const all = dedupe([...withBare, ...rulesBare]);
  return all.map((c) => toMention(text, c));
}

/** The STATUTE key of a statute citation string, or undefined. */
export function statuteKey(text: string): string | undefined {
  const m = findStatutes(text.trim());
  return m.length ? m[0].key : undefined;
}
