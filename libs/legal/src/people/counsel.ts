import type { AttributeValue, LegalMention } from '../types';
import type { LegalPeopleContext } from './context';
import { displayName, isPersonName, isStateName, LEGAL_FORM, NAME_SUFFIX, nameKey, PROFESSIONAL } from './names';

/**
 * Counsel and their firms, from the places a court names them:
 * - appearance paragraphs: "Jane Roe, ROE & DOE LLP, Dallas, Texas, for Appellant.", "John Smith (argued), Assistant
 *   United States Attorney, with whom Mary Major was on brief for appellee.", "ARGUED: … ON BRIEF: …",
 *   "Nicholas Meyer, of Meyer & Horning, P.C., of Rockford, for appellant.";
 * - blocks of names, firm and address above "ATTORNEYS FOR PLAINTIFF/APPELLANT" or "Counsel for Appellees …";
 * - signature blocks: "/s/ Jane Roe" with a bar number, a firm or "Attorneys for …" below it;
 * - labelled lines: "Attorney(s) for Appellant: Jane Roe, …", "Counsel: …", "Attorney Jane Roe for Appellant X".
 * Counsel are PERSON role 'counsel', firms ORG role 'law_firm'; government offices that appear as counsel
 * ("United States Department of Justice", "Office of the Attorney General", "Tax Division") are ORG role
 * 'law_firm' too, with attributes.kind = 'government_office' (one role for "the office that appears", so a
 * graph query for a party's lawyers finds both). attributes.for = the party role they appear for, when stated
 * ("appellant"; "for the appellant (petitioner)" adds alsoFor = 'petitioner'); attributes.forParty = the key of the
 * caption party they appear for when the text names it (findLegalPeople sets it: "for the State", "for
 * Appellant Jane Roe").
 */
const METHOD = 'legal:counsel';

interface View {
  text: string;
  offsets: number[];
}

const ROLE_WORDS =
  '(?:Plaintiffs?|Defendants?|Appellants?|Appellees?|Petitioners?|Respondents?|Movants?|Intervenors?|Relators?|Claimants?|Debtors?|Creditors?|Cross-Appellants?|Cross-Appellees?|Applicants?|Complainants?|Objectors?)';
const FOR_ROLE = new RegExp(
  `\\bfor\\s+(?:the\\s+)?(${ROLE_WORDS}(?:(?:\\s*[-–/,]\\s*|\\s+and\\s+)${ROLE_WORDS})*|People|State|Commonwealth|United\\s+States|Government)(?:\\s*\\(([a-z-]+)\\))?(?:[ \\t]+(?!pro\\s+se\\b)([A-Z][\\w.'’-]*(?:[ \\t]+[A-Z][\\w.'’-]*){0,4}))?(?:,?\\s+pro\\s+se)?(?:\\s*[.;])?(?:[ \\t\\r]*(?=\\n|$)|(?=\\s+(?:ON BRIEF|ARGUED|On Brief|Argued)\\s*:))`,
  'gi',
);
const TITLE_WORDS = new Set(
  (
    'attorney attorneys general assistant deputy senior chief appellate defender defenders public special solicitor ' +
    "district supervisory former trial counsel united states u.s. state’s state's county city prosecuting prosecutor " +
    'acting first principal executive staff mr. ms. mrs. dr. hon. honorable the of assigned certified law student ' +
    "legal intern corporation commonwealth’s commonwealth's federal community"
  ).split(' '),
);
const FILLER = new Set(
  (
    'with whom was were on the brief and of for both all by argued assigned counsel attorney attorneys attor ney ' +
    "assistant general state’s state's county deputy senior special former supervisory appellant appellee petitioner " +
    'respondent plaintiff defendant appellants appellees petitioners respondents plaintiffs defendants in pro per se ' +
    'et al law student certified intern amicus curiae a an at esq briefs reply also city district public defender ' +
    'prosecutor trial people state commonwealth government'
  ).split(' '),
);
const FIRM =
  /&|\bL\.?L\.?P\b|\bL\.?L\.?C\b|\bP\.\s?C\.|\bP\.\s?A\.|\bPLLC\b|\bP\.L\.L\.C\.|\bChartered\b|\bCHARTERED\b|\bLaw\b|\bLAW\b|\bLegal\b|\bAssociates\b|\bASSOCIATES\b|\bAttorneys at Law\b|\bPLC\b|\bLtd\.|\bGroup\b|\bPartners\b/;
const OFFICE =
  /\b(?:Department|Dep['’]t|Dept\.?|DEPARTMENT) of (?:Justice|JUSTICE|Law)\b|\bAttorney General['’]?s?\s+Office\b|\bOffice of (?:the )?(?:Attorney General|(?:United States|U\.\s?S\.) Attorney|(?:State )?Public Defender|State Appellate Defender|Appellate Defender|Solicitor General|District Attorney|County Attorney|City Attorney|Prosecuting Attorney|General Counsel|Legal Counsel|Chief Counsel|Disciplinary Counsel|the Solicitor)|\b(?:United States|U\.\s?S\.) Attorney['’]s Office\b|\bPublic Defender['’]?s?\s+Office\b|\bProsecutor['’]?s?\s+Office\b|\bDistrict Attorney['’]?s?\s+Office\b|\b[A-Z][a-z]+ (?:Division|Branch|Section)\b|\bCivil Division\b|\bTax Division\b|\bLegal Aid\b|\bPublic Defender\b|\bDefender (?:Services|Association|Office)\b/;
const ADDRESS =
  /^\d|^P\.?\s?O\.?\s+Box|^Post Office|\bSuite\b|\bSte\.|\b(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Boulevard|Blvd\.?|Drive|Plaza|Tower|Circle|Lane|Floor|Building|Parkway|Pkwy|Highway|Square|Place|Court Square|Station)\b.*\d|\d.*\b(?:Street|Avenue|Road|Drive|Plaza|Tower|Circle|Lane|Floor|Building|Parkway|Highway|Square|Place)\b|\bBox \d|,\s*[A-Z]{2}\s+\d{5}|\b\d{5}(?:-\d{4})?\s*$|^\(\d{3}\)|@|\bTel(?:ephone)?\b|\bFax\b|\bFacsimile\b|\bEmail\b|\bE-mail\b|www\./;

/** A whitespace-collapsed view of text[from, to) with each character's offset. */
function viewOf(text: string, from: number, to: number, blank?: (i: number) => boolean): View {
  let s = '';
  const offsets: number[] = [];
  let space = false;
  for (let i = from; i < to; i++) {
    const ch = text[i];
    if (/\s/.test(ch) || (blank && blank(i))) {
      space = s.length > 0;
      continue;
    }
    if (space) {
      s += ' ';
      offsets.push(i - 1);
      space = false;
    }
    s += ch;
    offsets.push(i);
  }
  return { text: s, offsets };
}

interface Piece {
  start: number;
  end: number;
  text: string;
  /** What came before it: "of", "both of", "with whom", "and". */
  lead: string;
}

function roleOf(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const w = raw
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .split(/\s*[-–/,]\s*|\s+and\s+/)[0]
    .replace(/s$/, '')
    .replace(/^united state$/, 'united states');
  return w === 'people' || w === 'state' || w === 'commonwealth' || w === 'government' || w === 'united states' ? w : w;
}

interface Out {
  text: string;
  out: LegalMention[];
  /** The mentions' spans, sorted by start (an overlap check in log time). */
  spans: [number, number][];
}

/** Whether [start, end) overlaps a span already taken; takes it when not. */
function take(o: Out, start: number, end: number): boolean {
  const spans = o.spans;
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid][0] < start) lo = mid + 1;
    else hi = mid;
  }
  // spans may grow after they are taken (a legal form added): look a few either side
  for (let i = Math.max(0, lo - 4); i < Math.min(spans.length, lo + 4); i++) {
    const m = o.out[spans[i][1]];
    if (m.start < end && start < m.end) return false;
  }
  spans.splice(lo, 0, [start, o.out.length]);
  return true;
}

function push(
  o: Out,
  type: 'PERSON' | 'ORG',
  role: 'counsel' | 'law_firm',
  start: number,
  end: number,
  display: string,
  attributes: Record<string, AttributeValue>,
): void {
  while (end > start && /[\s,;:.()]/.test(o.text[end - 1]) && !/(?:\b[A-Z]|Inc|Co|Jr|Sr|L\.L\.[PC]|P\.[AC]|Ltd)\.$/.test(o.text.slice(start, end)))
    end--;
  while (start < end && /[\s,;:()]/.test(o.text[start])) start++;
  if (end <= start) return;
  if (!take(o, start, end)) return;
  const m: LegalMention = {
    type,
    start,
    end,
    text: o.text.slice(start, end),
    key: nameKey(display),
    role,
    attributes,
    confidence: 0.85,
    method: METHOD,
  };
  display = display.replace(/&amp;/g, '&');
  m.key = nameKey(display);
  if (display !== m.text) m.display = display;
  o.out.push(m);
}

/** Strips leading titles ("Attorney General", "Chief Appellate Defender", "Mr.") from a name. */
function stripTitles(t: string): { name: string; skipped: number } {
  const words = t.split(/\s+/);
  let i = 0;
  while (i < words.length - 1 && TITLE_WORDS.has(words[i].toLowerCase())) i++;
  const skipped = words.slice(0, i).join(' ');
  return { name: words.slice(i).join(' '), skipped: i ? skipped.length + 1 : 0 };
}

/** Cleans a person piece: "(argued)", "Esq.", "(Bar No. 12345)" dropped. */
function personPart(t: string): { name: string; from: number; to: number; argued: boolean } {
  let name = t;
  let argued = false;
  const from = 0;
  name = name.replace(/\s*\((?:argued|Argued|ARGUED)\)\s*$/, () => {
    argued = true;
    return '';
  });
  name = name.replace(/\s*\((?:Bar|State Bar|Ohio Bar|Reg\.|Registration|No\.|ID)[^)]*\)\s*$/i, '');
  name = name.replace(/,?\s*(?:Esq\.?|ESQ\.?|Esquire)$/, '');
  name = name.replace(/\s*\((?:argued|Argued|ARGUED)\)\s*$/, () => {
    argued = true;
    return '';
  });
  return { name: name.trim(), from, to: name.trim().length, argued };
}

/** Splits an appearance ("Jane Roe, Roe & Doe LLP, Dallas, Texas") into pieces at commas, semicolons, parentheses, "with whom", "and". */
function piecesOf(v: View): Piece[] {
  const out: Piece[] = [];
  const t = v.text;
  let s = 0;
  let lead = '';
  const emit = (a: number, b: number, nextLead: string) => {
    let raw = t.slice(a, b);
    let start = a;
    // leading fillers
    for (;;) {
      const m = /^\s*(?:and|with whom|were|was|on the brief|on brief|on the briefs|both of|all of|of counsel|of|by|,|also)\b\s*/i.exec(raw);
      if (!m || !m[0]) break;
      lead = (lead + ' ' + m[0].trim().toLowerCase()).trim();
      raw = raw.slice(m[0].length);
      start += m[0].length;
    }
    raw = raw
      .replace(/\s+(?:was|were)\s+on\s+(?:the\s+)?briefs?\s*$/i, '')
      .replace(/\s+(?:were|was)\s*$/i, '')
      .replace(/,?\s+(?:both\s+|all\s+)?of\s+counsel\s*$/i, '');
    const text = raw.trim();
    if (text) out.push({ start, end: start + text.length, text, lead });
    lead = nextLead;
  };
  const re = /\s*[,()]\s*|(?<!&amp);\s*|\s+with\s+whom\s+|\s+and\s+(?=[A-Z])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t))) {
    emit(s, m.index, /with/.test(m[0]) ? 'with whom' : /and/.test(m[0]) ? 'and' : '');
    s = m.index + m[0].length;
  }
  emit(s, t.length, '');
  return out;
}

/** Parses one appearance into counsel and firms. */
function parseAppearance(o: Out, v: View, attrs: Record<string, AttributeValue>): number {
  let found = 0;
  const pieces = piecesOf(v);
  let last: { kind: 'firm' | 'office' | 'person'; m?: LegalMention } | undefined;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i];
    const t = p.text;
    const next = pieces[i + 1];
    const span = (a: number, b: number): [number, number] => [v.offsets[p.start + a], v.offsets[p.start + b - 1] + 1];
    if (LEGAL_FORM.test(t) || /^(?:P\.\s?C\.|P\.\s?A\.|L\.L\.P\.|LLP|PLLC|Chartered)$/.test(t)) {
      // extends the firm before it
      const prev = last?.m;
      if (prev && last?.kind === 'firm') {
        const end = v.offsets[p.end - 1] + 1;
        prev.display = displayName(`${prev.display ?? prev.text}, ${t}`);
        prev.key = nameKey(prev.display);
        prev.end = end;
        prev.text = o.text.slice(prev.start, end);
      }
      continue;
    }
    if (NAME_SUFFIX.test(t) && last?.kind === 'person' && last.m) {
      const end = v.offsets[p.end - 1] + 1;
      last.m.display = `${last.m.display ?? last.m.text}, ${t}`;
      last.m.key = nameKey(last.m.display);
      last.m.end = end;
      last.m.text = o.text.slice(last.m.start, end);
      continue;
    }
    if (/^argued$/i.test(t)) {
      if (last?.kind === 'person' && last.m) last.m.attributes = { ...last.m.attributes, argued: true };
      continue;
    }
    if (PROFESSIONAL.test(t) || isStateName(t) || /^(?:pro se|in propria persona|pro hac vice)$/i.test(t)) continue;
    if (OFFICE.test(t) && !/&/.test(t)) {
      const [a, b] = span(0, t.length);
      if (last?.kind === 'office' && last.m && a - last.m.end < 4) {
        last.m.display = displayName(`${last.m.display ?? last.m.text}, ${t}`);
        last.m.key = nameKey(last.m.display);
        last.m.end = b;
        last.m.text = o.text.slice(last.m.start, b);
        continue;
      }
      push(o, 'ORG', 'law_firm', a, b, displayName(t), { ...attrs, kind: 'government_office' });
      last = { kind: 'office', m: o.out[o.out.length - 1] };
      found++;
      continue;
    }
    const personOf = /^(.+?)\s+of\s+(.+)$/.exec(t);
    if (personOf && (FIRM.test(personOf[2]) || OFFICE.test(personOf[2])) && isPersonName(stripTitles(personOf[1]).name, 2)) {
      // "Thomas Dandar of Dandar Law Group, P.A."
      const st = stripTitles(personOf[1]);
      const [pa, pb] = span(st.skipped, personOf[1].length);
      push(o, 'PERSON', 'counsel', pa, pb, displayName(st.name), { ...attrs });
      const at = t.length - personOf[2].length;
      const [fa, fb] = span(at, t.length);
      const office = OFFICE.test(personOf[2]) && !/&/.test(personOf[2]);
      push(o, 'ORG', 'law_firm', fa, fb, displayName(personOf[2]), office ? { ...attrs, kind: 'government_office' } : { ...attrs });
      last = { kind: office ? 'office' : 'firm', m: o.out[o.out.length - 1] };
      found += 2;
      continue;
    }
    if (FIRM.test(t) && !/\bv\.\s/.test(t)) {
      const [a, b] = span(0, t.length);
      push(o, 'ORG', 'law_firm', a, b, displayName(t), { ...attrs });
      last = { kind: 'firm', m: o.out[o.out.length - 1] };
      found++;
      continue;
    }
    // a person, after titles: "Attorney General Alan Wilson", "Mark Smith (argued)"
    const { name, skipped } = stripTitles(t);
    const pp = personPart(name);
    const placeLike =
      (/^(?:of|both of|all of|.* of)$/.test(p.lead) && !/with whom|and/.test(p.lead)) ||
      (i > 0 && next && isStateName(next.text) && !/with whom|and/.test(p.lead)) ||
      (last && last.kind !== 'person' && pp.name.split(/\s+/).length <= 2 && !p.lead.includes('and') && !p.lead.includes('with whom'));
    if (!placeLike && isPersonName(pp.name, 2)) {
      const [a, b] = span(skipped, skipped + pp.name.length);
      const a2: Record<string, AttributeValue> = { ...attrs };
      if (pp.argued || /\((?:argued)\)/i.test(t)) a2.argued = true;
      push(o, 'PERSON', 'counsel', a, b, displayName(pp.name), a2);
      last = { kind: 'person', m: o.out[o.out.length - 1] };
      found++;
    }
  }
  return found;
}

/** Whether a segment reads as an appearance rather than a sentence of the opinion. */
function appearanceLike(t: string): boolean {
  const words = t.split(/\s+/).filter((w) => /\p{L}/u.test(w));
  if (!words.length || words.length > 90) return false;
  let prose = 0;
  for (const w of words) {
    const bare = w.replace(/[^\p{L}'’-]/gu, '').toLowerCase();
    if (/^\p{Ll}/u.test(w) && !FILLER.has(bare)) prose++;
  }
  return prose <= 3 || prose / words.length < 0.2;
}

function lineStartOf(text: string, at: number): number {
  const nl = text.lastIndexOf('\n', at - 1);
  return nl + 1;
}

/** Appearance paragraphs ending in "for Appellant." */
function appearances(o: Out, clean: string): void {
  FOR_ROLE.lastIndex = 0;
  let prevEnd = 0;
  let m: RegExpExecArray | null;
  while ((m = FOR_ROLE.exec(clean))) {
    // "for Appellant Jane Roe": the party's name after the role, capitalised (the regex is case-blind)
    if (m[3] && !/^\p{Lu}[\p{L}.'’-]*(?:[ \t]+\p{Lu}[\p{L}.'’-]*)*$/u.test(m[3])) continue;
    const anchorStart = m.index;
    const anchorEnd = m.index + m[0].length;
    // the paragraph: back to a blank line, a line that ends a sentence, or the previous appearance
    let start = lineStartOf(clean, anchorStart);
    for (let n = 0; n < 10 && start > 0; n++) {
      const prevLineStart = lineStartOf(clean, start - 1);
      const prevLine = clean.slice(prevLineStart, start - 1);
      if (!prevLine.trim()) break;
      if (/^\s*[-=*_~]{3,}|\s[)*:§|]\s*$|\S\s{6,}\S/.test(prevLine)) break; // a rule, a caption's column
      if (/[.:]\s*$/.test(prevLine) && !/\b[A-Z]\.\s*$/.test(prevLine)) break;
      if (prevLineStart < prevEnd) {
        // the rest of a line an earlier appearance ended on ("… for Appellant. ON BRIEF: Peter Poe,")
        if (prevEnd < start - 1 && clean.slice(prevEnd, start - 1).trim()) start = prevEnd;
        break;
      }
      start = prevLineStart;
    }
    if (start < prevEnd) start = prevEnd;
    prevEnd = anchorEnd;
    let segEnd = anchorStart;
    // the appearance itself, without labels ("ARGUED:", "ON BRIEF:", "Counsel:")
    let segStart = start;
    const label = /^\s*(?:ARGUED|ON BRIEF|Argued|On Brief|Counsel|COUNSEL|Appearances|APPEARANCES|Attorneys?|ATTORNEYS?)\s*:\s*/.exec(
      clean.slice(segStart, segEnd),
    );
    if (label) segStart += label[0].length;
    const raw = clean.slice(segStart, segEnd);
    // mid-line: after an earlier sentence ("ON BRIEF: …" following "… for Appellant.")
    const lastLabel = /(?:ARGUED|ON BRIEF|Argued|On Brief)\s*:\s*/g;
    let lm: RegExpExecArray | null;
    let cut = -1;
    while ((lm = lastLabel.exec(raw))) cut = lm.index + lm[0].length;
    if (cut > 0) segStart += cut;
    while (segEnd > segStart && /[\s,]/.test(clean[segEnd - 1])) segEnd--;
    const seg = clean.slice(segStart, segEnd);
    if (!seg.trim() || seg.length > 700 || !appearanceLike(seg)) continue;
    // the first piece must be a name (a person's or a firm's), not a sentence
    const first = seg
      .trim()
      .split(/[,;(]|\s+with\s+whom\b/)[0]
      .trim();
    const firstName = personPart(stripTitles(first.replace(/^(?:and|by)\s+/i, '')).name).name;
    if (!isPersonName(firstName.replace(/\s+(?:and|of)\s+.*$/, ''), 2) && !FIRM.test(first) && !OFFICE.test(first)) continue;
    const attrs: Record<string, AttributeValue> = {};
    const role = roleOf(m[1]);
    if (role) attrs.for = role;
    if (m[2]) attrs.alsoFor = m[2].toLowerCase();
    parseAppearance(o, viewOf(clean, segStart, segEnd), attrs);
  }
}

/** Blocks of names, a firm and an address above "ATTORNEYS FOR PLAINTIFF/APPELLANT" or "Counsel for Appellees …". */
function blocks(o: Out): void {
  const text = o.text;
  const re = /^[ \t]*(?:ATTORNEYS?|Attorneys?|COUNSEL|Counsel|Attorney\(s\)|ATTORNEY\(S\))\s+(?:FOR|for)\s+([^\n:]*)$/gm;
  const anchors: { line: number; end: number; role?: string }[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const rm = new RegExp(`^(?:the\\s+)?(${ROLE_WORDS})`, 'i').exec(m[1].trim());
    // the anchor's own continuation lines (the parties it names) end where a blank line is
    let end = m.index + m[0].length;
    for (;;) {
      const nl = text.indexOf('\n', end + 1);
      const line = text.slice(end + 1, nl < 0 ? text.length : nl);
      if (!line.trim() || nl < 0) break;
      if (!/,\s*$|;\s*$|&\s*$|\band\b/.test(text.slice(lineStartOf(text, end), end))) break;
      end = nl;
    }
    anchors.push({ line: m.index, end, role: rm ? roleOf(rm[1]) : undefined });
  }
  let floor = 0;
  for (const a of anchors) {
    const attrs: Record<string, AttributeValue> = {};
    if (a.role) attrs.for = a.role;
    // walk up
    let pos = a.line;
    const found: { start: number; end: number; kind: 'person' | 'firm' | 'office' }[] = [];
    let blanks = 0;
    for (let n = 0; n < 40 && pos > floor; n++) {
      const ls = lineStartOf(text, pos - 1);
      const line = text.slice(ls, pos - 1);
      pos = ls;
      const t = line.trim();
      if (!t) {
        if (++blanks >= 3) break;
        continue;
      }
      blanks = 0;
      if (ADDRESS.test(t) || /^(?:[A-Z][a-z]+\.?\s?)+,\s*(?:[A-Z][a-z]+|[A-Z]{2})(?:\s+\d{5})?$/.test(t)) continue;
      const lead = line.length - line.trimStart().length;
      const pp = personPart(t);
      if (isPersonName(pp.name, 2)) {
        found.push({ start: ls + lead, end: ls + lead + pp.name.length, kind: 'person' });
        continue;
      }
      if (OFFICE.test(t)) {
        found.push({ start: ls + lead, end: ls + lead + t.length, kind: 'office' });
        continue;
      }
      if (FIRM.test(t) && t.length < 90) {
        found.push({ start: ls + lead, end: ls + lead + t.length, kind: 'firm' });
        continue;
      }
      break;
    }
    floor = a.end;
    if (!found.some((f) => f.kind === 'person')) continue;
    for (const f of found.reverse()) {
      const raw = text.slice(f.start, f.end);
      if (f.kind === 'person') push(o, 'PERSON', 'counsel', f.start, f.end, displayName(raw), { ...attrs });
      else push(o, 'ORG', 'law_firm', f.start, f.end, displayName(raw), f.kind === 'office' ? { ...attrs, kind: 'government_office' } : { ...attrs });
    }
  }
}

/** "/s/ Jane Roe" signature blocks of counsel (not a judge's or a clerk's). */
function signatures(o: Out): void {
  const text = o.text;
  const re = /\/s\/[ \t]*([^\n]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const after = text
      .slice(m.index, m.index + 600)
      .split('\n')
      .slice(0, 9);
    const below = after.slice(1).join('\n');
    if (/\b(?:JUDGE|Judge|Magistrate|MAGISTRATE|Special Master|Clerk|CLERK|Justice|JUSTICE|Chancellor|CHANCELLOR|Referee)\b/.test(below)) continue;
    if (
      !/\b(?:Attorneys?\s+for|ATTORNEYS?\s+FOR|Counsel\s+for|COUNSEL\s+FOR|Bar\s+No|Bar\s+#|Esq|LLP|LLC|P\.C\.|P\.A\.|PLLC|Law|Office of)\b/.test(
        below,
      )
    )
      continue;
    let nameStart = m.index + m[0].length - m[1].length;
    let nameText = m[1];
    if (!nameText.trim()) {
      const nl = text.indexOf('\n', m.index);
      const nl2 = text.indexOf('\n', nl + 1);
      nameText = text.slice(nl + 1, nl2 < 0 ? text.length : nl2);
      nameStart = nl + 1;
    }
    const lead = nameText.length - nameText.trimStart().length;
    const pp = personPart(nameText.trim());
    if (!isPersonName(pp.name, 2)) continue;
    const roleM = new RegExp(`(?:Attorneys?|ATTORNEYS?|Counsel|COUNSEL)\\s+(?:for|FOR)\\s+(?:the\\s+)?(${ROLE_WORDS})`, 'i').exec(below);
    const attrs: Record<string, AttributeValue> = {};
    if (roleM) attrs.for = roleOf(roleM[1])!;
    push(o, 'PERSON', 'counsel', nameStart + lead, nameStart + lead + pp.name.length, displayName(pp.name), attrs);
    // the firm under the name
    let pos = text.indexOf('\n', nameStart);
    for (let n = 0; n < 6 && pos >= 0; n++) {
      const nl = text.indexOf('\n', pos + 1);
      const line = text.slice(pos + 1, nl < 0 ? text.length : nl);
      const t = line.trim();
      const ls = pos + 1 + (line.length - line.trimStart().length);
      pos = nl;
      if (!t) break;
      if (/(?:Attorneys?|Counsel)\s+for/i.test(t)) break;
      if (ADDRESS.test(t)) continue;
      if (OFFICE.test(t)) push(o, 'ORG', 'law_firm', ls, ls + t.length, displayName(t), { ...attrs, kind: 'government_office' });
      else if (FIRM.test(t) && t.length < 90) push(o, 'ORG', 'law_firm', ls, ls + t.length, displayName(t), { ...attrs });
    }
  }
}

/** "Attorney(s) for Appellant: Jane Roe, …" and "Attorney Jane Roe for Appellant X" lines. */
function labelled(o: Out): void {
  const text = o.text;
  const re = new RegExp(`^[ \\t]*(?:Attorneys?|Counsel)(?:\\(s\\))?\\s+for\\s+(?:the\\s+)?(${ROLE_WORDS}(?:[-/]${ROLE_WORDS})?)\\s*:[ \\t]*`, 'gim');
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const blank = /\n[ \t]*\n/g;
    blank.lastIndex = start;
    const bm = blank.exec(text);
    const end = Math.min(bm ? bm.index : text.length, start + 600);
    const attrs: Record<string, AttributeValue> = { for: roleOf(m[1])! };
    parseAppearance(o, viewOf(text, start, end), attrs);
  }
  // "Counsel: Jane Roe, Roe & Doe LLP, Dallas, Texas." with no "for …" (what it adds to the appearances above)
  const plain = /^[ \t]*(?:Counsel|COUNSEL|Appearances|APPEARANCES)[ \t]*:[ \t]*/gm;
  while ((m = plain.exec(text))) {
    const start = m.index + m[0].length;
    const blank = /\n[ \t\r]*\n/g;
    blank.lastIndex = start;
    const bm = blank.exec(text);
    const end = Math.min(bm ? bm.index : text.length, start + 400);
    const seg = text.slice(start, end);
    if (!appearanceLike(seg)) continue;
    const first = personPart(stripTitles(seg.trim().split(/[,;(]/)[0].trim()).name).name;
    if (isPersonName(first, 2)) parseAppearance(o, viewOf(text, start, end), {});
  }
  const vt = new RegExp(
    `^[ \\t]*(?:Attorney|Atty\\.)\\s+(\\p{Lu}[\\p{L}.'’-]*(?:\\s+\\p{Lu}[\\p{L}.'’-]*){1,3})\\s+for\\s+(?:the\\s+)?(${ROLE_WORDS}|Interested\\s+Persons?|Interested\\s+Part(?:y|ies))\\b`,
    'gmu',
  );
  while ((m = vt.exec(text))) {
    const at = m.index + m[0].indexOf(m[1]);
    push(o, 'PERSON', 'counsel', at, at + m[1].length, displayName(m[1]), { for: roleOf(m[2])! });
  }
  const co = new RegExp(
    `^[ \\t]*Co-Counsel\\s+for\\s+(?:the\\s+)?(${ROLE_WORDS})\\s+(\\p{Lu}[\\p{L}.'’-]*(?:\\s+\\p{Lu}[\\p{L}.'’-]*){1,3})[ \\t]*$`,
    'gmu',
  );
  while ((m = co.exec(text))) {
    const at = m.index + m[0].lastIndexOf(m[2]);
    if (isPersonName(m[2], 2)) push(o, 'PERSON', 'counsel', at, at + m[2].length, displayName(m[2]), { for: roleOf(m[1])! });
  }
}

/** Left-column labels of the Illinois layout ("Counsel on / Appeal") blanked, offsets kept. */
function withoutLabels(text: string): string {
  return text.replace(/^(\f?)(Counsel on|Appeal|Counsel|Appearances?)(?=[ \t]{3,}\S)/gm, (_m, f: string, l: string) => f + ' '.repeat(l.length));
}

export function findCounsel(text: string, context: LegalPeopleContext): LegalMention[] {
  void context;
  const o: Out = { text, out: [], spans: [] };
  const hasAnchors = /\bfor\s+(?:the\s+)?\w+|\/s\/|Attorney|Counsel|ATTORNEY|COUNSEL/.test(text);
  if (!hasAnchors) return [];
  appearances(o, withoutLabels(text));
  blocks(o);
  signatures(o);
  labelled(o);
  return o.out.sort((a, b) => a.start - b.start);
}
