import type { LegalMention } from '../types';
import type { LegalPeopleContext } from './context';
import type { GovernmentContext } from './governments';
import { displayName, hasOrgWord, isPersonName, nameKey, spacedPattern } from './names';
import type { Party } from './parties';

/**
 * Defined short names: "Louisville Gas and Electric Company (“LG&E”)", "Bell Atlantic Corporation ("Bell
 * Atlantic")", "José Neto ("Neto")", "(hereinafter “Smith”)", "The Golf Warehouse, LLC (TGW)". The short name
 * and every later use of it carry the key of the full name (a caption party's key when the full name is a
 * party). Generic role words are not names ("(collectively, “Defendants”)", "(the "Company")",
 * "(hereinafter “Petitioner”)"); courts ("the Board of Immigration Appeals (“BIA”)") are the courts finder's;
 * statutes and concepts ("Freedom of Information Act (“FOIA”)", "residual functional capacity (RFC)") are skipped.
 */
export interface DefinedTermsInput {
  parties: Party[];
  context: LegalPeopleContext;
  gov: GovernmentContext;
  /** Spans already found (caption parties): not found again. */
  taken: [number, number][];
}

const DEF = /\(([^()\n“”"]{0,40}?)[“"]+[‘']?([^“”"()\n]{1,40}?)[”"]+([^()\n]{0,60}?)\)|\(([A-Z][A-Za-z]?[A-Z&][A-Z&]{0,7})\)/g;
const PREFIX = /^(?:\s*(?:hereinafter|hereafter|herein|collectively|together|jointly|referred to|as|the|a|an|or|,|and)\s*)*$/i;
const GENERIC = new Set(
  (
    'plaintiff plaintiffs defendant defendants petitioner petitioners respondent respondents appellant appellants ' +
    'appellee appellees movant movants complainant licensee applicant applicants relator debtor debtors creditor ' +
    'trustee claimant claimants intervenor intervenors parties party company companies corporation court agreement ' +
    'act opinion order petition complaint motion institute school city county state commonwealth government people ' +
    'board department agency bank trust fund district commission commissioner plan policy contract property ' +
    'premises record decision judgment employer employee employees union association authority office officers ' +
    'officer victim witness client insured insurer buyer seller lender borrower landlord tenant owner owners ' +
    'partnership estate hospital university college church client committee council division bureau program ' +
    'amended petition amended complaint stipulation defendants collectively deceased decedent minor child children ' +
    'father mother husband wife'
  ).split(' '),
);
const NOT_NAMES =
  /\b(?:Act|Code|Rules?|Regulations?|Amendments?|Constitution|Convention|Program|Plan|Agreement|Policy|Law|Order|Statute|Treaty|Guidelines|Procedures?|Test|Standard|Doctrine|Motion|Petition|Complaint|Report|Opinion|Decision|Stipulation|Application|Permit|Contract|Lease|Letter|Notice|Hearing|Trial|Record)$/;
const COURTLIKE = /\b(?:Court|COURT|Tribunal|Board of [A-Z][a-z]+ Appeals|Appeals Board|Bankruptcy Appellate Panel)\b/;
const CONNECTOR = new Set(['of', 'and', '&', 'the', 'for', 'de', 'on', 'in', 'at', 'du', 'des', 'la', 'del', 'to']);
const FORM = /^(?:Inc\.?|LLC|L\.L\.C\.|LLP|L\.P\.|LP|Ltd\.?|Co\.|Corp\.?|N\.A\.|P\.C\.|P\.A\.|PLLC)$/;
const ROLE_LEAD =
  /^(?:Plaintiffs?|Defendants?|Petitioners?|Respondents?|Appellants?|Appellees?|Movants?|Relators?|Debtors?|Intervenors?|Complainants?|Claimants?|the|The|THE|and|of|Before|After|On|In|Under|While|When|By|From|With|Against|Both|Pursuant)$/;

const TITLES = /\b(?:Attorney|Judge|Officer|Agent|Counsel|Clerk|Master|Examiner|Director|Secretary|General)$/;

/** A key without a leading "the" and a trailing legal form: "the nashville community bail fund" ~ "nashville community bail fund". */
function looseKey(key: string): string {
  let k = key.replace(/^the /, '');
  for (let prev = ''; prev !== k;) {
    prev = k;
    k = k.replace(/ (?:inc|llc|l l c|llp|corp|corporation|co|company|ltd|n a|p c|p a|pllc)$/, '');
  }
  return k;
}

interface Tok {
  text: string;
  start: number;
  end: number;
}

/** The capitalised name just before the parenthesis, as tokens. */
function nameBefore(text: string, open: number): Tok[] {
  const from = Math.max(0, open - 160);
  const window = text.slice(from, open);
  const toks: Tok[] = [];
  const re = /[\p{L}\p{N}&.'’-]+|,/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(window))) toks.push({ text: m[0], start: from + m.index, end: from + m.index + m[0].length });
  const out: Tok[] = [];
  for (let i = toks.length - 1; i >= 0; i--) {
    const t = toks[i];
    const w = t.text.replace(/['’]s$/, '');
    if (out.length) {
      // a blank line or a sentence's end between two words ends the name
      if (/\n[ \t\r]*\n/.test(text.slice(t.end, out[0].start)) && (/^[A-Z]{3,}$/.test(t.text) || ROLE_LEAD.test(t.text))) break;
      if (/\.$/.test(t.text) && !FORM.test(t.text) && !/^(?:\p{Lu}\.)+$|^(?:St|Mt|Ft|Jr|Sr|Bros|U\.S)\.$/u.test(t.text)) break;
    }
    if (t.text === ',') {
      // a comma only before a legal form ("Acme Holdings, LLC")
      if (out.length && FORM.test(out[0].text)) {
        out.unshift(t);
        continue;
      }
      break;
    }
    if (out.length === 0 && /^agency$/.test(w)) {
      out.unshift(t);
      continue;
    }
    if (/^\p{Lu}/u.test(w)) {
      out.unshift(t);
      continue;
    }
    if (CONNECTOR.has(w.toLowerCase()) && out.length) {
      out.unshift(t);
      continue;
    }
    break;
  }
  const mixed = out.some((t) => /\p{Ll}/u.test(t.text) && !CONNECTOR.has(t.text));
  while (
    out.length &&
    (ROLE_LEAD.test(out[0].text) ||
      out[0].text === ',' ||
      CONNECTOR.has(out[0].text.toLowerCase()) ||
      (mixed && /^[A-Z]{4,}$/.test(out[0].text) && out.length > 1 && /\n/.test(text.slice(out[0].end, out[1].start))))
  )
    out.shift();
  while (out.length && out[out.length - 1].text === 'agency') out.pop();
  // a sentence's first word is not part of the name when the rest is
  if (out.length > 2 && /\.$/.test(text.slice(Math.max(0, out[0].start - 3), out[0].start).trim()) === false) {
    /* keep */
  }
  return out;
}

function initials(toks: Tok[], all: boolean): string {
  return toks
    .filter((t) => t.text !== ',' && !FORM.test(t.text) && (all || !CONNECTOR.has(t.text.toLowerCase())))
    .map((t) => (t.text === '&' ? '' : t.text[0].toUpperCase()))
    .join('');
}

/** The longest tail of the name whose initials spell the acronym ("... Immigration and Customs Enforcement" -> "ICE"). */
function acronymMatch(toks: Tok[], acronym: string): Tok[] | undefined {
  const target = acronym.replace(/[^A-Z]/g, '');
  for (let s = 0; s < toks.length; s++) {
    if (CONNECTOR.has(toks[s].text.toLowerCase()) || toks[s].text === ',') continue;
    for (let e = toks.length; e > s; e--) {
      const sub = toks.slice(s, e);
      if (initials(sub, false) === target || initials(sub, true) === target) {
        // the full name keeps a legal form after it ("Louisville Gas and Electric Company")
        let end = e;
        while (
          end < toks.length &&
          (FORM.test(toks[end].text) || toks[end].text === ',' || /^(?:Company|Corporation|Co\.|Inc\.)$/.test(toks[end].text))
        )
          end++;
        return toks.slice(s, end);
      }
    }
  }
  return undefined;
}

function isGeneric(term: string, fullTokens: Tok[]): boolean {
  const t = term.replace(/^(?:the|The)\s+/, '').trim();
  if (!t || /\d/.test(t) || t === t.toLowerCase()) return true;
  if (GENERIC.has(t.toLowerCase())) return true;
  const words = t.split(/\s+/);
  if (words.every((w) => GENERIC.has(w.toLowerCase()))) return true;
  if (/^[A-Z&][A-Z&.-]+$/.test(t)) return false; // an acronym
  // a proper short name shares a word with the full name
  const full = new Set(
    fullTokens.map((x) =>
      x.text
        .toLowerCase()
        .replace(/['’]s$/, '')
        .replace(/[.,]$/, ''),
    ),
  );
  return !words.some((w) => full.has(w.toLowerCase().replace(/[.,]$/, '')));
}

export function findDefinedTerms(text: string, input: DefinedTermsInput): LegalMention[] {
  const out: LegalMention[] = [];
  const courts: [number, number][] = input.context.courts.map((c) => [c.start, c.end]);
  const cites: [number, number][] = input.context.citations.map((c) => [c.start, c.end]);
  const taken = [...input.taken];
  const overlaps = (spans: [number, number][], s: number, e: number) => spans.some(([a, b]) => s < b && a < e);
  interface Term {
    term: string;
    from: number;
    mention: Omit<LegalMention, 'start' | 'end' | 'text'>;
  }
  const terms: Term[] = [];
  DEF.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DEF.exec(text))) {
    const open = m.index;
    const quoted = m[2] !== undefined;
    if (quoted && (!PREFIX.test(m[1].replace(/[‘'“”"]/g, '')) || !/^(?:\s*(?:,|or|and)\s*(?:the\s+)?[“"][^“”"]+[”"])*\s*$/.test(m[3]))) continue;
    const rawTerm = (quoted ? m[2] : m[4]).replace(/^[‘'’]+|[‘'’]+$/g, '').trim();
    let toks = nameBefore(text, open);
    if (!toks.length) continue;
    // the whole name is a caption party's ("The Great Atlantic & Pacific Tea Company (“A&P”)"): keep it whole
    const wholeLoose = looseKey(nameKey(displayName(text.slice(toks[0].start, toks[toks.length - 1].end))));
    const wholeIsParty = input.parties.some((p) => looseKey(p.key) === wholeLoose);
    if (wholeIsParty) {
      /* the party's name as written */
    } else if (!quoted) {
      // "RG Golf Warehouse, Inc. (RG)": the short name is a word of the full name
      if (!toks.some((t) => t.text === rawTerm)) {
        const sub = acronymMatch(toks, rawTerm);
        if (!sub) continue;
        toks = sub;
      }
    } else if (/^[A-Z&][A-Z&.-]+$/.test(rawTerm.replace(/^the\s+/i, ''))) {
      const sub = acronymMatch(toks, rawTerm);
      if (sub) toks = sub;
    }
    if (isGeneric(rawTerm, toks)) continue;
    // "AUSA Sabita Singh": a title in capitals before a person's name
    while (toks.length > 2 && /^[A-Z]{2,6}$/.test(toks[0].text) && quoted && !/^[A-Z&]+$/.test(rawTerm)) toks = toks.slice(1);
    const fullStart = toks[0].start;
    let fullEnd = toks[toks.length - 1].end;
    if (/['’]s$/.test(toks[toks.length - 1].text)) fullEnd -= 2;
    const fullText = text.slice(fullStart, fullEnd).replace(/\s+/g, ' ');
    if (COURTLIKE.test(fullText) || overlaps(courts, fullStart, fullEnd)) continue;
    if (NOT_NAMES.test(fullText.replace(/[.,]$/, '')) || /[“”":;]/.test(fullText)) continue;
    if (TITLES.test(fullText) && !/^(?:Office|Department|Bureau|Division)\b/.test(fullText)) continue;
    if (overlaps(cites, fullStart, fullEnd)) continue;
    // the full name: a caption party's, or a name of its own
    const loose = looseKey(nameKey(displayName(fullText)));
    const party = input.parties.find(
      (p) => (p.start < fullEnd && fullStart < p.end) || looseKey(p.key) === loose || p.aliases.some((a) => a.start < fullEnd && fullStart < a.end),
    );
    let base: Omit<LegalMention, 'start' | 'end' | 'text'>;
    if (party) {
      base = {
        type: party.type,
        key: party.key,
        display: party.display,
        role: party.role,
        attributes: { ...party.attributes },
        confidence: 0.85,
        method: 'legal:party',
      };
      delete base.attributes!.side;
      if (!party.role) delete base.role;
      // the party's name where it is defined ("The Great Atlantic & Pacific Tea Company (“A&P”)")
      if (!overlaps(taken, fullStart, fullEnd)) {
        out.push({ ...base, start: fullStart, end: fullEnd, text: text.slice(fullStart, fullEnd), confidence: 0.75 });
        taken.push([fullStart, fullEnd]);
      }
    } else {
      const display = displayName(fullText);
      let type: 'PERSON' | 'ORG' | undefined;
      const acronym = /^[A-Z&]{2,}$/.test(rawTerm);
      if (!acronym && isPersonName(display, 2) && !hasOrgWord(display)) type = 'PERSON';
      else if (hasOrgWord(display)) type = 'ORG';
      if (!type) continue;
      base = { type, key: nameKey(display), display, attributes: {}, confidence: 0.8, method: 'legal:party' };
      if (!overlaps(taken, fullStart, fullEnd)) {
        out.push({ ...base, start: fullStart, end: fullEnd, text: text.slice(fullStart, fullEnd), attributes: { definedAs: rawTerm } });
        taken.push([fullStart, fullEnd]);
      }
    }
    // the short name in the definition
    const termAt = text.indexOf(rawTerm, open);
    if (termAt >= 0 && termAt < open + m[0].length) {
      out.push({ ...base, start: termAt, end: termAt + rawTerm.length, text: rawTerm, attributes: { ...base.attributes, alias: true } });
      taken.push([termAt, termAt + rawTerm.length]);
    }
    terms.push({ term: rawTerm.replace(/^(?:the|The)\s+/, ''), from: open + m[0].length, mention: base });
  }
  if (!terms.length) return out;
  // later uses of the short names
  const byTerm = new Map<string, Term>();
  for (const t of terms) if (!byTerm.has(t.term)) byTerm.set(t.term, t);
  const alts = [...byTerm.keys()].sort((a, b) => b.length - a.length).map((t) => spacedPattern(t));
  const re = new RegExp(`(?<![\\p{L}\\p{N}&])(?:${alts.join('|')})(?![\\p{L}\\p{N}&])`, 'gu');
  re.lastIndex = Math.min(...terms.map((t) => t.from));
  while ((m = re.exec(text))) {
    const t = byTerm.get(m[0].replace(/\s+/g, ' '));
    if (!t || m.index < t.from) continue;
    const start = m.index;
    const end = start + m[0].length;
    if (overlaps(taken, start, end) || overlaps(cites, start, end) || overlaps(courts, start, end)) continue;
    out.push({ ...t.mention, start, end, text: m[0], attributes: { ...t.mention.attributes, alias: true }, confidence: 0.75 });
  }
  return out;
}
