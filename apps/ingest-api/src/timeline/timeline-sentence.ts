/**
 * The sentence around a date mention, cut from a window of the document's text. Pure: the service reads the window
 * (code-point offsets, as entity_mentions stores them) and this finds the sentence, bounds it and places the date.
 */

/** Most code points of context kept on either side of the date; the sentence is cut there (with an ellipsis). */
export const SENTENCE_RADIUS = 200;

/** Abbreviations whose full stop does not end a sentence in legal text ("v.", "U.S.", "No.", "Jan."). */
const ABBREVIATIONS = new Set(
  (
    'v vs no nos inc co corp ltd llc mr mrs ms dr prof hon jr sr st ct cir app supp sec art para pp p ed eds ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec e g i al cf id ibid etc esq rev gen f fed cal dist'
  ).split(' '),
);

export interface Sentence {
  /** The sentence, white space collapsed, with "…" where it was cut. */
  text: string;
  /** [start, end) of the date in `text`, in UTF-16 units (JavaScript string indexes, as the browser slices). */
  highlight: [number, number];
}

/** True when the full stop at chars[i] ends a sentence (not an initial, an abbreviation or a decimal point). */
function endsSentence(chars: string[], i: number): boolean {
  const c = chars[i];
  if (c === '!' || c === '?') return true;
  if (c !== '.') return false;
  // The word before the full stop.
  let j = i - 1;
  while (j >= 0 && /[\p{L}\p{N}]/u.test(chars[j])) j--;
  const word = chars.slice(j + 1, i).join('');
  if (!word) return true;
  if (/^\p{Lu}$/u.test(word)) return false; // an initial: "J. Smith", "U.S."
  if (chars[j] === '.') return false; // inside "U.S." or "e.g."
  if (ABBREVIATIONS.has(word.toLowerCase())) return false;
  return true;
}

/** The sentence around [start, end) in `window` (code points), `window` holding the text from code point 0 on. */
export function sentenceAround(window: string, start: number, end: number, radius = SENTENCE_RADIUS): Sentence {
  const chars = Array.from(window);
  const s = Math.max(0, Math.min(start, chars.length));
  const e = Math.max(s, Math.min(end, chars.length));
  // Back to the end of the previous sentence (or a blank line: a page or paragraph break), at most `radius`.
  let a = s;
  let cutBefore = false;
  for (const minA = Math.max(0, s - radius); ; a--) {
    if (a === 0) break;
    const prev = chars[a - 1];
    if (prev === '\n' && chars[a - 2] === '\n') break;
    if (/\s/.test(prev) && a - 2 >= 0 && endsSentence(chars, a - 2)) break;
    if (a === minA) {
      cutBefore = true;
      break;
    }
  }
  // On to the end of this sentence, at most `radius`.
  let b = e;
  let cutAfter = false;
  for (const maxB = Math.min(chars.length, e + radius); ; b++) {
    if (b >= chars.length) break;
    if (chars[b] === '\n' && chars[b + 1] === '\n') break;
    if (endsSentence(chars, b) && (b + 1 >= chars.length || /\s/.test(chars[b + 1]))) {
      b++;
      break;
    }
    if (b === maxB) {
      cutAfter = true;
      break;
    }
  }
  // Collapse white space, keeping track of where the date lands (UTF-16 indexes of the result).
  let out = '';
  let pending = false;
  let hStart = -1;
  let hEnd = -1;
  for (let i = a; i < b; i++) {
    const c = chars[i];
    if (/\s/.test(c)) {
      pending = out.length > 0;
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    if (hStart < 0 && i >= s) hStart = out.length;
    out += c;
    if (i < e) hEnd = out.length;
  }
  if (hStart < 0) hStart = out.length;
  hEnd = Math.max(hStart, hEnd);
  const lead = cutBefore ? '…' : '';
  return { text: `${lead}${out}${cutAfter ? '…' : ''}`, highlight: [hStart + lead.length, hEnd + lead.length] };
}

/**
 * The page that code point `offset` of the document's text lies on: pages (in page order, their lengths in code
 * points) are joined by a separator of `separatorLength`; an offset on a separator counts as the page before it.
 * Null when the document has no pages.
 */
export function pageOfOffset(pages: ReadonlyArray<{ pageNumber: number; length: number }>, offset: number, separatorLength: number): number | null {
  let at = 0;
  for (const p of pages) {
    at += p.length + separatorLength;
    if (offset < at) return p.pageNumber;
  }
  return pages.length ? pages[pages.length - 1].pageNumber : null;
}
