/** A sentence (or a paragraph piece without sentence punctuation) as [start, end) offsets. */
export interface Span {
  start: number;
  end: number;
}

/** Words that end with a period without ending a sentence (lower-cased, without the period). */
const ABBREVIATIONS = new Set(
  [
    // people and titles
    'mr',
    'mrs',
    'ms',
    'dr',
    'prof',
    'hon',
    'rev',
    'sr',
    'jr',
    'st',
    'esq',
    'gen',
    'gov',
    'sen',
    'rep',
    'lt',
    'col',
    'capt',
    'sgt',
    // companies
    'inc',
    'corp',
    'co',
    'ltd',
    'llc',
    'l.l.c',
    'plc',
    'bros',
    'assn',
    'assoc',
    'dept',
    'univ',
    // legal citation forms
    'no',
    'nos',
    'v',
    'vs',
    'cf',
    'e.g',
    'i.e',
    'id',
    'ibid',
    'et',
    'al',
    'seq',
    'etc',
    'art',
    'sec',
    'ch',
    'cl',
    'para',
    'pp',
    'p',
    'u.s',
    'u.s.c',
    'c.f.r',
    'fed',
    'reg',
    'supp',
    'cir',
    'ct',
    'app',
    'civ',
    'crim',
    'evid',
    'bankr',
    'f',
    'f.2d',
    'f.3d',
    'f.4th',
    's.ct',
    'l.ed',
    'ed',
    'dist',
    'ann',
    'stat',
    'const',
    'amend',
    'r',
    'proc',
    'cal',
    'n.y',
    'tex',
    'fla',
    'ill',
    'mass',
    'pa',
    // months
    'jan',
    'feb',
    'mar',
    'apr',
    'jun',
    'jul',
    'aug',
    'sep',
    'sept',
    'oct',
    'nov',
    'dec',
  ].map((a) => a.toLowerCase()),
);

const PARAGRAPH_BREAK = /\n[ \t\f\v\r]*\n/g;
const BOUNDARY = /[.!?]+['"”’)\]]*(?=\s)/g;

/**
 * Splits text into sentences with document offsets: a paragraph break always ends
 * one; `.`, `!` or `?` followed by white space ends one unless the word before is an
 * abbreviation (Inc., U.S.C., v., No.), an initial, a list number at the start of a
 * line, or the next word starts in lower case. Spans longer than `maxLength` are cut
 * at the last line break or space before the limit, so a sentence window stays bounded.
 */
export function splitSentences(text: string, maxLength = 600): Span[] {
  const out: Span[] = [];
  const push = (start: number, end: number) => {
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (end <= start) return;
    while (end - start > maxLength) {
      let cut = text.lastIndexOf('\n', start + maxLength);
      if (cut <= start + maxLength / 2) cut = text.lastIndexOf(' ', start + maxLength);
      if (cut <= start + maxLength / 4) cut = start + maxLength;
      push(start, cut);
      start = cut;
      while (start < end && /\s/.test(text[start])) start++;
    }
    if (end > start) out.push({ start, end });
  };

  let paraStart = 0;
  const paragraphs: Span[] = [];
  PARAGRAPH_BREAK.lastIndex = 0;
  for (let m = PARAGRAPH_BREAK.exec(text); m; m = PARAGRAPH_BREAK.exec(text)) {
    paragraphs.push({ start: paraStart, end: m.index });
    paraStart = m.index + m[0].length;
  }
  paragraphs.push({ start: paraStart, end: text.length });

  for (const para of paragraphs) {
    const body = text.slice(para.start, para.end);
    let sentenceStart = 0;
    BOUNDARY.lastIndex = 0;
    for (let m = BOUNDARY.exec(body); m; m = BOUNDARY.exec(body)) {
      const punctEnd = m.index + m[0].length;
      if (!isSentenceEnd(body, m.index, punctEnd)) continue;
      push(para.start + sentenceStart, para.start + punctEnd);
      sentenceStart = punctEnd;
    }
    push(para.start + sentenceStart, para.end);
  }
  return out;
}

function isSentenceEnd(body: string, punctAt: number, punctEnd: number): boolean {
  if (body[punctAt] !== '.') return nextStartsSentence(body, punctEnd);
  // The word before the period, e.g. "U.S.C" or "Inc" or "2007".
  let w = punctAt;
  while (w > 0 && !/[\s(["“]/.test(body[w - 1])) w--;
  const word = body.slice(w, punctAt);
  const lower = word.toLowerCase().replace(/^[^a-z0-9]+/, '');
  if (ABBREVIATIONS.has(lower)) return false;
  if (/^[A-Z]$/.test(word)) return false; // an initial: "John F. Kennedy"
  if (/^([a-z]\.)+[a-z]$/i.test(word)) return false; // dotted acronyms: "U.S", "e.g"
  // "1." or "2.1." at the start of a line is list numbering, not the end of a sentence.
  if (/^\d+(\.\d+)*$/.test(word)) {
    const lineStart = body.lastIndexOf('\n', w - 1) + 1;
    if (/^\s*$/.test(body.slice(lineStart, w))) return false;
  }
  return nextStartsSentence(body, punctEnd);
}

function nextStartsSentence(body: string, from: number): boolean {
  let i = from;
  while (i < body.length && /\s/.test(body[i])) i++;
  if (i >= body.length) return true;
  return !/[a-z]/.test(body[i]);
}
