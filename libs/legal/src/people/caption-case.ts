import { caseNameKey } from '../citations/case-citations';
import type { AttributeValue, LegalMention } from '../types';

/*
 * The document's own case: one CASE mention per caption (consolidated captions: one each), named as a reporter
 * cites it ("Hines v. State", "In re Estate of Smith"), keyed as a later document citing it by name alone is keyed
 * (caseNameKey), on the caption's "v." or "In re" words, which no party mention covers.
 */

/** What the party code hands over: a caption party (absolute side number) and what joins the sides. */
export interface CaptionPartyLike {
  type: 'PERSON' | 'ORG';
  display: string;
  key: string;
  start: number;
  attributes: Record<string, AttributeValue>;
  government?: boolean;
}

export interface CaptionLinkLike {
  kind: 'v' | 'inRe';
  start: number;
  end: number;
  sides: number[];
  prefix?: string;
}

export interface CaptionCase {
  start: number;
  end: number;
  display: string;
  key: string;
  /** Absolute side numbers of the caption (first side first). */
  sides: number[];
  /** Order among the document's captions. */
  index: number;
}

const SUFFIX = /^(?:Jr\.?|Sr\.?|II|III|IV|V|Esq\.?)$/i;

/** A party as a reporter's case name gives it: a person's surname, a government's short form, an organisation's name. */
export function citedName(p: Pick<CaptionPartyLike, 'type' | 'display' | 'key' | 'government'>): string {
  if (p.government || /^(?:united states|state of|commonwealth|people)/.test(p.key) || p.key === 'state') {
    if (p.key.startsWith('united states')) return 'United States';
    if (p.key.startsWith('commonwealth')) return 'Commonwealth';
    if (p.key.startsWith('people')) return 'People';
    if (p.key.startsWith('state')) return 'State';
  }
  const d = p.display
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^the\s+/i, '');
  const of = /^(Estate|Guardianship|Conservatorship|Adoption|Marriage|Custody|Welfare|Will|Succession|Commitment) of (.+)$/i.exec(d);
  if (of) return `${cap(of[1].toLowerCase())} of ${personSurname(of[2])}`;
  if (p.type === 'PERSON') return personSurname(d);
  return d;
}

/** Particles that belong to a surname ("Van Wulfen", "De Luca", "St. Clair"). */
const PARTICLE = /^(?:van|von|de|del|della|der|den|la|le|di|da|du|dos|das|ten|ter|st\.?|mac|o['’])$/i;

function personSurname(name: string): string {
  const tokens = name
    .replace(/,/g, ' ')
    .split(/\s+/)
    .filter((t) => t && !SUFFIX.test(t));
  if (!tokens.length) return name;
  // "Tamera W.": a minor's initial is no surname; the name stays whole
  if (tokens.length > 1 && /^\p{Lu}\.?$/u.test(tokens[tokens.length - 1])) return tokens.join(' ');
  let i = tokens.length - 1;
  while (i > 0 && PARTICLE.test(tokens[i - 1]) && (i - 1 > 0 || tokens.length === 2)) i--;
  return cap(tokens.slice(i).join(' '));
}

/** "care and treatment of" -> "Care and Treatment of". */
function titleWords(s: string): string {
  return s
    .split(' ')
    .map((w, i) => (i > 0 && /^(?:and|of|the|for)$/.test(w) ? w : cap(w)))
    .join(' ');
}

function cap(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** "IN THE MATTER OF THE MARRIAGE OF " -> "In re Marriage of"; "Matter of" (New York's form) and "Ex parte" stay. */
export function inRePrefix(raw: string): string {
  const t = raw.replace(/\s+/g, ' ').replace(/:/g, '').trim();
  const lead = /^(?:matter of)\b/i.test(t) ? 'Matter of' : /^ex parte\b/i.test(t) ? 'Ex parte' : 'In re';
  const of =
    /\b(?:the )?((?:care and treatment|marriage|adoption|guardianship|conservatorship|welfare|application|petition|complaint|commitment|custody|dependency|parentage|paternity) of)$/i.exec(
      t,
    );
  return of ? `${lead} ${titleWords(of[1].toLowerCase())}` : lead;
}

/**
 * The caption cases of a document, from its caption parties (in reading order, attributes.side absolute) and
 * the links between their sides. A "v." link needs a party on each side; an "In re" link a party on its side.
 */
export function captionCases(parties: readonly CaptionPartyLike[], links: readonly CaptionLinkLike[]): CaptionCase[] {
  const out: CaptionCase[] = [];
  const used = new Set<number>();
  const firstOf = (side: number, inRe = false) =>
    (inRe ? parties.find((p) => p.attributes.side === side && p.attributes.inRe) : undefined) ??
    parties.find((p) => p.attributes.side === side && p.attributes.party !== 'relator');
  const sorted = [...links].sort((a, b) => a.start - b.start);
  for (const l of sorted) {
    if (l.sides.some((s) => used.has(s))) continue;
    let display: string | undefined;
    if (l.kind === 'v') {
      const a = firstOf(l.sides[0]);
      const b = firstOf(l.sides[1]);
      if (!a || !b) continue;
      display = `${citedName(a)} v. ${citedName(b)}`;
    } else {
      const a = firstOf(l.sides[0], true);
      if (!a) continue;
      const name = citedName(a);
      const prefix = l.prefix ?? 'In re';
      // "In re Marriage of" + "Marriage of Smith" reads once
      display = /\bof$/.test(prefix) && /^[A-Z][a-z]+ of /.test(name) ? `${prefix.replace(/ \w+ of$/, '')} ${name}` : `${prefix} ${name}`;
    }
    for (const s of l.sides) used.add(s);
    out.push({ start: l.start, end: l.end, display, key: caseNameKey(display), sides: l.sides, index: out.length });
  }
  return out;
}

/** Docket numbers as captions write them ("No. 23-1234", "Case No. 1:21-cv-01234-ABC", "No. S24A0123"). */
const DOCKET =
  /\b(?:Nos?|NOS?)\.(?:[ \t]{0,12}|[ \t]*\n[ \t]*):?[ \t]{0,3}((?!\d{1,3}\.\d{1,3}(?![-/:.\w]))(?=[A-Z0-9]{0,7}\d)[A-Z0-9]{1,8}(?:[-/:.][A-Za-z0-9]{1,7})+|[A-Z]{1,3}\d{4,9})(?![\w-])|(?<![\w:-])(\d{1,2}:\d{2}-(?:cv|cr|mc|mj|md|bk|ap|civ|crim|misc)-\d{2,6}(?:-[A-Z]{1,4}){0,3})(?![\w-])/gi;

/** The docket number of each caption case: the one nearest its link, in the caption's region. */
export function captionDockets(text: string, cases: readonly CaptionCase[], captionEnd: number): Array<string | undefined> {
  const limit = Math.min(text.length, Math.max(captionEnd, ...cases.map((c) => c.end)) + 1500);
  const found: Array<{ at: number; value: string }> = [];
  DOCKET.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DOCKET.exec(text)) && m.index < limit) found.push({ at: m.index, value: (m[1] ?? m[2]).replace(/[.:]$/, '') });
  return cases.map((c) => {
    let best: { at: number; value: string } | undefined;
    for (const d of found) if (!best || Math.abs(d.at - c.start) < Math.abs(best.at - c.start)) best = d;
    return best?.value;
  });
}

/** Lines that name the court of another case (the court appealed from), not this document's court. */
const FROM_COURT =
  /\b(?:appeal(?:ed)?|on\s+(?:appeal|certiorari|review|petition|writ)|review(?:ed)?|transferred|removed|certified|question)\s+(?:[\w.,'’ ]{0,60}\s)?(?:from|to|of)\s+(?:the\s+)?$|\bfrom\s+(?:the\s+)?$/i;

/**
 * The court that decides the document: the first COURT mention on a heading line of its own (a line that is
 * mostly the court's name, "IN THE SUPREME COURT OF GEORGIA") before the caption ends (or in the first 3,000
 * characters), not one named as the court appealed from; else the first COURT mention before the caption ends
 * that is not the court appealed from.
 */
export function captionCourt(text: string, courts: readonly LegalMention[], captionEnd: number): LegalMention | undefined {
  const reach = Math.max(captionEnd + 300, 3000);
  const candidates = courts
    .filter((c) => c.type === 'COURT' && c.start < reach)
    .filter((c) => !FROM_COURT.test(lineBefore(text, c.start)))
    .sort((a, b) => a.start - b.start);
  const heading = candidates.find((c) => {
    const ls = text.lastIndexOf('\n', c.start - 1) + 1;
    let le = text.indexOf('\n', c.end);
    if (le < 0) le = text.length;
    const rest = (text.slice(ls, c.start) + text.slice(c.end, le)).replace(/\b(?:in|for|the|of|IN|FOR|THE|OF|at|AT)\b|[\s,.:;()*]/g, '');
    // "UNITED STATES COURT OF APPEALS / FOR THE FIFTH CIRCUIT": a little more on the line is still a heading
    return rest.length <= 12 || (c.start < 1500 && rest.length <= 0.4 * (c.end - c.start));
  });
  if (heading) return heading;
  return candidates.find((c) => c.start < captionEnd);
}

function lineBefore(text: string, at: number): string {
  const ls = Math.max(text.lastIndexOf('\n', at - 1) + 1, at - 120);
  // the line before too: "Appeal from the\nSuperior Court of Fulton County"
  const prev = text.lastIndexOf('\n', ls - 2) + 1;
  return text.slice(Math.max(prev, at - 120), at).replace(/\s+/g, ' ');
}
