import type { AttributeValue, LegalMention } from '../types';
import { type CaptionCase, captionCases, captionCourt, captionDockets, inRePrefix } from './caption-case';
import type { LegalPeopleContext } from './context';
import { findDefinedTerms } from './defined-terms';
import { documentState, type GovernmentContext, governmentDisplay, governmentOf } from './governments';
import {
  displayName,
  hasOrgWord,
  isPersonName,
  isStateName,
  LEGAL_FORM,
  NAME_SUFFIX,
  nameKey,
  PROFESSIONAL,
  spacedPattern,
  trimFinalPeriod,
} from './names';

// ---- The caption's layout ----------------------------------------------------------------------

/*
 * The document's own caption, as laid out at the top of an opinion: party blocks left of a column of
 * ")", ":", "§" or "*" (or of a wide gap), "v." / "vs." / "versus" between the sides, and role lines
 * ("Plaintiff-Appellee,", "Defendants.") after each block; also captions on one line ("MARTIN HINES v. THE
 * STATE."), "In re X" and "In the Matter of X". The layout code finds the blocks; the party code splits them.
 */

/** How far into the text the caption may start. */
const CAPTION_SEARCH = 7000;
/** How far the caption region reaches. */
const REGION = 12000;

interface Cell {
  text: string;
  start: number;
  end: number;
  col: number;
}

interface Line {
  start: number;
  end: number;
  /** Cells left of a separator column (or all cells, when the line has none). */
  left: Cell[];
  /** Cells right of a separator column. */
  right: Cell[];
  sep: boolean;
  blank: boolean;
  rule: boolean;
}

/** A run of text pieces (cells of consecutive lines) read as one string, with each character's offset. */
interface View {
  text: string;
  offsets: number[];
}

interface CaptionGroup {
  view: View;
  role?: string;
  side: number;
  /** The first side number of the caption the group belongs to (consolidated captions count on). */
  base?: number;
  inRe?: boolean;
}

/**
 * What joins a caption's sides: the "v." / "vs." / "versus" token between them (sides [a, a + 1]), or the
 * "In re" / "In the Matter of" / "Ex parte" words before an ex parte caption's party (sides [a]). The caption's
 * own CASE mention takes this span, which no party mention covers.
 */
export interface CaptionLink {
  kind: 'v' | 'inRe';
  start: number;
  end: number;
  /** Absolute side numbers the link joins. */
  sides: number[];
  /** "In re", "Matter of", "Ex parte" (+ "Marriage of" …) as a reporter writes it, for kind 'inRe'. */
  prefix?: string;
}

interface Caption {
  groups: CaptionGroup[];
  links: CaptionLink[];
  /** Offset where the caption ends (the body starts after it). */
  end: number;
}

const ROLE_WORD =
  '(?:third[- ]party\\s+(?:plaintiff|defendant)|counter[- ]?(?:plaintiff|defendant|claimant)|cross[- ](?:appellant|appellee|petitioner|respondent)|' +
  'plaintiff|defendant|appellant|appellee|petitioner|respondent|movant|intervenor|claimant|debtor|creditor|relator|' +
  'applicant|complainant|libell?ant|garnishee|real\\s+party\\s+in\\s+interest|objector|contestant|contestee|' +
  'interested\\s+party|proposed\\s+intervenor|plaintiff[- ]intervenor|defendant[- ]intervenor)(?:s|\\(s\\))?';
const ROLE_EXPR = `${ROLE_WORD}(?:\\s*(?:-|–|/|,|and|&)\\s*${ROLE_WORD})*`;
/** A cell that is only a role line. */
const ROLE_CELL = new RegExp(`^(?:${ROLE_EXPR})\\s*[.,;:]?(?:\\s*\\.)?$`, 'i');
/** A role at the end of a name cell ("NICOLE LITTLE, Appellant", "Carnival Cruise Line, Defendant."). */
const INLINE_ROLE = new RegExp(`,\\s*(${ROLE_EXPR})\\s*[.,;]?\\)?\\.?$`, 'i');
const V_CELL = /^(?:v\.?|vs\.?|versus|[-–]?\s*against\s*[-–]?|[-–]\s*vs?\.?\s*[-–])$/i;
const HEADING =
  /^(?:(?:IN THE |In the |In The )?(?:UNITED STATES |United States )?(?:[A-Z][\w.'’]* ){0,6}(?:COURT|Court)\b(?! Clerk)|(?:FOR THE |For the |for the )?(?:[A-Z]+ ){0,3}(?:DISTRICT|District) OF\b|(?:[A-Z]+ ){1,3}DIVISION$|(?:[A-Z][a-z]+ ){1,3}Division$|No\.|NO\.|NUMBER |Nos?\. |Case No|CASE NO|Civil Action|CIVIL ACTION|Civ\. Action|CIVIL NO|Civil No|Docket|DOCKET|Index No|INDEX NO|C\.A\. No|Appeal No|Appellate Case|ORDER\b|OPINION\b|MEMORANDUM\b|DECISION\b|JUDGMENT\b|Order\b|Opinion\b|Memorandum\b|Decision\b|BEFORE\b|Before\b|On Appeal|ON APPEAL|Appeal [Ff]rom|APPEAL FROM|On Petition|ON PETITION|Application for|Filed\b|FILED\b|Submitted\b|SUBMITTED\b|Argued\b|ARGUED\b|Heard\b|Decided\b|DECIDED\b|PRESENT\b|Consolidated\b|CONSOLIDATED\b|In Admiralty$|IN ADMIRALTY$|REVISED\b|NOT FOR PUBLICATION|Not for Publication|NOT PRECEDENTIAL|\[|\(|Per Curiam|PER CURIAM|Chief Special Master|Special Master|Judge\b|JUDGE\b|Hon\.|HON\.|THE HONORABLE|The Honorable|Trial Court|Agency No|D\.C\. No|SC:|COA:|Justices?$|Syllabus|Counsel\b|ATTORNEYS?\b)/;
const HEADING_STRONG =
  /^(?:No\.|NO\.|NUMBER |Nos?\. |Case No|CASE NO|Civil Action|CIVIL ACTION|Civ\. Action|CIVIL NO|Civil No|Docket|DOCKET|Index No|INDEX NO|C\.A\. No|Appeal No|Appellate Case|Consolidated\b|CONSOLIDATED\b|BEFORE\b|Before\b|Agency No|D\.C\. No|SC:|COA:|Filed\b|FILED\b|Submitted\b|SUBMITTED\b)/;
const IN_RE = /^(?:IN RE:?|In re:?|In Re:?|IN THE MATTER OF|In the Matter of|In The Matter Of|Matter of|MATTER OF|Ex parte|EX PARTE|Ex Parte)\s+/;

const SEPARATOR = /(?<=\s|^)[):§*|](?=\s|$)/g;
const CELL = /\S+(?:\s{1,2}\S+)*/g;

function cellsOf(text: string, from: number, to: number, lineStart: number, out: Cell[]): void {
  CELL.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = CELL.exec(text)) && m.index < to) {
    let end = m.index + m[0].length;
    if (end > to) end = to;
    const t = text.slice(m.index, end).trim();
    if (t) out.push({ text: t, start: m.index, end: m.index + t.length, col: m.index - lineStart });
    if (end >= to) break;
  }
}

function splitLines(text: string, limit: number): Line[] {
  const lines: Line[] = [];
  let pos = 0;
  // Pleading paper: "12  DEVIN ..." line numbers down the left margin.
  const head = text.slice(0, 3000).split('\n').slice(0, 40);
  const numbered = head.filter((l) => /^\s{0,3}\d{1,2}(?:\s|$)/.test(l)).length >= 10;
  // Work on a copy where line numbers are blanked (same length: offsets hold).
  const work = numbered
    ? text.slice(0, limit).replace(/^(\s{0,3})(\d{1,2})(?=\s|$)/gm, (_m, s: string, d: string) => s + ' '.repeat(d.length))
    : text.slice(0, limit);
  while (pos < work.length) {
    let nl = work.indexOf('\n', pos);
    if (nl < 0) nl = work.length;
    const raw = work.slice(pos, nl);
    const line: Line = { start: pos, end: nl, left: [], right: [], sep: false, blank: !/\S/.test(raw), rule: false };
    if (!line.blank) {
      line.rule = /^[\s\-=*_~.X]*$/.test(raw) && /[-=*_~]{5,}/.test(raw);
      if (!line.rule) {
        SEPARATOR.lastIndex = 0;
        const sm = SEPARATOR.exec(raw);
        if (sm) {
          line.sep = true;
          cellsOf(work, pos, pos + sm.index, pos, line.left);
          // the rest, without the separator characters
          const rest = raw.slice(sm.index).replace(/(?<=\s|^)[):§*|](?=\s|$)/g, ' ');
          const tmp: Cell[] = [];
          cellsOf(rest, 0, rest.length, 0, tmp);
          for (const c of tmp)
            line.right.push({
              text: c.text,
              start: pos + sm.index + c.start,
              end: pos + sm.index + c.end,
              col: sm.index + c.col,
            });
        } else cellsOf(work, pos, nl, pos, line.left);
        line.left = line.left.flatMap(splitCell);
      }
    }
    lines.push(line);
    pos = nl + 1;
  }
  return lines;
}

const V_LEAD = /^(v\.|vs\.|V\.|VS\.)\s+(\S.*)$/;
const DOCKET_FRAG =
  '(?:(?:Case|CASE|Civil|CIVIL|Civ\\.|Civil Action|CIVIL ACTION|Criminal|CRIMINAL|Agency|AGENCY|D\\.C\\.|Index|INDEX|Appeal|APPEAL|Docket|DOCKET)\\s+)?(?:No|NO|Nos|NOS)\\.:?\\s*[A-Za-z0-9]*\\d[\\w:.\\-/]*(?:\\s*\\([^()]*\\)?)?';
const DOCKET_TAIL = new RegExp(`^(.*?[^\\s,])\\s*,?\\s+(${DOCKET_FRAG})$`);
const DOCKET_HEAD = new RegExp(`^(${DOCKET_FRAG})\\s+(\\S.*)$`);
const ROLE_LEAD = new RegExp(`^(${ROLE_EXPR}\\s*[,.]?)\\s+(\\S.*)$`, 'i');
const ROLE_TAIL =
  /^(.*[^\s,])\s+((?:THIRD-PARTY |CROSS-|COUNTER-)?(?:PLAINTIFF|DEFENDANT|APPELLANT|APPELLEE|PETITIONER|RESPONDENT|MOVANT|INTERVENOR|CLAIMANT|DEBTOR|RELATOR|CREDITOR)S?(?:[-/](?:APPELLANT|APPELLEE|PETITIONER|RESPONDENT)S?)?[.,]?)$/;

/**
 * A cell that holds two columns once the gap between them is lost (text read back from a PDF): "v. CIVIL NO. 18-5048",
 * "Plaintiff and Respondent, Super. Ct. No. CV166711)", "CHRISTINA RAMIREZ PLAINTIFF" — split into the cells the
 * caption reader expects (the "v.", the role line, the name and its role).
 */
function splitCell(c: Cell): Cell[] {
  const cut = (at: number, restAt: number): Cell[] => [
    { text: c.text.slice(0, at), start: c.start, end: c.start + at, col: c.col },
    { text: c.text.slice(restAt), start: c.start + restAt, end: c.end, col: c.col + restAt },
  ];
  const dt = DOCKET_TAIL.exec(c.text);
  if (dt) return [...splitCell(cut(dt[1].length, c.text.length - dt[2].length)[0]), cut(dt[1].length, c.text.length - dt[2].length)[1]];
  const dh = DOCKET_HEAD.exec(c.text);
  if (dh) return [cut(dh[1].length, c.text.length - dh[2].length)[0], ...splitCell(cut(dh[1].length, c.text.length - dh[2].length)[1])];
  const v = V_LEAD.exec(c.text);
  if (v && kindOf(v[2]) === 'heading') return cut(v[1].length, c.text.length - v[2].length);
  const r = ROLE_LEAD.exec(c.text);
  if (r && /^\p{Lu}/u.test(c.text) && r[2].length <= 60 && (kindOf(r[2]) === 'heading' || /\b(?:No|NO)\.\s*[A-Z0-9]/.test(r[2]))) {
    return cut(r[1].trimEnd().length, c.text.length - r[2].length);
  }
  const t = ROLE_TAIL.exec(c.text);
  // the name before the role: capitalised words only ("Social Security Administration DEFENDANT")
  if (t && !isRole(t[1]) && !/(?:^|\s)\p{Ll}{4,}/u.test(t[1])) return cut(t[1].length, c.text.length - t[2].length);
  return [c];
}

function isJunk(t: string): boolean {
  const letters = t.replace(/[^\p{L}]/gu, '');
  if (letters.length < 2) return true;
  if (/□|�/.test(t)) return true;
  const words = t.split(/\s+/);
  return words.every((w) => w.replace(/[^\p{L}]/gu, '').length <= 2) && !/^(?:and|AND|&)$/.test(t);
}

function isProse(t: string): boolean {
  const words = t.split(/\s+/);
  if (words.length < 10 || t.length < 50 || IN_RE.test(t)) return false;
  let lower = 0;
  for (const w of words) if (/^[a-z]/.test(w)) lower++;
  return lower * 2 >= words.length;
}

type Kind = 'v' | 'role' | 'heading' | 'name' | 'junk' | 'and' | 'prose';

function kindOf(raw: string): Kind {
  const t = raw.replace(/\s+/g, ' ');
  if (V_CELL.test(t)) return 'v';
  if (isRole(t)) return 'role';
  if (/^(?:and|AND|&)$/.test(t)) return 'and';
  if (isJunk(t)) return 'junk';
  if (isProse(t)) return 'prose';
  if (HEADING_STRONG.test(t) || /,\s*(?:J|C\.\s?J|JJ|P\.\s?J|Js)\.$/.test(t)) return 'heading';
  if (!/,$/.test(t) && HEADING.test(t)) return 'heading';
  return 'name';
}

/** A role cell: "Plaintiff-Appellee," (capitalised: "for appellant." is counsel's). */
function isRole(t: string): boolean {
  return /^\p{Lu}/u.test(t) && ROLE_CELL.test(t);
}

type LineKind = Kind | 'blank' | 'rule' | 'none' | 'rightHeading';

/** The line's party-column cell and the role cells anywhere on it. */
function readLine(line: Line, leftLimit: number): { main?: Cell; kind: LineKind; roles: Cell[] } {
  if (line.blank) return { kind: 'blank', roles: [] };
  if (line.rule) return { kind: 'rule', roles: [] };
  const roles: Cell[] = [];
  for (const c of [...line.left, ...line.right]) if (isRole(c.text)) roles.push(c);
  const first = line.left[0];
  if (!first) return { kind: 'none', roles };
  const k = kindOf(first.text);
  if (k === 'role') return { kind: 'role', main: first, roles };
  if (k === 'v') return { kind: 'v', main: first, roles };
  if (!line.sep && first.col > leftLimit) {
    // a right-column line (a docket number, "MEMORANDUM OPINION", a clerk's stamp)
    return { kind: k === 'heading' || k === 'prose' ? 'rightHeading' : 'none', main: first, roles };
  }
  return { kind: k, main: first, roles };
}

function viewOf(text: string, cells: Cell[]): View {
  let s = '';
  const offsets: number[] = [];
  for (const c of cells) {
    if (s) {
      s += ' ';
      offsets.push(c.start);
    }
    for (let i = c.start; i < c.end; i++) {
      s += text[i];
      offsets.push(i);
    }
  }
  return { text: s, offsets };
}

/** Splits "NAME, Appellant" into the name cell and the role. */
function splitInlineRole(cell: Cell): { name?: Cell; role?: string } {
  const m = INLINE_ROLE.exec(cell.text);
  if (!m) return { name: cell };
  const nameText = cell.text.slice(0, m.index);
  const name = nameText.trim() ? { ...cell, text: nameText, end: cell.start + nameText.length } : undefined;
  return { name, role: m[1] };
}

/** Finds the caption's party groups (consolidated cases: several captions, one after the other). */
function findCaption(text: string, lines: Line[]): Caption | undefined {
  const groups: CaptionGroup[] = [];
  const links: CaptionLink[] = [];
  let end = 0;
  let from = 0;
  let sideBase = 0;
  for (let n = 0; n < 4; n++) {
    const one = captionFrom(text, lines, from, sideBase, n > 0);
    if (!one) break;
    groups.push(...one.groups);
    links.push(...one.links);
    end = lines[one.endLine].end;
    from = one.endLine + 1;
    sideBase = Math.max(...one.groups.map((g) => g.side)) + 1;
  }
  return groups.length ? { groups, links, end } : undefined;
}

function isAnchor(l: Line): boolean {
  const first = l.left[0];
  const cells = [...l.left, ...l.right];
  return cells.some((c) => isRole(c.text)) || (!!first && INLINE_ROLE.test(first.text) && !isProse(first.text));
}

function captionFrom(
  text: string,
  lines: Line[],
  from: number,
  sideBase: number,
  again: boolean,
): { groups: CaptionGroup[]; links: CaptionLink[]; endLine: number } | undefined {
  // The first anchor: a "v." line or a role line, or a name cell ending in a role.
  let anchor = -1;
  let vcol = -1;
  for (let i = from; i < lines.length && lines[i].start < CAPTION_SEARCH; i++) {
    const l = lines[i];
    if (l.blank || l.rule) continue;
    const first = l.left[0];
    // a later caption only before the body's prose
    if (again && [...l.left, ...l.right].some((c) => isProse(c.text))) return undefined;
    if (first && V_CELL.test(first.text)) {
      anchor = i;
      vcol = first.col;
      break;
    }
    if (isAnchor(l)) {
      anchor = i;
      // a "v." soon after sets the column
      for (let j = i + 1; j < Math.min(lines.length, i + 25); j++) {
        const f = lines[j].left[0];
        if (f && V_CELL.test(f.text)) {
          vcol = f.col;
          break;
        }
      }
      break;
    }
  }
  if (anchor < 0) return undefined;
  const leftLimit = vcol >= 0 ? vcol + 4 : 30;

  // Walk up from the anchor to the caption's first line.
  let first = anchor;
  let sawName = false;
  for (let i = anchor - 1; i >= from && anchor - i <= 30; i--) {
    const r = readLine(lines[i], leftLimit);
    if (r.kind === 'blank') {
      if (sawName) break;
      continue;
    }
    if (r.kind === 'none' || r.kind === 'junk' || r.kind === 'rightHeading') continue;
    // "(Santa Cruz County": a right column's fragment that lost its gap (text read back from a PDF)
    if (r.kind === 'heading' && r.main && /^\([A-Z][^()]*$/.test(r.main.text)) continue;
    if (r.kind === 'name' || r.kind === 'and') {
      sawName = true;
      first = i;
      continue;
    }
    break; // heading, prose, rule, another role or v
  }

  const groups: CaptionGroup[] = [];
  const links: CaptionLink[] = [];
  let pending: Cell[] = [];
  let side = sideBase;
  let endLine = anchor;
  let lastRoleSide = -1;
  let skipped = 0;
  const flush = (role: string | undefined, i: number) => {
    if (pending.length) groups.push({ view: viewOf(text, pending), role, side, base: sideBase });
    pending = [];
    if (role) lastRoleSide = side;
    endLine = i;
  };
  const afterLast = () => groups.length > 0 && !pending.length && lastRoleSide === side && side > sideBase;
  for (let i = first; i < lines.length; i++) {
    const r = readLine(lines[i], leftLimit);
    if (r.kind === 'blank') continue;
    if (r.kind === 'rule') {
      if (pending.length && side > sideBase) flush(undefined, i);
      continue;
    }
    if (r.kind === 'v') {
      if (pending.length) flush(undefined, i);
      links.push({ kind: 'v', start: r.main!.start, end: r.main!.end, sides: [side, side + 1] });
      side++;
      endLine = i;
      continue;
    }
    if (r.kind === 'heading' || r.kind === 'prose') {
      if (i <= anchor) continue;
      // a right column's line ("ORDER", "Civil Action No. …") between the first side and the "v.", once the gap
      // between the columns is lost (text read back from a PDF)
      if (r.kind === 'heading' && side === sideBase && vWithin(lines, i + 1, 3, leftLimit)) continue;
      // ... or between the "v." and the second side's first name ("In Admiralty")
      if (r.kind === 'heading' && side > sideBase && !pending.length && !groups.some((g) => g.side === side) && skipped++ < 2) continue;
      break;
    }
    if (r.kind === 'rightHeading') {
      if (afterLast()) break;
      continue;
    }
    if (r.kind === 'role') {
      if (pending.length) flush(r.main!.text, i);
      else if (groups.length && groups[groups.length - 1].role === undefined) {
        groups[groups.length - 1].role = r.main!.text;
        lastRoleSide = side;
        endLine = i;
      }
      continue;
    }
    if (r.kind === 'junk' || r.kind === 'none') {
      if (r.roles.length && pending.length) flush(r.roles[0].text, i);
      continue;
    }
    // a name line (or "and")
    if (afterLast()) {
      // after the last block: stop unless a role follows soon (intervenors after a rule)
      let roleSoon = false;
      for (let j = i; j < Math.min(lines.length, i + 5); j++) {
        const rj = readLine(lines[j], leftLimit);
        if (rj.kind === 'role' || rj.roles.length || (rj.main && rj.kind === 'name' && INLINE_ROLE.test(rj.main.text))) {
          roleSoon = true;
          break;
        }
        if (rj.kind === 'heading' || rj.kind === 'prose' || rj.kind === 'v') break;
      }
      if (!roleSoon) break;
      // a second caption of consolidated cases ("PETRA ALVANG, Plaintiff, v. …" after the first): its own caption
      let vSoon = false;
      for (let j = i + 1; j < Math.min(lines.length, i + 14); j++) {
        const rj = readLine(lines[j], leftLimit);
        if (rj.kind === 'v') {
          vSoon = true;
          break;
        }
        if (rj.kind === 'heading' || rj.kind === 'prose' || rj.kind === 'rule') break;
      }
      if (vSoon) break;
    }
    const cell = r.main!;
    const split = splitInlineRole(cell);
    if (split.name) pending.push(split.name);
    if (split.role) flush(split.role, i);
    else if (r.roles.length) flush(r.roles[0].text, i);
  }
  // the second side with no role line ("KATIE N. MARSHALL" and then the body)
  if (pending.length && side > sideBase && !groups.some((g) => g.side === side)) {
    groups.push({ view: viewOf(text, pending), side, base: sideBase });
  }
  if (!groups.length || (again && new Set(groups.map((g) => g.side)).size < 2)) return undefined;
  return { groups, links, endLine };
}

/** Whether a "v." line comes within `n` non-blank lines from line `from`. */
function vWithin(lines: Line[], from: number, n: number, leftLimit: number): boolean {
  for (let j = from, seen = 0; j < lines.length && seen < n; j++) {
    const r = readLine(lines[j], leftLimit);
    if (r.kind === 'blank') continue;
    if (r.kind === 'v') return true;
    seen++;
  }
  return false;
}

/** "A v. B" on one line (two with a continuation), in capitals: "MARTIN HINES v. THE STATE." */
function findInlineCaption(text: string, lines: Line[]): Caption | undefined {
  for (let i = 0; i < lines.length && lines[i].start < CAPTION_SEARCH; i++) {
    const c = lines[i].left[0];
    if (!c) continue;
    const m = /^(?:[A-Z]?\d[\w-]*\.\s+)?(.+?)(\s+)(v\.|vs\.|V\.|VS\.|v)\s+(.+)$/.exec(c.text);
    if (!m || /\d/.test(m[4]) || c.text.length > 120) continue;
    const letters = c.text.replace(/[^A-Za-z]/g, '');
    const upper = c.text.replace(/[^A-Z]/g, '').length;
    if (upper < letters.length * 0.7) continue;
    const leftStart = c.start + c.text.indexOf(m[1]);
    const leftCell: Cell = { text: m[1], start: leftStart, end: leftStart + m[1].length, col: c.col };
    const rightStart = c.start + c.text.lastIndexOf(m[4]);
    const rightCells: Cell[] = [{ text: m[4], start: rightStart, end: rightStart + m[4].length, col: c.col }];
    let end = lines[i].end;
    const next = lines[i + 1]?.left[0];
    if (next && !/[.]$/.test(m[4]) && /^[A-Z][A-Z ,.&'’-]+$/.test(next.text) && kindOf(next.text) === 'name') {
      rightCells.push(next);
      end = lines[i + 1].end;
    }
    const vStart = leftStart + m[1].length + m[2].length;
    return {
      groups: [
        { view: viewOf(text, [leftCell]), side: 0, base: 0 },
        { view: viewOf(text, rightCells), side: 1, base: 0 },
      ],
      links: [{ kind: 'v', start: vStart, end: vStart + m[3].length, sides: [0, 1] }],
      end,
    };
  }
  return undefined;
}

/** "In re X" / "In the Matter of X" captions (the longest one near the top; one joined over lines). */
function findInReCaption(text: string, lines: Line[]): Caption | undefined {
  let best: { cells: Cell[]; end: number; len: number } | undefined;
  for (let i = 0; i < lines.length && lines[i].start < CAPTION_SEARCH; i++) {
    const l = lines[i];
    for (const c of [...l.left, ...l.right]) {
      if (!IN_RE.test(c.text)) continue;
      if (/\d/.test(c.text.replace(/\(.*$/, '')) && /,\s*\d|\d{4}-Ohio|\bNo\.\s*\d/.test(c.text)) continue; // a citation
      const cells = [c];
      let end = l.end;
      let open = (c.text.match(/\(/g) ?? []).length - (c.text.match(/\)/g) ?? []).length;
      let last = c.text;
      for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
        if (lines[j].blank) break;
        if (open <= 0 && /[.)]$/.test(last)) break;
        const nc = [...lines[j].left, ...lines[j].right].find((x) => Math.abs(x.col - c.col) <= 4) ?? lines[j].left[0];
        if (!nc || kindOf(nc.text) === 'heading' || isRole(nc.text)) break;
        cells.push(nc);
        end = lines[j].end;
        open += (nc.text.match(/\(/g) ?? []).length - (nc.text.match(/\)/g) ?? []).length;
        last = nc.text;
      }
      const len = cells.reduce((n, x) => n + x.text.length, 0);
      if (!best || len > best.len) best = { cells, end, len };
    }
  }
  if (!best) return undefined;
  return { groups: [{ view: viewOf(text, best.cells), side: 0, base: 0, inRe: true }], links: [], end: best.end };
}

// ---- Parties --------------------------------------------------------------------------------------

const METHOD = 'legal:party';

/** A party of the caption, before it becomes a mention. */
export interface Party {
  type: 'PERSON' | 'ORG';
  start: number;
  end: number;
  display: string;
  key: string;
  attributes: Record<string, AttributeValue>;
  role?: 'party';
  /** Alias spans ("AKA Frederick Jost", "dba Carnival Cruise Line"): same entity. */
  aliases: { start: number; end: number; display: string }[];
  government?: boolean;
  /** The first side number of the party's caption (attributes.side is made relative to it). */
  base?: number;
}

/** Role text -> { party, appealRole }: "Plaintiff-Appellee" -> plaintiff / appellee. */
export function parseRole(role: string | undefined): { party?: string; appealRole?: string } {
  if (!role) return {};
  const words = role
    .toLowerCase()
    .replace(/\(s\)/g, '')
    .split(/\s*(?:-|–|\/|,|\band\b|&)\s*(?=[a-z])/)
    .map((w) => w.replace(/[^a-z ]/g, '').trim())
    .filter(Boolean);
  const norm = words.map((w) => {
    let x = w.replace(/\s+/g, ' ');
    if (/^(?:third party|counter|cross|real party|interested party|proposed)/.test(x)) {
      x = x.replace(/s$/, '');
      return x
        .replace(/^third party/, 'third-party')
        .replace(/^cross /, 'cross-')
        .replace(/^counter /, 'counter-');
    }
    return x.replace(
      /(?<=(?:plaintiff|defendant|appellant|appellee|petitioner|respondent|movant|intervenor|claimant|debtor|creditor|relator|applicant|complainant|objector|garnishee))s$/,
      '',
    );
  });
  // "cross" joined pieces: "cross-appellant" splits on "-" above; glue back
  const out: string[] = [];
  for (let i = 0; i < norm.length; i++) {
    if ((norm[i] === 'cross' || norm[i] === 'counter' || norm[i] === 'third party') && norm[i + 1]) {
      out.push(`${norm[i].replace(' ', '-')}-${norm[i + 1]}`);
      i++;
    } else out.push(norm[i]);
  }
  const appeal = new Set(['appellant', 'appellee', 'cross-appellant', 'cross-appellee']);
  if (out.length >= 2 && appeal.has(out[out.length - 1]) && !appeal.has(out[0])) return { party: out[0], appealRole: out[out.length - 1] };
  return { party: out[0] };
}

const COUNTERPART: Record<string, string> = {
  plaintiff: 'defendant',
  defendant: 'plaintiff',
  petitioner: 'respondent',
  respondent: 'petitioner',
  appellant: 'appellee',
  appellee: 'appellant',
  movant: 'respondent',
};

const ALIAS =
  /^(?:AKA|A\/K\/A|a\/k\/a|aka|a\.k\.a\.|f\/k\/a|F\/K\/A|formerly known as|also known as|dba|d\/b\/a|DBA|D\/B\/A|doing business as|DOING BUSINESS AS|t\/a|trading as)\s+/;
const CAPACITY =
  /^(?:in (?:his|her|its|their) (?:official |individual |personal )?(?:and (?:official|individual|personal) )?capacit(?:y|ies)|IN (?:HIS|HER|ITS|THEIR) (?:OFFICIAL |INDIVIDUAL )?CAPACITY|as\s|AS\s|individually|Individually|INDIVIDUALLY|on behalf of|ON BEHALF OF|similarly situated|a minor|a Minor|A MINOR|by (?:his|her|their) (?:next friend|parents?|guardians?|mother|father)|a (?:minor|child|protected person)|deceased|Deceased|DECEASED|an?\s+(?:person|minor|child|youth|juvenile|incapacitated|alleged|protected|Person|Minor|Child|Youth|Juvenile)\b)/;
const REPRESENTED = /^(?:by and through|BY AND THROUGH|(?:and )?(?:its|their|his|her|ITS)\s+)/;
const TITLE =
  /^(?:Acting |Deputy |Assistant |Former |Interim |Chief |Executive |Senior |State |County |City )?(?:Director|DIRECTOR|Commissioner|COMMISSIONER|Secretary|SECRETARY|Attorney General|ATTORNEY GENERAL|Administrator|ADMINISTRATOR|Warden|WARDEN|Sheriff|SHERIFF|Governor|GOVERNOR|Treasurer|TREASURER|Superintendent|SUPERINTENDENT|Chief|CHIEF|Clerk|CLERK|Mayor|MAYOR|President|PRESIDENT|Chairman|CHAIRMAN|Chair|Comptroller|Auditor|Trustee|TRUSTEE|Executor|Executrix|Administratrix|Receiver|Officer|OFFICER|Election Commissioner|Registrar|Controller|Inspector)\b/;
const SUBUNIT =
  /^(?:the\s+)?(?:Department|DEPARTMENT|Dept\.|Division|DIVISION|Bureau|BUREAU|Office|OFFICE|Branch|Section|Unit|Board|BOARD|Agency|Institutional|INSTITUTIONAL|[A-Z][A-Za-z]+ (?:Division|DIVISION|Bureau|BUREAU|Branch|Unit))\b/;

interface Part {
  start: number; // view index
  end: number;
  text: string;
}

/** Splits a view into comma/semicolon parts, "et al." and "and others" removed. */
function partsOf(view: View): Part[][] {
  // Blank "et al." / "and others" (same length: indices hold), then split.
  const t = view.text
    .replace(/,?\s*\bet\.?\s*al\b\.?,?/gi, (m) => ',' + ' '.repeat(m.length - 1))
    .replace(/\s+and\s+others\b\.?/gi, (m) => ',' + ' '.repeat(m.length - 1));
  const chunks: Part[][] = [];
  let cur: Part[] = [];
  let s = 0;
  let quote = false;
  for (let i = 0; i <= t.length; i++) {
    const ch = t[i];
    if (ch === '"' || ch === '“' || ch === '”') quote = ch === '“' ? true : ch === '”' ? false : !quote;
    if (i === t.length || (!quote && (ch === ',' || ch === ';'))) {
      const raw = t.slice(s, i);
      const lead = raw.length - raw.trimStart().length;
      const text = raw.trim();
      if (text) cur.push({ start: s + lead, end: s + lead + text.length, text });
      if (i === t.length || ch === ';') {
        if (cur.length) chunks.push(cur);
        cur = [];
      }
      s = i + 1;
    }
  }
  return chunks;
}

/** Where a " and " inside a part separates two parties. */
function andSplit(p: Part): Part[] {
  const re = /\s+(?:and|AND|&)\s+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(p.text))) {
    const left = p.text.slice(0, m.index);
    const right = p.text.slice(m.index + m[0].length);
    if (m[0].trim() === '&' && !isPersonName(right, 2)) continue;
    const split =
      isPersonName(right, 2) ||
      /^(?:THE|The)\s/.test(right) ||
      (isPersonName(left, 2) && hasOrgWord(right)) ||
      (/\b(?:Inc\.?|LLC|Corp\.?|Corporation|Company|Agency|Service)$/i.test(left) && hasOrgWord(right));
    if (!split) continue;
    const a: Part = { start: p.start, end: p.start + left.length, text: left };
    const bStart = p.start + m.index + m[0].length;
    return [a, ...andSplit({ start: bStart, end: p.end, text: right })];
  }
  return [p];
}

function spanOf(text: string, view: View, from: number, to: number): [number, number] {
  while (from < to && /[\s"“”'‘’(),;:*]/.test(view.text[from])) from++;
  while (to > from && /[\s"“”'‘’(),;:*]/.test(view.text[to - 1])) to--;
  const start = view.offsets[from];
  let end = view.offsets[to - 1] + 1;
  end = trimFinalPeriod(text, start, end);
  return [start, end];
}

function cleanDisplay(view: View, from: number, to: number): string {
  let s = view.text.slice(from, to).trim();
  s = s.replace(/^["“”'‘’(]+|["“”'‘’),;:*]+$/g, '');
  if (/\.$/.test(s) && !/(?:\b(?:Inc|Co|Corp|Ltd|Jr|Sr|[A-Z])|\b(?:[A-Za-z]\.)+[A-Za-z])\.$/i.test(s)) s = s.slice(0, -1);
  return s;
}

const IN_RE_PREFIX =
  /^(?:IN RE:?|In re:?|In Re:?|IN THE MATTER OF|In the Matter of|In The Matter Of|Matter of|MATTER OF|Ex parte|EX PARTE|Ex Parte)\s+(?:(?:the|THE)\s+(?:Care and Treatment|Marriage|Adoption|Guardianship|Conservatorship|Welfare|Application|Petition|Complaint|Commitment|Custody|Dependency|Parentage|Paternity|CARE AND TREATMENT|MARRIAGE|ADOPTION|GUARDIANSHIP|WELFARE|APPLICATION|PETITION)\s+(?:of|OF)\s+|(?:Care and Treatment|Marriage|Adoption|Guardianship|Conservatorship|Welfare|Application|Petition|Complaint|Commitment|Custody|Dependency|Parentage|Paternity)\s+of\s+)?/;
const MATTER_SUFFIX =
  /\s+(?:(?:SECURITIES|Securities|ANTITRUST|Antitrust|DERIVATIVE|Derivative|ERISA|PRODUCTS LIABILITY|Products Liability|Sales Practices|SALES PRACTICES)\s+)?(?:LITIGATION|Litigation)\.?$/;

/** Parses one caption group into parties. */
const ROLE_THEN_V = new RegExp(`^(.*?),\\s*(${ROLE_EXPR})\\s*,?\\s+(?:v\\.?|vs\\.?|versus)\\s+(.+)$`, 'i');

function groupParties(text: string, group: CaptionGroup, gov: GovernmentContext, out: Party[], extra: Party[], links: CaptionLink[] = []): void {
  let view = group.view;
  let inRe = false;
  const base = group.base ?? 0;
  // both sides on one line: "JOHN DOE, Plaintiff-Appellant, v. ACME CORP., Defendant-Appellee."
  const both = ROLE_THEN_V.exec(view.text);
  if (both && !IN_RE_PREFIX.test(view.text)) {
    const rightAt = view.text.length - both[3].length;
    const vm = /(?:v\.?|vs\.?|versus)(?=\s+$)/i.exec(view.text.slice(0, rightAt));
    if (vm)
      links.push({
        kind: 'v',
        start: view.offsets[vm.index],
        end: view.offsets[vm.index + vm[0].length - 1] + 1,
        sides: [group.side, group.side + 1],
      });
    const left = { view: { text: both[1], offsets: view.offsets.slice(0, both[1].length) }, role: both[2], side: group.side, base };
    groupParties(text, left, gov, out, extra, links);
    const right = { view: { text: both[3], offsets: view.offsets.slice(rightAt) }, role: group.role, side: group.side + 1, base };
    groupParties(text, right, gov, out, extra, links);
    return;
  }
  const pre = IN_RE_PREFIX.exec(view.text);
  if (pre) {
    inRe = true;
    const words = /^(?:IN RE|In re|In Re|IN THE MATTER OF|In the Matter of|In The Matter Of|Matter of|MATTER OF|Ex parte|EX PARTE|Ex Parte)/.exec(
      view.text,
    );
    if (words) {
      links.push({
        kind: 'inRe',
        start: view.offsets[0],
        end: view.offsets[words[0].length - 1] + 1,
        sides: [group.side],
        prefix: inRePrefix(pre[0]),
      });
    }
    let body = view.text.slice(pre[0].length);
    let bodyOffsets = view.offsets.slice(pre[0].length);
    // "In re TAMERA W., a Minor (The People ..., Petitioner-Appellee, v. Sawley W., Respondent-Appellant)."
    const paren = body.indexOf('(');
    if (paren > 0 && /\sv\.\s/.test(body.slice(paren))) {
      const inner = body.slice(paren + 1).replace(/\)\.?\s*$/, '');
      const innerOffsets = bodyOffsets.slice(paren + 1, paren + 1 + inner.length);
      const vm = /,?\s+v\.\s+/.exec(inner);
      if (vm) {
        const sides = [
          { text: inner.slice(0, vm.index), offsets: innerOffsets.slice(0, vm.index) },
          { text: inner.slice(vm.index + vm[0].length), offsets: innerOffsets.slice(vm.index + vm[0].length) },
        ];
        sides.forEach((s, i) => {
          const rm = INLINE_ROLE.exec(s.text);
          const name = rm ? s.text.slice(0, rm.index) : s.text;
          groupParties(text, { view: { text: name, offsets: s.offsets.slice(0, name.length) }, role: rm?.[1], side: i, base: 0 }, gov, out, extra);
        });
      }
      body = body.slice(0, paren);
      bodyOffsets = bodyOffsets.slice(0, paren);
    }
    const suffix = MATTER_SUFFIX.exec(body);
    if (suffix) {
      body = body.slice(0, suffix.index);
      bodyOffsets = bodyOffsets.slice(0, body.length);
    }
    if (/\b(?:Permit|PERMIT|Subdivision|Variance|Zoning|Application|Appeal)\b/.test(body)) return;
    const rm = INLINE_ROLE.exec(body);
    if (rm && !group.role) {
      group = { ...group, role: rm[1] };
      body = body.slice(0, rm.index);
    }
    view = { text: body, offsets: bodyOffsets };
  }
  const { party, appealRole } = parseRole(group.role);
  const attrs = (): Record<string, AttributeValue> => {
    const a: Record<string, AttributeValue> = {};
    if (party) a.party = party;
    if (appealRole) a.appealRole = appealRole;
    if (inRe) a.inRe = true;
    a.side = group.side;
    return a;
  };

  let cur: Party | undefined;
  let capacity: string[] | undefined;
  let capOrg: Party | undefined;
  let repTitle: string | undefined;
  const newParty = (p: Part, asRep: boolean): Party | undefined => {
    const [start, end] = spanOf(text, view, p.start, p.end);
    if (end <= start) return undefined;
    const raw = cleanDisplay(view, p.start, p.end);
    if (!/\p{L}[^\p{L}]{0,2}\p{L}/u.test(raw)) return undefined;
    const g = governmentOf(raw, gov);
    let type: 'PERSON' | 'ORG';
    if (g) type = 'ORG';
    else if (hasOrgWord(raw) || /^(?:The|THE)\s/.test(raw)) type = 'ORG';
    else if (isPersonName(raw)) type = 'PERSON';
    else type = raw.split(/\s+/).length >= 4 ? 'ORG' : 'PERSON';
    const display = g ? governmentDisplay(raw) : displayName(raw);
    const party: Party = {
      type,
      start,
      end,
      display,
      key: g ? g.key : nameKey(display),
      attributes: attrs(),
      role: 'party',
      aliases: [],
      government: !!g,
      base,
    };
    if (g) {
      party.attributes.government = true;
      if (!g.bare && !gov.named[g.kind]) gov.named[g.kind] = g.key;
    }
    if (asRep && repTitle) {
      party.attributes.capacity = repTitle;
      party.attributes.representing = cur?.key ?? null;
    }
    out.push(party);
    return party;
  };

  for (const chunk of partsOf(view)) {
    let rep = false;
    for (let pi = 0; pi < chunk.length; pi++) {
      let p = chunk[pi];
      // leading "and"
      const lead = /^(?:and|AND|&)\s+/.exec(p.text);
      if (lead) p = { start: p.start + lead[0].length, end: p.end, text: p.text.slice(lead[0].length) };
      const t = p.text.replace(/\.$/, '.').trim();
      if (!t) continue;
      if (LEGAL_FORM.test(t)) {
        const target = capOrg ?? cur;
        if (target && target.type === 'ORG') {
          target.end = spanOf(text, view, p.start, p.end)[1];
          target.display = `${target.display}, ${formOf(t)}`;
          target.key = target.government ? target.key : nameKey(target.display);
          continue;
        }
        if (target && target.type === 'PERSON') {
          // "SONN, TOON" are people; "Acme, Inc." makes the part before an org
          target.type = 'ORG';
          target.end = spanOf(text, view, p.start, p.end)[1];
          target.display = `${target.display}, ${formOf(t)}`;
          target.key = nameKey(target.display);
          continue;
        }
      }
      if (NAME_SUFFIX.test(t) && cur && cur.type === 'PERSON') {
        cur.end = spanOf(text, view, p.start, p.end)[1];
        cur.display = `${cur.display}, ${formOf(t)}`;
        cur.key = nameKey(cur.display);
        continue;
      }
      if (PROFESSIONAL.test(t)) continue;
      if (isStateName(t) && cur && cur.type === 'ORG' && !capacity) {
        cur.end = spanOf(text, view, p.start, p.end)[1];
        cur.display = `${cur.display}, ${displayName(t)}`;
        if (!cur.government) cur.key = nameKey(cur.display);
        continue;
      }
      const alias = ALIAS.exec(t);
      if (alias && cur) {
        const a = { start: p.start + alias[0].length, end: p.end, text: t.slice(alias[0].length) };
        // "doing business as ELLICOTT CENTER FOR REHABILITATION AND NURSING"
        const [start, end] = spanOf(text, view, a.start, a.end);
        if (end > start) cur.aliases.push({ start, end, display: displayName(cleanDisplay(view, a.start, a.end)) });
        continue;
      }
      if (REPRESENTED.test(t) && cur) {
        rep = true;
        const title = t
          .replace(REPRESENTED, '')
          .trim()
          .replace(/^(?:its|their|his|her)\s+/i, '')
          .trim();
        repTitle = title || undefined;
        continue;
      }
      if (CAPACITY.test(t) && cur) {
        if (!/^(?:individually|on behalf|similarly)/i.test(t)) {
          const cap = t.replace(/^(?:in (?:his|her|its|their) (?:official |individual |personal )?capacit(?:y|ies) as|as)\s+/i, '');
          const capText = displayName(cap);
          cur.attributes.capacity = cur.attributes.capacity ? `${cur.attributes.capacity}, ${capText}` : capText;
        }
        continue;
      }
      const tm = cur && cur.type === 'PERSON' ? TITLE.exec(t) : null;
      const titleRest = tm ? t.slice(tm[0].length).trim() : '';
      if (cur && tm && (!titleRest || /^(?:of|for|OF|FOR)\s/.test(titleRest) || hasOrgWord(titleRest) || !isPersonName(titleRest, 2))) {
        // "GARY L. JOHNSON, DIRECTOR, TEXAS DEPARTMENT ..., INSTITUTIONAL DIVISION"
        capacity = [displayName(tm[0].replace(/\s+/g, ' '))];
        capOrg = undefined;
        const rest = titleRest.replace(/^(?:of|for|OF|FOR)\s+(?:the\s+)?/, '');
        if (rest && /\p{Lu}/u.test(rest[0] ?? '')) {
          const from = p.start + t.lastIndexOf(rest);
          if (/^(?:of|for)\s/i.test(titleRest)) capacity[0] = displayName(t);
          else {
            // "Commissioner Social Security Administration": the office's agency is an organisation
            capacity[0] = `${capacity[0]}, ${displayName(rest)}`;
            capOrg = orgOf({ start: from, end: p.end, text: rest });
          }
        }
        cur.attributes.capacity = capacity.join(', ');
        continue;
      }
      const acronymic = /\bU\.S\.|\b[A-Z]{2,5}\b/.test(t) && !/^[^a-z]*$/.test(view.text);
      if (capacity && cur && (!isPersonName(t, 2) || acronymic) && (hasOrgWord(t) || SUBUNIT.test(t) || acronymic)) {
        capacity.push(displayName(t));
        cur.attributes.capacity = capacity.join(', ');
        if (capOrg && SUBUNIT.test(t) && !/^(?:the\s+)?(?:Department|DEPARTMENT)/.test(t)) {
          capOrg.end = spanOf(text, view, p.start, p.end)[1];
          capOrg.display = `${capOrg.display}, ${displayName(t)}`;
          capOrg.key = nameKey(capOrg.display);
        } else if (!capOrg) capOrg = orgOf(p);
        continue;
      }
      // a government's subunit ("Commonwealth of Pennsylvania, Department of Transportation, Bureau of ...")
      if (cur && cur.type === 'ORG' && !capacity && SUBUNIT.test(t) && !isPersonName(t, 2)) {
        cur.end = spanOf(text, view, p.start, p.end)[1];
        cur.display = `${cur.display}, ${displayName(t)}`;
        cur.key = nameKey(cur.display);
        cur.government = false;
        delete cur.attributes.government;
        continue;
      }
      // "UNITED STATES ex rel. JOHN DOE": the government and its relator
      const exRel = /^(.+?)\s+(?:ex\s+rel\.?|EX\s+REL\.?)\s+(.+)$/.exec(t);
      if (exRel) {
        const gov0 = newParty({ start: p.start, end: p.start + exRel[1].length, text: exRel[1] }, false);
        const relAt = p.end - exRel[2].length;
        const rel = newParty({ start: relAt, end: p.end, text: exRel[2] }, false);
        if (rel) {
          rel.attributes.party = 'relator';
          if (gov0) rel.attributes.onBehalfOf = gov0.key;
          cur = rel;
        }
        continue;
      }
      // "an Oregon corporation", "a Delaware limited liability company", "an individual": what the party is
      if (cur && /^(?:an?|the)\s+\p{Ll}|^an?\s+\p{Lu}\p{Ll}+\s+\p{Ll}/u.test(t)) {
        cur.attributes.description = t.replace(/\s+/g, ' ');
        continue;
      }
      // a new party (or several, joined by "and")
      capacity = undefined;
      capOrg = undefined;
      for (const q of andSplit(p)) {
        const made = newParty(q, rep);
        if (made && !rep) cur = made;
      }
      rep = false;
      repTitle = undefined;
    }
  }

  function orgOf(p: Part): Party | undefined {
    const [start, end] = spanOf(text, view, p.start, p.end);
    if (end <= start) return undefined;
    const display = displayName(cleanDisplay(view, p.start, p.end));
    const org: Party = { type: 'ORG', start, end, display, key: nameKey(display), attributes: {}, aliases: [] };
    if (cur) org.attributes.capacityOf = cur.key;
    extra.push(org);
    return org;
  }
}

/** The caption's parties (before they become mentions); exported for the counsel finder and tests. */
export function captionParties(
  text: string,
  context: LegalPeopleContext,
  gov?: GovernmentContext,
): { parties: Party[]; others: Party[]; end: number; cases: CaptionCase[] } {
  const g: GovernmentContext = gov ?? {
    docState: documentState(
      text,
      context.courts.filter((c) => c.type === 'COURT').map((c) => c.text),
      courtJurisdictions(context),
    ),
    named: {},
  };
  const captions: Caption[] = [];
  const lines = splitLines(text, Math.min(text.length, REGION));
  const main = findCaption(text, lines);
  if (main) captions.push(main);
  const inRe = findInReCaption(text, lines);
  if (inRe && (!main || !overlapsCaption(inRe, main))) captions.push(inRe);
  if (!captions.length) {
    const inline = findInlineCaption(text, lines);
    if (inline) captions.push(inline);
  }
  const parties: Party[] = [];
  const others: Party[] = [];
  const links: CaptionLink[] = [];
  let end = 0;
  for (const c of captions) {
    for (const group of c.groups) groupParties(text, group, g, parties, others, links);
    links.push(...c.links);
    end = Math.max(end, c.end);
  }
  // No caption parties: a distribution list names them ("Appellee Sharon Menard", "Attorney X for Appellant Y").
  if (!parties.length) listedParties(text, g, parties);
  // Sides with no role line take the counterpart of the other side's role.
  const bySide = new Map<number, string>();
  for (const p of parties) if (typeof p.attributes.party === 'string') bySide.set(p.attributes.side as number, p.attributes.party);
  for (const p of parties) {
    if (p.attributes.party !== undefined || p.attributes.inRe || typeof p.attributes.side !== 'number') continue;
    const side = p.attributes.side;
    const base = p.base ?? 0;
    const other = bySide.get(side === base ? base + 1 : base);
    if (other && COUNTERPART[other]) {
      p.attributes.party = COUNTERPART[other];
      p.attributes.roleInferred = true;
    }
  }
  // Parties the caption gives no role: the role the opening of the body states ("Relator, Barry Minnfee",
  // "Hines appeals").
  for (const p of parties) {
    if (p.attributes.party !== undefined || p.government) continue;
    const role = roleFromBody(text, end, p);
    if (role) {
      p.attributes.party = role;
      p.attributes.roleInferred = true;
    }
  }
  // The caption's own cases; each party's side made relative to its caption (0 the first side, 1 the other).
  const cases = captionCases(parties, links);
  for (const p of parties) {
    const side = p.attributes.side;
    if (typeof side !== 'number') continue;
    const c = cases.find((x) => x.sides.includes(side));
    p.attributes.side = c ? side - c.sides[0] : side - (p.base ?? 0);
    if (c) p.attributes.caseKey = c.key;
  }
  // Parties of one key: one display (the first), one type.
  const seen = new Map<string, Party>();
  const unique: Party[] = [];
  for (const p of parties) {
    const prev = seen.get(p.key);
    if (prev) {
      p.type = prev.type;
      p.display = prev.display;
    } else seen.set(p.key, p);
    unique.push(p);
  }
  return { parties: unique, others, end, cases };
}

/** The jurisdictions of the document's courts, first first ("GA", "US"), as the courts finder states them. */
function courtJurisdictions(context: LegalPeopleContext): string[] {
  const out: string[] = [];
  for (const c of context.courts) {
    const j = c.attributes?.jurisdiction;
    if (c.type === 'COURT' && typeof j === 'string') out.push(j);
  }
  return out;
}

const BEFORE_SURNAME = new Set(
  'mr mrs ms miss dr defendant plaintiff appellant appellee petitioner respondent movant relator debtor officer ausa judge counsel attorney agent trooper deputy detective sergeant sgt'.split(
    ' ',
  ),
);

/**
 * A surname alone is the party's unless another first name stands before it ("Bethza Meletrich" is not
 * "Angel Meletrich"); a title, a role word or the party's own first name or initial may ("Mr. Soskin",
 * "Defendant Lillard", "Frances A. Oxner").
 */
function otherFirstName(text: string, start: number, p: Party): boolean {
  const before = /([\p{L}.'’]+)[ \t]+$/u.exec(text.slice(Math.max(0, start - 30), start));
  if (!before) return true;
  const w = before[1];
  if (!/^\p{Lu}/u.test(w)) return true;
  if (BEFORE_SURNAME.has(w.toLowerCase().replace(/\.$/, ''))) return true;
  const tokens = p.display.split(/\s+/);
  if (tokens.includes(w)) return true;
  if (/^\p{Lu}\.$/u.test(w) && tokens.some((t) => t[0] === w[0])) return true;
  return false;
}

const BODY_ROLE = 'appellant|appellee|petitioner|respondent|relator|movant|plaintiff|defendant|debtor|applicant';

function roleFromBody(text: string, from: number, p: Party): string | undefined {
  const body = text.slice(from, from + 5000);
  const tokens = p.display.replace(/,?\s+(?:Jr\.|Sr\.|II|III|IV)$/, '').split(/\s+/);
  const alts = [p.display, tokens.length > 1 ? tokens[tokens.length - 1] : ''].filter((x) => x.length >= 3).map((x) => spacedPattern(x));
  if (!alts.length) return undefined;
  const name = `(?:${alts.join('|')})`;
  const m =
    new RegExp(`\\b(${BODY_ROLE})s?,?\\s+(?:the\\s+)?${name}\\b`, 'i').exec(body) ??
    new RegExp(`\\b${name},?\\s+(?:the\\s+)?(${BODY_ROLE})\\b`, 'i').exec(body);
  if (m) return m[1].toLowerCase();
  if (new RegExp(`\\b${name}\\s+(?:now\\s+)?appeals\\b`).test(body)) return 'appellant';
  return undefined;
}

const LISTED = new RegExp(
  `^[ \\t]*(?:Attorney\\s+[^\\n]{3,60}?\\s+for\\s+)?(Appellants?|Appellees?|Petitioners?|Respondents?|Applicants?|Interested\\s+Person|Intervenors?)\\s+(\\p{Lu}[\\p{L}.'’-]*(?:[ \\t]+(?:of[ \\t]+)?\\p{Lu}[\\p{L}.'’-]*){1,4})[ \\t\\r]*$`,
  'gmu',
);

/** Parties named one to a line with their role, as a clerk's copy list does. */
function listedParties(text: string, gov: GovernmentContext, out: Party[]): void {
  LISTED.lastIndex = 0;
  let m: RegExpExecArray | null;
  const seen = new Set<string>();
  while ((m = LISTED.exec(text))) {
    const name = m[2];
    const start = m.index + m[0].lastIndexOf(name);
    const display = displayName(name);
    const g = governmentOf(name, gov);
    const type: 'PERSON' | 'ORG' = g || hasOrgWord(name) ? 'ORG' : isPersonName(name, 2) ? 'PERSON' : 'ORG';
    if (type === 'PERSON' && !isPersonName(name, 2)) continue;
    const key = g ? g.key : nameKey(display);
    const role = m[1].toLowerCase().replace(/\s+/g, ' ').replace(/s$/, '');
    const p: Party = { type, start, end: start + name.length, display, key, attributes: { party: role, listed: true }, role: 'party', aliases: [] };
    if (seen.has(key)) {
      // a second listing of the same party: one mention more of it
      out.push({ ...p, attributes: { ...p.attributes } });
      continue;
    }
    seen.add(key);
    out.push(p);
  }
}

/** Whether the "In re" caption is one of the groups already read (an "In the Matter of X, Appellant." block). */
function overlapsCaption(inRe: Caption, main: Caption): boolean {
  const at = inRe.groups[0].view.offsets[0];
  return main.groups.some((g) => g.view.offsets[0] <= at && at <= g.view.offsets[g.view.offsets.length - 1]);
}

/** A legal form or name suffix as written in normal case ("INC." -> "Inc.", "JR." -> "Jr."). */
function formOf(t: string): string {
  const m: Record<string, string> = {
    INC: 'Inc.',
    CORP: 'Corp.',
    CO: 'Co.',
    LTD: 'Ltd.',
    JR: 'Jr.',
    SR: 'Sr.',
    INCORPORATED: 'Incorporated',
    CHARTERED: 'Chartered',
  };
  return m[t.replace(/\.$/, '').toUpperCase()] && t === t.toUpperCase() ? m[t.replace(/\.$/, '').toUpperCase()] : t;
}

function mention(text: string, p: Party, start: number, end: number, display: string, confidence: number): LegalMention {
  const m: LegalMention = {
    type: p.type,
    start,
    end,
    text: text.slice(start, end),
    key: p.key,
    confidence,
    method: METHOD,
    attributes: { ...p.attributes },
  };
  if (display !== m.text) m.display = display;
  if (p.role) m.role = p.role;
  return m;
}

/**
 * The parties of the document's own caption (PERSON or ORG, role 'party', attributes.party / appealRole /
 * capacity), the organisations named in a party's capacity, their later mentions in the body (full name,
 * a person's surname, "the State" for a state that is a party), and defined short names with the key of
 * the name they stand for.
 */
export function findParties(text: string, context: LegalPeopleContext): LegalMention[] {
  const gov: GovernmentContext = {
    docState: documentState(
      text,
      context.courts.filter((c) => c.type === 'COURT').map((c) => c.text),
      courtJurisdictions(context),
    ),
    named: {},
  };
  const { parties, others, end, cases } = captionParties(text, context, gov);
  const out: LegalMention[] = captionCaseMentions(text, cases, end, context);
  for (const p of parties) {
    out.push(mention(text, p, p.start, p.end, p.display, 0.9));
    // "a/k/a ZEZAO", "dba Carnival Cruise Line": the same party (its key), marked as an alias
    for (const a of p.aliases) {
      const m = mention(text, p, a.start, a.end, a.display, 0.85);
      m.attributes = { ...m.attributes, alias: true };
      out.push(m);
    }
  }
  for (const o of others) {
    const m = mention(text, o, o.start, o.end, o.display, 0.8);
    delete m.role;
    out.push(m);
  }
  const taken = out.map((m) => [m.start, m.end] as [number, number]);
  out.push(...bodyMentions(text, parties, gov, end, context, taken));
  out.push(
    ...findDefinedTerms(text, {
      parties,
      context,
      gov,
      taken: [...taken, ...out.slice(taken.length).map((m) => [m.start, m.end] as [number, number])],
    }),
  );
  return out;
}

/**
 * The caption cases as CASE mentions (kind 'caption', method 'legal:caption', attributes.docket / courtId /
 * captionIndex), and the caption's court marked: its COURT mention in `context.courts` gets attributes.caption.
 */
function captionCaseMentions(text: string, cases: CaptionCase[], end: number, context: LegalPeopleContext): LegalMention[] {
  const court = captionCourt(text, context.courts, end);
  for (const c of context.courts) if (c.attributes?.caption) delete c.attributes.caption;
  if (court) court.attributes = { ...court.attributes, caption: true };
  const courtId = typeof court?.attributes?.courtId === 'string' ? court.attributes.courtId : undefined;
  const dockets = captionDockets(text, cases, end);
  return cases.map((c, i) => {
    const attributes: Record<string, AttributeValue> = { kind: 'caption', captionIndex: c.index };
    if (dockets[i]) attributes.docket = dockets[i]!;
    if (courtId) attributes.courtId = courtId;
    return {
      type: 'CASE',
      start: c.start,
      end: c.end,
      text: text.slice(c.start, c.end),
      key: c.key,
      display: c.display,
      attributes,
      confidence: 0.85,
      method: 'legal:caption',
    };
  });
}

/** Spans covered by citations (names inside case names are parties of cited cases). */
export function inSpans(spans: [number, number][], start: number, end: number): boolean {
  for (const [s, e] of spans) if (start < e && s < end) return true;
  return false;
}

const GOV_VERBS =
  'argues|argued|contends|contended|asserts|asserted|responds|responded|concedes|conceded|maintains|claims|filed|moved|moves|appeals|appealed|has|had|is|was|does|did|must|may|might|cannot|could|would|should|will|bears|bore|presented|introduced|charged|indicted|offered|agrees|agreed|notes|noted|points|relies|relied|urges|urged|seeks|sought|failed|fails|opposes|opposed|objects|objected|waived|proved|proves|established|showed|shows|called|elicited|suggests|suggested|acknowledges|acknowledged|counters|replies|replied|insists|submits|submitted|cites|cited|brought|brings|sued|sues|prosecuted|alleged|alleges';

function bodyMentions(
  text: string,
  parties: Party[],
  gov: GovernmentContext,
  from: number,
  context: LegalPeopleContext,
  taken: [number, number][],
): LegalMention[] {
  if (!parties.length) return [];
  const names = new Map<string, Party>();
  for (const p of parties) {
    if (p.government) continue;
    if (p.display.length >= 4) names.set(p.display, p);
    if (p.type === 'PERSON') {
      const tokens = p.display.replace(/,?\s+(?:Jr\.|Sr\.|II|III|IV)$/, '').split(/\s+/);
      const surname = tokens[tokens.length - 1];
      if (tokens.length >= 2 && /^\p{Lu}\p{Ll}{2,}/u.test(surname) && !names.has(surname) && !isStateName(surname)) names.set(surname, p);
    }
    for (const a of p.aliases) if (a.display.length >= 4) names.set(a.display, p);
  }
  const govs = parties.filter((p) => p.government);
  const alts = [...names.keys()].sort((a, b) => b.length - a.length).map((n) => spacedPattern(n));
  const govAlts: string[] = [];
  if (govs.some((g) => g.key === 'united states')) govAlts.push('(?:the\\s+)?United\\s+States(?:\\s+of\\s+America)?', '[Tt]he\\s+Government');
  for (const g of govs) {
    if (g.key.startsWith('state of')) govAlts.push(spacedPattern(g.display), '[Tt]he\\s+State');
    if (g.key.startsWith('commonwealth')) govAlts.push(spacedPattern(g.display), '[Tt]he\\s+Commonwealth');
    if (g.key.startsWith('people')) govAlts.push('[Tt]he\\s+People');
  }
  if (!alts.length && !govAlts.length) return [];
  const all = [...alts, ...govAlts];
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${all.join('|')})(?![\\p{L}\\p{N}])`, 'gu');
  const cites: [number, number][] = context.citations.map((c) => [c.start, c.end]);
  const out: LegalMention[] = [];
  re.lastIndex = from;
  let m: RegExpExecArray | null;
  const lowerNames = new Map([...names].map(([k, v]) => [k.replace(/\s+/g, ' '), v]));
  while ((m = re.exec(text))) {
    const start = m.index;
    const end = start + m[0].length;
    if (inSpans(taken, start, end) || inSpans(cites, start, end)) continue;
    const before = text.slice(Math.max(0, start - 4), start);
    const after = text.slice(end, end + 60);
    if (/v\.\s*$/.test(before) || /^\s+v\.?\s/.test(after)) continue; // a case name
    const matched = m[0].replace(/\s+/g, ' ');
    let p = lowerNames.get(matched);
    let display = matched;
    if (p && p.type === 'PERSON' && !matched.includes(' ') && !otherFirstName(text, start, p)) continue;
    // a surname that starts a longer name ("Halvorsen Marine", a company named after the person) is not the person
    if (p && p.type === 'PERSON' && !matched.includes(' ') && /^[ \t]+\p{Lu}\p{Ll}/u.test(after)) continue;
    if (!p) {
      // a government reference
      if (/^(?:the )?United States/i.test(matched)) {
        if (/^\s*(?:[A-Z]|Code|Attorney|District|Court|Marshal|Department|Constitution|Sentencing|Supreme)/.test(after)) continue;
        if (!new RegExp(`^(?:['’]s\\b|\\s+(?:${GOV_VERBS})\\b)`).test(after)) continue;
        p = govs.find((g) => g.key === 'united states');
      } else if (/Government$/.test(matched)) {
        p = govs.find((g) => g.key === 'united states');
      } else if (/State$/.test(matched)) {
        if (/^\s*(?:of\b|[A-Z]|Bar\b)|^['’]s\s+Attorney/.test(after)) continue;
        p = govs.find((g) => g.key.startsWith('state'));
      } else if (/Commonwealth$/.test(matched)) {
        if (/^\s*(?:of\b|[A-Z])|^['’]s\s+Attorney/.test(after)) continue;
        p = govs.find((g) => g.key.startsWith('commonwealth'));
      } else if (/People$/.test(matched)) {
        p = govs.find((g) => g.key.startsWith('people'));
      } else {
        p = govs.find((g) => g.display.replace(/\s+/g, ' ') === matched);
      }
      if (!p) continue;
      display = p.government ? governmentDisplay(matched) : matched;
    }
    let s0 = start;
    if (p.key === 'united states' && /^the\s/i.test(m[0]) && !/Government$/.test(matched)) {
      s0 = start + /^the\s+/i.exec(m[0])![0].length;
      display = display.replace(/^the\s+/i, '');
    }
    out.push(mention(text, p, s0, end, display, 0.75));
  }
  return out;
}
