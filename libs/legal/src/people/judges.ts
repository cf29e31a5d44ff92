import type { AttributeValue, LegalMention } from '../types';
import { courtOfParenthetical } from '../courts/courts';
import type { LegalPeopleContext } from './context';

/**
 * Judges named in a court document: "Bryan, J.", "SMITH, Circuit Judge", "Before HIGGINBOTHAM, WIENER,
 * and BARKSDALE, Circuit Judges.", "Judge Smith", "Justice Ginsburg", "Author: Bahr, Douglas Alan",
 * "/s/ Jane Roe / UNITED STATES DISTRICT JUDGE" …. The span is the name alone (no title, no ", J.");
 * the key is `judge <surname> <courtId>` with the document's own court (the first court in its opening),
 * so that every later mention of the judge ("Judge Barksdale", "BARKSDALE, Circuit Judge, dissenting") is
 * one entity.
 */
export function findJudges(text: string, context: LegalPeopleContext): LegalMention[] {
  if (!PREFILTER.test(text)) return [];
  const courtId = ownCourt(context);
  const out: Raw[] = [];
  suffixTitles(text, out);
  prefixTitles(text, out);
  headers(text, out);
  signatures(text, out);
  columnLists(text, out);
  benchLines(text, out);
  return finish(text, out, courtId);
}

const PREFILTER = /Judge|JUDGE|Justice|JUSTICE|J\.|JJ\.|Js\.|Chancellor|CHANCELLOR|Author|Opinion [Bb]y|Master/;

interface Raw {
  start: number;
  end: number;
  /** Name tokens in reading order, as written. */
  tokens: string[];
  /** Index of the surname in tokens. */
  surname: number;
  /** Inverted "Bahr, Douglas Alan": display puts tokens[surname] last. */
  inverted?: boolean;
  /** Mentioned with "Justice" in a lower court's document: a Supreme Court justice. */
  justice?: boolean;
  /** Read from a bench list ("Before A, B, and C", "JJ.", a column of justices, a signature block). */
  bench?: boolean;
}

/**
 * The court of a judge named in a citation's parenthetical, "(Rao, J., dissenting)" after "(D.C. Cir. 2022)"
 * or after a U.S. Reports citation: the cited case's court, not the document's.
 */
function citedCourt(text: string, r: Raw): string | undefined {
  if (!/\(\s*$/.test(text.slice(Math.max(0, r.start - 3), r.start))) return undefined;
  if (!/^,\s*(?:J\.|JJ\.|C\.\s?J\.)[^()]{0,40}\)/.test(text.slice(r.end, r.end + 50))) return undefined;
  const open = text.lastIndexOf('(', r.start);
  const before = text.slice(Math.max(0, open - 250), open);
  const paren = /\(([^()]*?)\s*\d{4}\)\s*$/.exec(before);
  if (paren?.[1]) return courtOfParenthetical(paren[1].replace(/\s+[A-Z][a-z]{2}\.?\s+\d{1,2},?$/, ''))?.id;
  if (/\d\s+(?:U\.\s?S\.|S\.\s?Ct\.|L\.\s?Ed\.(?:\s?2d)?)\s+\d/.test(before)) return 'us.scotus';
  return undefined;
}

function ownCourt(context: LegalPeopleContext): string | undefined {
  const first = context.courts.filter((c) => c.start < 4000).sort((a, b) => a.start - b.start)[0];
  const id = first?.attributes?.courtId;
  return typeof id === 'string' ? id : undefined;
}

// ---------------------------------------------------------------------------------------------
// Tokens

interface Tok {
  kind: 'word' | 'punct' | 'gap';
  text: string;
  start: number;
  end: number;
}

const TOKEN_RE = /(\p{L}[\p{L}\p{M}’'-]*\.?)|(\s+)|([^\s\p{L}])/gu;

function tokenize(text: string, from: number, to: number): Tok[] {
  const out: Tok[] = [];
  TOKEN_RE.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = TOKEN_RE.exec(text)) && m.index < to) {
    const kind = m[1] ? 'word' : m[2] ? 'gap' : 'punct';
    out.push({ kind, text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Capitalised words that never are (part of) a judge's name. */
const STOP = new Set(
  (
    'before present panel the and of for in on at by per curiam judge judges justice justices chief senior associate ' +
    'presiding circuit district magistrate bankruptcy court courts united states u.s. hon. hon honorable honourable ' +
    'opinion memorandum order filed submitted argued decided dated done signed entered appeal appeals from affirmed ' +
    'reversed judgment mr. mrs. ms. dr. see cf. id. also supreme state county department division justice. judge. ' +
    'special master chancellor vice trial appellate superior administrative law immigration acting retired concur ' +
    'concurring dissenting dissent joined joins while with this that his her their when where if it we our plaintiff ' +
    'defendant petitioner respondent appellant appellee government attorney general counsel esq. esq clerk deputy ' +
    'a an as to is was were has had or nor not but so all any no after upon under ' +
    'january february march april may june july august september october november december ' +
    'mediator party parties authority office administration commissioner secretary director warden sheriff officer ' +
    'jury juror witness rule rules act code section statute federal criminal civil family probate juvenile ' +
    'texas california florida new york ohio recommendation report findings decision decisions date advocate pro tem ' +
    'center system systems programs statistics institute foundation league project initiative reform policy services ' +
    'network studies society association council committee commission board agency bureau fund clinic alliance coalition'
  ).split(/\s+/),
);

const SUFFIX = /^(?:Jr\.?|JR\.?|Sr\.?|SR\.?|II|III|IV)$/;
const INITIAL = /^\p{Lu}\.?$/u;

function isNameWord(t: Tok): boolean {
  if (t.kind !== 'word') return false;
  const w = t.text;
  if (!/^\p{Lu}/u.test(w)) return false;
  const lower = w.toLowerCase();
  if (STOP.has(lower) || (lower.includes('-') && lower.split('-').some((p) => STOP.has(p)))) return false;
  if (INITIAL.test(w) || /^\p{Lu}$/u.test(w)) return true;
  if (w.endsWith('.') && !SUFFIX.test(w)) return false; // "Cir." "Tex."
  return w.replace(/[’'-]/g, '').length >= 2;
}

/** Abbreviations that end in a period and look like names: a court's, a state's, a reporter's. */
const ABBREVIATIONS = new Set(
  'cir dist tex cal fla ill mich mass conn penn wash wis minn colo okla ariz nev supp app ct co inc corp ltd bros jr sr st ave dept univ ass gov'.split(
    ' ',
  ),
);

/** "Alsup." at a sentence's end: a capitalised word of three letters or more with a lower-case letter, not an abbreviation. */
function endsSentence(t: Tok): boolean {
  if (t.kind !== 'word' || !t.text.endsWith('.')) return false;
  const stem = t.text.slice(0, -1);
  return /^\p{Lu}\p{Ll}[\p{L}’'-]+$/u.test(stem) && !ABBREVIATIONS.has(stem.toLowerCase()) && !STOP.has(stem.toLowerCase());
}

function isSpace(t: Tok | undefined, allowNewline: boolean): boolean {
  if (!t || t.kind !== 'gap') return false;
  if (t.text.includes('\n')) return allowNewline && (t.text.match(/\n/g)?.length ?? 0) <= 2;
  return t.text.length <= 2;
}

/** Footnote marks right after a name: "Rosenn*", "Perkes1". */
function isMark(t: Tok | undefined): boolean {
  return !!t && t.kind === 'punct' && /[*†‡\d]/.test(t.text);
}

// ---------------------------------------------------------------------------------------------
// "SMITH, Circuit Judge", "Bryan, J.", "CROTHERS and McEVERS, JJ.", "Before A, B, and C, Circuit Judges."

const SUFFIX_TITLE_RE = new RegExp(
  String.raw`,(?:[ \t]{0,2}|[ \t]*\n[ \t]*)(?:(?<jj>JJ\.|Js\.|J\.J\.)|(?<j>(?:(?:Acting[ ]|Presiding[ ])?(?:C\.[ ]?J\.|P\.[ ]?J\.(?:E\.|A\.D\.)?)|J\.[ ]?P\.|S\.[ ]?J\.|A\.J\.S\.C\.|J\.S\.C\.|J\.A\.D\.|J\.T\.C\.|J\.)(?![A-Za-z]))|(?<title>(?:(?:Chief|Senior|Associate|Presiding|Acting)[ ]+)*(?:(?:United[ ]States|U\.S\.)[ ]+)?(?:(?:Chief|Senior)[ ]+)?(?:(?:Circuit|District|Magistrate|Bankruptcy|Appellate|Circuit[ ]Court|Superior[ ]Court|Court[ ]of[ ]Appeals|Administrative[ ]Law|Immigration|Special)[ ]+)?(?:Judges?|Justices?|Masters?)|(?:Vice[ ])?Chancellor)\b)`,
  'gi',
);

function suffixTitles(text: string, out: Raw[]): void {
  SUFFIX_TITLE_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SUFFIX_TITLE_RE.exec(text))) {
    const g = m.groups ?? {};
    if (!/^[A-Z]/.test(m[0].replace(/^,\s*/, ''))) continue;
    const title = g.title ?? '';
    if (title && /^[ \t]{1,2}\p{Lu}[\p{Ll}]/u.test(text.slice(m.index + m[0].length, m.index + m[0].length + 4))) {
      const nextWord = /^[ \t]+([\p{L}’'-]+)/u.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 30))?.[1];
      if (nextWord && !STOP.has(nextWord.toLowerCase())) continue;
    }
    const plural = !!g.jj || /s$/i.test(title);
    const names = namesBefore(text, m.index, plural);
    for (const n of names) out.push(plural ? { ...n, bench: true } : n);
  }
}

/** Names that end at `end` (the comma before a title), read backwards; a list when `plural`. */
function namesBefore(text: string, end: number, plural: boolean): Raw[] {
  const from = Math.max(0, end - (plural ? 400 : 120));
  const toks = tokenize(text, from, end);
  const out: Raw[] = [];
  let i = toks.length - 1;
  for (let guard = 0; guard < 12 && i >= 0; guard++) {
    // footnote marks
    while (i >= 0 && isMark(toks[i])) i--;
    const name = readNameBackward(toks, i);
    if (!name) break;
    out.push(name.raw);
    i = name.next;
    if (!plural) break;
    // separator: ", " | " and " | ", and " | " & " | newline between list lines
    let j = i;
    let sawSep = false;
    let sawNewline = false;
    while (j >= 0) {
      const t = toks[j];
      if (t.kind === 'gap') {
        if (t.text.includes('\n')) sawNewline = true;
        else if (t.text.length > 2 && !sawSep) break;
        j--;
      } else if (t.kind === 'punct' && (t.text === ',' || t.text === '&' || t.text === ';')) {
        sawSep = true;
        j--;
      } else if (t.kind === 'word' && (t.text === 'and' || t.text === 'AND')) {
        sawSep = true;
        j--;
      } else break;
    }
    if (!sawSep && !sawNewline) break;
    i = j;
  }
  return out.reverse();
}

function readNameBackward(toks: Tok[], last: number): { raw: Raw; next: number } | undefined {
  let i = last;
  const words: Tok[] = [];
  // suffix ", Jr." before the title comma
  if (i >= 2 && toks[i]?.kind === 'word' && SUFFIX.test(toks[i].text)) {
    const sfx = toks[i];
    let j = i - 1;
    if (toks[j]?.kind === 'gap' && isSpace(toks[j], false)) j--;
    if (toks[j]?.text === ',') {
      j--;
      if (toks[j]?.kind === 'gap' && isSpace(toks[j], false)) j--;
    }
    if (toks[j] && isNameWord(toks[j])) {
      words.push(sfx);
      i = j;
    }
  }
  while (i >= 0 && words.length < 6) {
    const t = toks[i];
    if (!isNameWord(t)) break;
    words.push(t);
    i--;
    if (i >= 0 && isSpace(toks[i], false)) {
      if (i - 1 >= 0 && isNameWord(toks[i - 1])) {
        i--;
        continue;
      }
    }
    break;
  }
  if (!words.length) return undefined;
  words.reverse();
  // drop leading honorific words that slipped in ("The")
  const core = words.filter((w) => !SUFFIX.test(w.text));
  if (!core.length || core.every((w) => INITIAL.test(w.text))) return undefined;
  const surname = lastSurnameIndex(words);
  if (surname < 0) return undefined;
  // a word before the name that is lower case ("the", "by", "joined") means a sentence, not a signature
  return {
    raw: {
      start: words[0].start,
      end: words[words.length - 1].end,
      tokens: words.map((w) => w.text),
      surname,
    },
    next: i,
  };
}

function lastSurnameIndex(words: Array<{ text: string }>): number {
  for (let k = words.length - 1; k >= 0; k--) {
    const w = words[k].text;
    if (!SUFFIX.test(w) && !INITIAL.test(w)) return k;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// "Judge Smith", "Chief Judge Jones", "Justice Ginsburg", "Honorable Jane Roe", "Justices A, B, and C"

const PREFIX_TITLE_RE =
  /(?<![\p{L}])(?:(?:(?:Chief|Senior|Associate|Presiding|Acting)\s+)*(?:(?:United\s+States|U\.S\.)\s+)?(?:(?:Chief|Senior)\s+)?(?:(?:Circuit|District|Magistrate|Bankruptcy|Administrative\s+Law|Immigration|Special)\s+)?(?<title>Judges?|Justices?|JUDGES?|JUSTICES?|Masters?|Chancellor|CHANCELLOR)|(?<hon>Hon\.|HON\.|Honorable|HONORABLE|Honourable))(?:[ \t]*:[ \t]*|[ \t]{1,2}|[ \t]*\r?\n[ \t]*)(?=\p{Lu})/gu;

function prefixTitles(text: string, out: Raw[]): void {
  PREFIX_TITLE_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PREFIX_TITLE_RE.exec(text))) {
    const title = m.groups?.title ?? '';
    if (title && /^Masters?$/.test(title) && !/Special\s+Masters?$/.test(m[0].trim().replace(/:$/, ''))) continue;
    // "Special Master" alone, "Master" alone are not titles; "Justice" of "Department of Justice" is not either
    const before = text.slice(Math.max(0, m.index - 14), m.index);
    if (/\p{Lu}[\p{L}’'.-]*,\s*$/u.test(before)) continue; // "RAO, Circuit Judge:" is a title after a name
    if (/\b(?:of|for)\s+$/.test(before) && /^justice/i.test(m[0])) continue; // Department of Justice
    const plural = /s$/i.test(title);
    // "Present: All the Justices" at a line's end is a header, not a list whose names follow on the next line
    if (plural && m[0].includes('\n')) continue;
    // a singular title may wrap to the next line only in prose (a lower-case word before it on its line)
    if (m[0].includes('\n')) {
      const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
      if (m.index - lineStart > 200 || !/\p{Ll}/u.test(text.slice(lineStart, m.index))) continue;
    }
    const justice = /^justices?$/i.test(title);
    const names = namesAfter(text, m.index + m[0].length, plural);
    if (m.groups?.hon && names[0] && NOT_A_JUDGE_AFTER.test(text.slice(names[0].end, names[0].end + 40))) continue;
    for (const n of names) out.push({ ...n, justice, ...(plural ? { bench: true } : {}) });
  }
}

/** "Hon. Jane Roe, Attorney General": an honourable who is not a judge. */
const NOT_A_JUDGE_AFTER =
  /^,?[ \t]*(?:[^,\n]{0,30}?[ \t])?(?:Attorney|Solicitor|Governor|Senator|Secretary|Mayor|Commissioner|Representative|Congress(?:man|woman)?|Speaker|President|Treasurer|Comptroller|Auditor|Esq)\b/i;

function namesAfter(text: string, start: number, plural: boolean): Raw[] {
  const toks = tokenize(text, start, Math.min(text.length, start + (plural ? 300 : 100)));
  const out: Raw[] = [];
  let i = 0;
  for (let guard = 0; guard < 12 && i < toks.length; guard++) {
    const name = readNameForward(toks, i);
    if (!name) break;
    out.push(name.raw);
    i = name.next;
    while (i < toks.length && isMark(toks[i])) i++;
    if (!plural) break;
    let sawSep = false;
    while (i < toks.length) {
      const t = toks[i];
      if (t.kind === 'gap') i++;
      else if (t.kind === 'punct' && (t.text === ',' || t.text === '&')) {
        sawSep = true;
        i++;
      } else if (t.kind === 'word' && (t.text === 'and' || t.text === 'AND')) {
        sawSep = true;
        i++;
      } else break;
    }
    if (!sawSep) break;
  }
  return out;
}

function readNameForward(toks: Tok[], first: number): { raw: Raw; next: number } | undefined {
  let i = first;
  const words: Tok[] = [];
  while (i < toks.length && words.length < 5) {
    const t = toks[i];
    if (!isNameWord(t)) {
      // a name that ends a sentence: "reassigned to Judge William Alsup." (the period is not the name's)
      if (words.length && endsSentence(t)) {
        words.push({ ...t, text: t.text.slice(0, -1), end: t.end - 1 });
        i++;
      }
      break;
    }
    words.push(t);
    i++;
    if (i < toks.length && isSpace(toks[i], false) && i + 1 < toks.length && (isNameWord(toks[i + 1]) || endsSentence(toks[i + 1]))) {
      i++;
      continue;
    }
    break;
  }
  if (!words.length) return undefined;
  // ", Jr."
  if (toks[i]?.text === ',' && isSpace(toks[i + 1], false) && toks[i + 2] && SUFFIX.test(toks[i + 2].text)) {
    words.push(toks[i + 2]);
    i += 3;
  } else if (isSpace(toks[i], false) && toks[i + 1] && SUFFIX.test(toks[i + 1].text)) {
    words.push(toks[i + 1]);
    i += 2;
  }
  // a trailing initial is not a surname ("Judge Smith J." is rare; "Judge John J." is cut text)
  while (words.length > 1 && INITIAL.test(words[words.length - 1].text)) {
    words.pop();
    i--;
  }
  const core = words.filter((w) => !SUFFIX.test(w.text));
  if (!core.length || core.every((w) => INITIAL.test(w.text))) return undefined;
  // possessive "Smith’s": strip from the span
  const lastTok = words[words.length - 1];
  let end = lastTok.end;
  const poss = /[’']s$/.exec(lastTok.text);
  if (poss) {
    end -= 2;
    words[words.length - 1] = { ...lastTok, text: lastTok.text.slice(0, -2), end };
  }
  const surname = lastSurnameIndex(words);
  if (surname < 0) return undefined;
  return { raw: { start: words[0].start, end, tokens: words.map((w) => w.text), surname }, next: i };
}

// ---------------------------------------------------------------------------------------------
// "Author: Bahr, Douglas Alan", "Opinion by: Jane Roe", "Judges: A, B and C"

const HEADER_RE = /(?<=^|\n)[ \t]*(?<label>Authors?|Opinion [Bb]y|OPINION BY|Written [Bb]y|Judges|JUDGES)[ \t]*:[ \t]*(?<rest>[^\n]{2,200})/g;

function headers(text: string, out: Raw[]): void {
  HEADER_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = HEADER_RE.exec(text))) {
    const rest = m.groups!.rest;
    const restStart = m.index + m[0].length - rest.length;
    const label = m.groups!.label.toLowerCase();
    const pieces = label.startsWith('judges') ? splitPieces(rest) : [{ text: rest, offset: 0 }];
    for (const p of pieces) {
      const inv = invertedName(p.text.trimEnd());
      if (inv) {
        out.push({ ...inv, start: inv.start + restStart + p.offset, end: inv.end + restStart + p.offset });
        continue;
      }
      const abs = restStart + p.offset;
      for (const n of namesAfter(text, abs + (p.text.length - p.text.trimStart().length), true)) {
        if (n.end <= abs + p.text.length) out.push(label.startsWith('judges') ? { ...n, bench: true } : n);
      }
    }
  }
}

function splitPieces(s: string): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  let offset = 0;
  for (const part of s.split(';')) {
    out.push({ text: part, offset });
    offset += part.length + 1;
  }
  return out;
}

/** "Bahr, Douglas Alan" (surname, given names): the whole piece is one name. */
function invertedName(s: string): Raw | undefined {
  const m =
    /^([ \t]*)(\p{Lu}[\p{L}’'-]+),[ \t]+((?:\p{Lu}[\p{L}’'-]*\.?)(?:[ \t]+\p{Lu}[\p{L}’'-]*\.?){0,3})(?:,[ \t]*(?:Jr\.|Sr\.|II|III))?[ \t]*$/u.exec(
      s,
    );
  if (!m) return undefined;
  const surname = m[2];
  if (STOP.has(surname.toLowerCase())) return undefined;
  const given = m[3].split(/[ \t]+/);
  if (given.some((g) => STOP.has(g.toLowerCase()) || /^(?:J|JJ|C\.J)\.$/.test(g))) return undefined;
  const start = m[1].length;
  return { start, end: s.trimEnd().length, tokens: [surname, ...given], surname: 0, inverted: true };
}

// ---------------------------------------------------------------------------------------------
// Signature blocks: "/s/ Jane Roe" or "HON. JANE ROE" on the line above "UNITED STATES DISTRICT JUDGE".

const JUDGE_LINE_RE =
  /(?<=\n)[ \t]*(?:\d{1,2}[ \t]+)?(?:(?:Chief\s+|Senior\s+)?(?:United\s+States\s+|U\.\s?S\.\s+)?(?:Chief\s+|Senior\s+)?(?:District|Magistrate|Bankruptcy|Circuit)\s+Judge|(?:Chief\s+)?Special\s+Master)[ \t]*(?=\r?\n|$)/gi;
const NAME_LINE_RE =
  /^[ \t]*(?:\d{1,2}[ \t]+)?(?:\/s\/|s\/)?[ \t]*(?:(?:Hon\.|HON\.|Honorable|HONORABLE|The Honorable|THE HONORABLE)[ \t]+)?(\p{Lu}[\p{L}’'-]*\.?(?:[ \t]{1,2}\p{Lu}[\p{L}’'-]*\.?){1,4}(?:,[ \t]*(?:Jr\.|JR\.|Sr\.|III|II))?)[ \t]*$/u;

function signatures(text: string, out: Raw[]): void {
  JUDGE_LINE_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = JUDGE_LINE_RE.exec(text))) {
    // up to two non-empty lines above
    let lineEnd = m.index - 1; // the "\n" before the title line
    for (let k = 0; k < 2 && lineEnd > 0; k++) {
      let lineStart = text.lastIndexOf('\n', lineEnd - 1) + 1;
      const line = text.slice(lineStart, lineEnd);
      if (!line.trim()) {
        lineEnd = lineStart - 1;
        k--;
        if (lineEnd < m.index - 400) break;
        continue;
      }
      const clean = line.replace(/\r$/, '');
      // the name may sit in a right-hand cell beside a place or date ("New York, New York      JANE ROE")
      const nm = NAME_LINE_RE.exec(clean) ?? NAME_LINE_RE.exec(clean.slice(clean.search(/\S(?:(?! {6}).)*$/)));
      if (!nm) break;
      const nameText = nm[1];
      const offset = lineStart + line.indexOf(nameText);
      const toks = tokenize(text, offset, offset + nameText.length).filter((t) => t.kind === 'word');
      if (!toks.length || !toks.every((t) => isNameWord(t) || SUFFIX.test(t.text))) break;
      const surname = lastSurnameIndex(toks);
      if (surname < 0) break;
      out.push({ start: offset, end: offset + nameText.length, tokens: toks.map((t) => t.text), surname, bench: true });
      lineStart = lineStart - 1;
      lineEnd = lineStart;
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** A bench listed in a right-hand column above "Justices" (or "Judges"), one name a line. */
const COLUMN_TITLE_RE = /(?:^|\n|[ \t]{6})(?<title>Justices|Judges|JUSTICES|JUDGES)[ \t]*(?=\r?\n)/g;
const CELL_NAME_RE = /^(\p{Lu}[\p{L}’'-]*\.?(?:[ ]\p{Lu}[\p{L}’'-]*\.?){1,4}(?:,[ ]?(?:Jr\.|Sr\.|II|III))?),?$/u;

function columnLists(text: string, out: Raw[]): void {
  COLUMN_TITLE_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = COLUMN_TITLE_RE.exec(text))) {
    const titleAt = m.index + m[0].indexOf(m.groups!.title);
    const column = titleAt - (text.lastIndexOf('\n', titleAt - 1) + 1);
    if (column < 30) continue;
    let lineEnd = text.lastIndexOf('\n', titleAt - 1);
    let blanks = 0;
    for (let k = 0; k < 14 && lineEnd > 0; k++) {
      const lineStart = text.lastIndexOf('\n', lineEnd - 1) + 1;
      const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
      lineEnd = lineStart - 1;
      if (!line.trim()) {
        if (++blanks > 2) break;
        continue;
      }
      blanks = 0;
      const cellAt = line.search(/\S(?:(?! {6}).)*$/);
      if (cellAt < 0 || cellAt < column - 40) break;
      const cell = line.slice(cellAt).trimEnd();
      if (/^(?:Chief )?Justice$|^(?:Chief )?Judge$/i.test(cell)) continue;
      const nm = CELL_NAME_RE.exec(cell);
      if (!nm) break;
      const name = nm[1];
      const offset = lineStart + cellAt;
      const toks = tokenize(text, offset, offset + name.length).filter((t) => t.kind === 'word');
      if (!toks.every((t) => isNameWord(t) || SUFFIX.test(t.text))) break;
      const surname = lastSurnameIndex(toks);
      if (surname < 0) break;
      out.push({ start: offset, end: offset + name.length, tokens: toks.map((t) => t.text), surname, bench: true });
    }
  }
}

/**
 * A bench signed one name a line, the chief's line carrying the title ("Jon J. Jensen, C.J." above or
 * below "Daniel J. Crothers", "Lisa Fair McEvers" …): the neighbouring name-only lines are judges too.
 */
const TITLED_LINE_RE =
  /^[ \t]*(?:\[¶[ ]?\d+\][ \t]*)?(\p{Lu}[\p{L}’'.-]*(?:[ ]\p{Lu}[\p{L}’'.-]*){1,4}),[ ]?(?:C\.[ ]?J\.|J\.|Chief Justice|Justice|P\.[ ]?J\.|Chief Judge|Judge)[ \t]*\r?$/u;

function benchLines(text: string, out: Raw[]): void {
  const seen = new Set(out.map((r) => r.start));
  for (const r of [...out]) {
    // only short lines: a bench line is a name and a title
    const near = text.slice(Math.max(0, r.start - 80), Math.min(text.length, r.end + 40));
    const nearStart = Math.max(0, r.start - 80);
    const before = near.lastIndexOf('\n', r.start - nearStart - 1);
    const after = near.indexOf('\n', r.end - nearStart);
    if ((before < 0 && nearStart > 0) || (after < 0 && nearStart + near.length < text.length)) continue;
    const ls = before < 0 ? 0 : nearStart + before + 1;
    const lineEnd = after < 0 ? text.length : nearStart + after;
    if (!TITLED_LINE_RE.test(text.slice(ls, lineEnd))) continue;
    for (const dir of [-1, 1]) {
      let cursorStart = ls;
      let cursorEnd = lineEnd;
      let blanks = 0;
      for (let k = 0; k < 9; k++) {
        let a: number;
        let b: number;
        if (dir < 0) {
          if (cursorStart <= 0) break;
          b = cursorStart - 1;
          a = text.lastIndexOf('\n', b - 1) + 1;
        } else {
          if (cursorEnd >= text.length) break;
          a = cursorEnd + 1;
          const n = text.indexOf('\n', a);
          b = n < 0 ? text.length : n;
        }
        cursorStart = a;
        cursorEnd = b;
        const line = text.slice(a, b).replace(/\r$/, '');
        if (!line.trim()) {
          if (++blanks > 1) break;
          continue;
        }
        blanks = 0;
        if (TITLED_LINE_RE.test(line)) continue;
        const cell = line.trim();
        const nm = CELL_NAME_RE.exec(cell);
        if (!nm || nm[0] !== cell || cell.endsWith(',')) break;
        const offset = a + line.indexOf(cell);
        const toks = tokenize(text, offset, offset + nm[1].length).filter((t) => t.kind === 'word');
        if (!toks.every((t) => isNameWord(t) || SUFFIX.test(t.text))) break;
        const surname = lastSurnameIndex(toks);
        if (surname < 0 || seen.has(offset)) break;
        seen.add(offset);
        out.push({ start: offset, end: offset + nm[1].length, tokens: toks.map((t) => t.text), surname, bench: true });
      }
    }
  }
}

function normalCase(word: string): string {
  if (!/\p{Lu}/u.test(word.slice(1)) && /\p{Ll}/u.test(word)) return word; // "Smith", "McEvers"-style already mixed
  const pre = /^(Mc|Mac|O[’']|D[’']|De|Van|La|Le|Di)(\p{Lu}{2,}.*)$/u.exec(word);
  if (pre && /\p{Ll}/u.test(pre[1].slice(1))) return pre[1] + cap(pre[2].toLowerCase());
  if (/\p{Ll}/u.test(word)) return word; // "VanDevelder", "DeWine"
  const mc = /^(MA?C)(\p{Lu}{3,})$/u.exec(word);
  if (mc && mc[1] === 'MC') return 'Mc' + cap(mc[2].toLowerCase());
  if (INITIAL.test(word)) return word;
  if (/^(?:JR|SR)\.?$/.test(word)) return word.charAt(0) + word.slice(1).toLowerCase();
  if (/^(?:II|III|IV)$/.test(word)) return word;
  return word.toLowerCase().replace(/(^|[’'-])(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase());
}
function cap(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

function keyPart(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/'s\b/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const LOWER_FEDERAL = /^us\.(?:ca|dist|bankr|cofc|tax|cit|cavc|caaf|bap)/;

/** What stands between two names of one bench list. */
const BENCH_GLUE =
  /^(?:[\s,;:.&*_]|\band\b|\bAND\b|\/s\/|Hon\.|HON\.|HONORABLE|Honorable|Chief|CHIEF|Senior|SENIOR|Circuit|CIRCUIT|District|DISTRICT|Associate|Presiding|Judges?|JUDGES?|Justices?|JUSTICES?|JJ|J|C|P|E|S|A|D)*$/;

/** A judge of the court below, named where the opinion says where the appeal comes from. */
const FROM_BELOW =
  /\b(?:[Aa]ppeal(?:ed)?|APPEAL(?:ED)?)\s+(?:[Ff]rom|FROM)\b|\b(?:Trial|TRIAL|Lower|LOWER)\s+(?:Court|COURT)\b|County\s*[;,]\s*(?:the\s+)?(?:Hon(?:orable|\.)?\s+)?[\p{L}.\s]*$/u;

/** "Before", "Present", "Panel", "Judges:" just before the name (titles between): a bench list. */
const BENCH_BEFORE =
  /\b(?:Before|BEFORE|Present|PRESENT|Panel|PANEL|Judges|JUDGES|Justices|JUSTICES|Sitting|SITTING)\b[:\s]*(?:(?:Hon\.|HON\.|Honorable|HONORABLE|Chief|CHIEF|Senior|Circuit|District|Judges?|JUDGES?|Justices?|JUSTICES?|The|THE)\s+)*$/;

/** A line that is the name and a title alone ("HALVERSON, P.J.", "ELLEN CEISLER, Judge"): a signature or bench line. */
function onBenchLine(text: string, r: Raw): boolean {
  const ls = text.lastIndexOf('\n', r.start - 1) + 1;
  let le = text.indexOf('\n', r.end);
  if (le < 0) le = text.length;
  if (text.slice(ls, r.start).replace(/\/s\/|\bs\/|HON\.|Hon\.|[\s_*]/g, '')) return false;
  return /^[*†‡\d]*(?:,?\s*(?:[A-Z][\w.]*\s+){0,3}(?:Judge|JUDGE|Justice|JUSTICE|J\.|C\.\s?J\.|P\.\s?J\.|J\.S\.C\.|Chancellor|CHANCELLOR))?[\s.,]*$/.test(
    text.slice(r.end, le),
  );
}

function finish(text: string, raw: Raw[], courtId: string | undefined): LegalMention[] {
  raw.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: LegalMention[] = [];
  let lastEnd = -1;
  for (const r of raw) {
    if (r.start < lastEnd) continue;
    if (r.end <= r.start) continue;
    const words = r.tokens.map((t) => normalCase(t.replace(/[,]$/, '')));
    const surname = words[r.surname];
    const ordered = r.inverted ? [...words.slice(r.surname + 1), words[r.surname]] : words;
    const display = ordered.map((w, k) => (k === 0 ? w : SUFFIX.test(w) ? `, ${w}` : ` ${w}`)).join('');
    const cited = citedCourt(text, r);
    const court = cited ?? (r.justice && courtId && LOWER_FEDERAL.test(courtId) ? 'us.scotus' : courtId);
    const s = keyPart(surname);
    if (!s) continue;
    const role = judgeRoleOf(text, r);
    const attributes: Record<string, AttributeValue> = { surname, ...(court ? { courtId: court } : {}), judgeRole: role.role };
    if (role.alsoDissent) attributes.alsoDissent = true;
    if (cited) attributes.cited = true;
    else if (
      r.bench ||
      role.role !== 'panel' ||
      BENCH_BEFORE.test(text.slice(Math.max(0, r.start - 60), r.start)) ||
      (onBenchLine(text, r) && !FROM_BELOW.test(text.slice(Math.max(0, r.start - 200), r.start)))
    ) {
      attributes.bench = true;
    }
    out.push({
      type: 'PERSON',
      start: r.start,
      end: r.end,
      text: text.slice(r.start, r.end),
      key: court ? `judge ${s} ${court}` : `judge ${s}`,
      display,
      role: 'judge',
      attributes,
      confidence: 0.85,
      method: 'legal:judge',
    });
    lastEnd = r.end;
  }
  // the rest of a bench list: a judge right after a bench judge, with only commas, "and" and titles between
  for (let i = 1; i < out.length; i++) {
    const m = out[i];
    const p = out[i - 1];
    if (m.attributes?.bench || m.attributes?.cited || !p.attributes?.bench || m.start - p.end > 60) continue;
    if (BENCH_GLUE.test(text.slice(p.end, m.start)) && m.attributes) m.attributes.bench = true;
  }
  if (!out.some((m) => m.attributes?.judgeRole === 'author' && !m.attributes?.cited)) {
    const signed = signedAuthor(text, out);
    if (signed) {
      for (const m of out) if (m.key === signed.key && m.start >= signed.start && m.attributes) m.attributes.judgeRole = 'author';
      if (signed.attributes) {
        signed.attributes.judgeRole = 'author';
        signed.attributes.signed = true;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// What the judge does in this document: writes it, sits on its panel, dissents or concurs.

export type JudgeRole = 'author' | 'panel' | 'dissent' | 'concurrence';

const TITLE_AFTER = String.raw`(?:[ \t]*,?[ \t]*(?:(?:Chief|Senior|Associate|Presiding|Acting|Circuit|District|Magistrate|Bankruptcy|Appellate|Superior[ ]Court|United[ ]States|U\.S\.)[ \t]+)*(?:Judge|Justice|Chancellor|Vice[ ]Chancellor|Special[ ]Master|C\.[ ]?J\.|P\.[ ]?J\.|S\.[ ]?J\.|J\.[ ]?A\.[ ]?D\.|J\.S\.C\.|A\.J\.S\.C\.|J\.))?`;
const TITLES_AFTER = String.raw`(?:[ \t]*,?[ \t]*(?:[\p{L}.]+[ \t]+){0,3}(?:Judges|Justices|JJ\.))?`;
/** "…, Circuit Judge, dissenting", "…, J., concurring in part and dissenting in part", "Judge X dissents". */
const SEPARATE_AFTER = new RegExp(
  String.raw`^[*†‡\d]*(?:${TITLE_AFTER}|${TITLES_AFTER})[ \t]*,?[ \t]*(?:\([^()\n]{0,40}\)[ \t]*,?[ \t]*)?(?:with[ \t]+whom[^.,:\n]{0,80}?joins?[ \t]*,?[ \t]*)?(concurring|dissenting|concurs|dissents|dissented)\b([^.:\n;)]{0,80})`,
  'iu',
);
/** "…, Circuit Judge:" opening the opinion; "…, J., delivered the opinion of the Court". */
const AUTHOR_AFTER = new RegExp(
  String.raw`^[*†‡\d]*(?:${TITLE_AFTER}[ \t]*[.,]?[ \t]*:|${TITLE_AFTER}[ \t]*,?[ \t]+(?:delivered|announced|wrote|authored|filed)[ \t]+the[ \t]+(?:opinion|judgment|decision|memorandum))`,
  'iu',
);
/** "SMITH, Justice." alone on its line (then the body): the author, in the layout of many state courts. */
const AUTHOR_LINE_AFTER = new RegExp(String.raw`^[*†‡\d]*${TITLE_AFTER}[ \t]*[.:]?[ \t]*\r?\n`, 'iu');
const TITLE_BEFORE = String.raw`(?:(?:The|THE|Hon\.|HON\.|Honorable|HONORABLE|Chief|CHIEF|Senior|SENIOR|Associate|Presiding|Acting|Circuit|CIRCUIT|District|DISTRICT|Magistrate|Bankruptcy|Judge|JUDGE|Justice|JUSTICE|Chancellor|CHANCELLOR)[ \t]+)*`;
const AUTHOR_BEFORE = new RegExp(
  String.raw`(?:\b(?:Opinion|OPINION|Memorandum|MEMORANDUM)\s+(?:(?:of|OF)[ \t]+(?:the|THE)[ \t]+(?:Court|COURT)[ \t]+)?(?:by|By|BY)|\b(?:Authors?|AUTHORS?|Written[ \t]+by|WRITTEN[ \t]+BY))[ \t]*:?[ \t]*${TITLE_BEFORE}$`,
);
const DISSENT_BEFORE = new RegExp(
  String.raw`\b(?:Dissent|DISSENT|Dissenting[ \t]+[Oo]pinion|DISSENTING[ \t]+OPINION|dissenting[ \t]+opinion)[ \t]+(?:by|By|BY|of|OF)[ \t]*:?[ \t]*${TITLE_BEFORE}$`,
);
const CONCUR_BEFORE = new RegExp(
  String.raw`\b(?:Concurrence|CONCURRENCE|Concurring[ \t]+[Oo]pinion|CONCURRING[ \t]+OPINION|concurring[ \t]+opinion)[ \t]+(?:by|By|BY|of|OF)[ \t]*:?[ \t]*${TITLE_BEFORE}$`,
);
/** What turns "concurs" into a separate opinion ("concurs in the judgment", "concurs with reasons"); alone it joins. */
const SEPARATE_CONCURS =
  /^\s*(?:in\s+(?:part|the\s+(?:judgment|result|decision))|with\s+(?:written\s+)?reasons|separately|specially|and\s+assigns|with\s+(?:an\s+)?opinion|in\s+result)/i;

/**
 * The judge's role as this mention states it: 'dissent' ("X, J., dissenting", "Dissent by Judge X"), 'concurrence'
 * ("X, J., concurring"; "concurring in part and dissenting in part" is 'concurrence' with alsoDissent), 'author'
 * ("X, Circuit Judge:" opening the opinion, "Opinion by Judge X", "Author: X", "X, J., delivered the opinion",
 * "X, Justice." alone on the line before the body), else 'panel' (bench lists, "Before …", other mentions).
 */
export function judgeRoleOf(text: string, r: { start: number; end: number }): { role: JudgeRole; alsoDissent?: boolean } {
  const after = text.slice(r.end, r.end + 200);
  const before = text.slice(Math.max(0, r.start - 80), r.start);
  const sep = SEPARATE_AFTER.exec(after);
  if (sep) {
    const word = sep[1].toLowerCase();
    const rest = sep[2] ?? '';
    if (word.startsWith('dissent')) {
      // "dissenting in part and concurring in part": both, read as a concurrence that also dissents
      if (/\bconcur/i.test(rest)) return { role: 'concurrence', alsoDissent: true };
      return { role: 'dissent' };
    }
    if (word === 'concurring' || SEPARATE_CONCURS.test(rest)) {
      return /\bdissent/i.test(rest) ? { role: 'concurrence', alsoDissent: true } : { role: 'concurrence' };
    }
  }
  if (DISSENT_BEFORE.test(before)) return { role: 'dissent' };
  if (CONCUR_BEFORE.test(before)) return { role: 'concurrence' };
  if (AUTHOR_BEFORE.test(before)) return { role: 'author' };
  if (AUTHOR_AFTER.test(after)) return { role: 'author' };
  if (authorLine(text, r, after) || authorInline(text, r, after)) return { role: 'author' };
  return { role: 'panel' };
}

/** "TORRUELLA, Circuit Judge.   In 2006, …", "MULLINS, J. The principal issue …": the opinion opens on the name's line. */
const AUTHOR_INLINE_AFTER = new RegExp(String.raw`^[*†‡\d]*${TITLE_AFTER}(?:(?<=\.)|[ \t]*[.:])[ \t]+(\p{Lu}[^\n]{6,})`, 'u');

function authorInline(text: string, r: { start: number; end: number }, after: string): boolean {
  const m = AUTHOR_INLINE_AFTER.exec(after);
  if (!m || !/,/.test(m[0].slice(0, m[0].length - m[1].length))) return false;
  const ls = text.lastIndexOf('\n', r.start - 1) + 1;
  if (text.slice(ls, r.start).replace(/[\f\s]/g, '')) return false;
  // the opinion's prose follows (over the line break too)
  const prose = after.slice(m.index + m[0].length - m[1].length, m.index + m[0].length - m[1].length + 200);
  return (prose.match(/(?<![\p{L}])\p{Ll}+(?![\p{L}])/gu) ?? []).length >= 6;
}

/**
 * Where no mention states the author: the first judge signing alone on a line in the closing part of the opinion
 * ("/s/ Jane Roe" over "United States District Judge", "RUSHING, P.J." over "WE CONCUR:"), not a bench signed one
 * a line (another judge's name on the next line) and not after "CONCUR:". None under "PER CURIAM".
 */
function signedAuthor(text: string, out: LegalMention[]): LegalMention | undefined {
  if (/\bPER\s+CURIAM\b|\bPer\s+Curiam\b/.test(text.slice(0, 8000))) return undefined;
  const closing = Math.max(0, text.length - 4000);
  const own = out.filter((m) => !m.attributes?.cited && m.start >= closing);
  for (const m of own) {
    const ls = text.lastIndexOf('\n', m.start - 1) + 1;
    let le = text.indexOf('\n', m.end);
    if (le < 0) le = text.length;
    const line = text.slice(ls, le);
    // the name's cell: a date or "Date" beside it in another column is not part of the signature
    const left = text.slice(ls, m.start);
    const right = text.slice(m.end, le);
    const cellLeft = left.replace(/^.*\S {6,}/, '');
    const cellRight = right.replace(/ {6,}\S.*$/, '');
    const rest = (cellLeft + cellRight)
      .replace(/\/s\/|\bs\/|\b(?:HON|Hon)\.|HONORABLE|Honorable|[_\s,.:\d]/g, '')
      .replace(
        /^(?:(?:United|UNITED|States|STATES|U|S|Chief|CHIEF|Senior|SENIOR|District|DISTRICT|Magistrate|MAGISTRATE|Bankruptcy|BANKRUPTCY|Circuit|CIRCUIT|Special|SPECIAL|Master|MASTER|Judge|JUDGE|Justice|JUSTICE|J|C|P|JSC|Chancellor|CHANCELLOR)+)$/,
        '',
      );
    if (rest || line.length > 160) continue;
    if (/\b(?:CONCUR|Concur|concur)\s*:?\s*[_\s]*$/.test(text.slice(Math.max(0, ls - 300), ls))) continue;
    const nextLine = (() => {
      let pos = le + 1;
      for (let k = 0; k < 4 && pos < text.length; k++) {
        const nl = text.indexOf('\n', pos);
        const l = text.slice(pos, nl < 0 ? text.length : nl);
        pos = nl < 0 ? text.length : nl + 1;
        if (l.replace(/[_\s]/g, '')) return { start: pos - l.length - 1, text: l };
      }
      return undefined;
    })();
    // a bench signed one a line: another judge's name on the next or the previous line, or close by with no
    // "CONCUR" between them (California's "RUSHING, P.J. / WE CONCUR: / PREMO, J." is the author and the panel)
    const prevStart = text.lastIndexOf('\n', Math.max(0, ls - 2)) + 1;
    const near = (o: LegalMention) =>
      (nextLine && o.start >= nextLine.start && o.start < nextLine.start + nextLine.text.length + 1) ||
      (o.start >= prevStart && o.end < ls) ||
      (Math.abs(o.start - m.start) < 300 && !/\bCONCUR|\bConcur/.test(text.slice(Math.min(o.end, m.end), Math.max(o.start, m.start))));
    if (out.some((o) => o !== m && o.key !== m.key && !o.attributes?.cited && near(o))) continue;
    return m;
  }
  return undefined;
}

/** "SMITH, Justice." alone on a line, the line before it not another judge's, the next line the opinion's prose. */
function authorLine(text: string, r: { start: number; end: number }, after: string): boolean {
  const m = AUTHOR_LINE_AFTER.exec(after);
  if (!m || !/[.:]\s*$/.test(m[0].replace(/\r?\n$/, '')) || !/,/.test(m[0])) return false;
  const ls = text.lastIndexOf('\n', r.start - 1) + 1;
  if (text.slice(ls, r.start).trim()) return false;
  // the next non-empty line: prose (lower-case words, long)
  let pos = r.end + m[0].length;
  let next = '';
  for (let k = 0; k < 3 && pos < text.length; k++) {
    const nl = text.indexOf('\n', pos);
    const line = text.slice(pos, nl < 0 ? text.length : nl);
    pos = nl < 0 ? text.length : nl + 1;
    if (line.trim()) {
      next = line.trim();
      break;
    }
  }
  if (next.length < 40 || (next.match(/\b\p{Ll}+\b/gu) ?? []).length < 4) return false;
  // the line before: not another judge's line (a bench signed one a line)
  const prevEnd = ls - 1;
  if (prevEnd > 0) {
    const prevLine = text.slice(text.lastIndexOf('\n', prevEnd - 1) + 1, prevEnd).trim();
    if (/,\s*(?:J\.|C\.\s?J\.|Justice|Judge)[.:]?$/.test(prevLine)) return false;
  }
  return true;
}
