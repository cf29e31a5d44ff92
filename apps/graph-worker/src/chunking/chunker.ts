import { splitSentences } from '@casegraph/graph';

export interface ChunkingOptions {
  /** Target chunk length in characters (CHUNK_SIZE). */
  size: number;
  /** Characters shared with the previous chunk (CHUNK_OVERLAP), < size. */
  overlap: number;
}

export interface TextChunk {
  index: number;
  /** [start, end) offsets into the full text; text === fullText.slice(start, end). */
  start: number;
  end: number;
  text: string;
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/** Largest value in a sorted array that is within [lo, hi], or undefined. */
function lastIn(sorted: number[], lo: number, hi: number): number | undefined {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (sorted[m] <= hi) a = m + 1;
    else b = m;
  }
  const v = sorted[a - 1];
  return v !== undefined && v >= lo ? v : undefined;
}

/** Smallest value in a sorted array that is within [lo, hi], or undefined. */
function firstIn(sorted: number[], lo: number, hi: number): number | undefined {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (sorted[m] < lo) a = m + 1;
    else b = m;
  }
  const v = sorted[a];
  return v !== undefined && v <= hi ? v : undefined;
}

/**
 * Splits text into chunks of about `size` characters. A chunk ends at the last
 * paragraph break in its second half, else at the last sentence end, else at the
 * last white space, else at `size`. The next chunk starts `overlap` characters
 * back, moved forward to the first sentence start in that window (else the first
 * word start), so the overlap never cuts a word. Chunks never start or end with
 * white space; every non-space character is in at least one chunk; the result is
 * a pure function of (text, options).
 */
export function chunkText(text: string, options: ChunkingOptions): TextChunk[] {
  const { size, overlap } = options;
  if (!(size >= 1) || !(overlap >= 0) || overlap >= size) {
    throw new Error(`invalid chunking options: size ${size}, overlap ${overlap} (need 0 <= overlap < size)`);
  }
  let last = text.length;
  while (last > 0 && isSpace(text[last - 1])) last--;
  let p = 0;
  while (p < last && isSpace(text[p])) p++;
  if (p >= last) return [];

  const sentences = splitSentences(text, Number.MAX_SAFE_INTEGER);
  const sentenceStarts = sentences.map((s) => s.start);
  const sentenceEnds = sentences.map((s) => s.end);
  const paragraphEnds: number[] = [];
  const para = /\n[ \t\f\v\r]*\n/g;
  for (let m = para.exec(text); m; m = para.exec(text)) paragraphEnds.push(m.index);

  const chunks: TextChunk[] = [];
  for (;;) {
    let end: number;
    if (last - p <= size) {
      end = last;
    } else {
      const limit = p + size;
      const minBreak = p + Math.max(Math.floor(size / 2), overlap + 1);
      end = lastIn(paragraphEnds, minBreak, limit) ?? lastIn(sentenceEnds, minBreak, limit) ?? lastWhitespace(text, minBreak, limit) ?? limit;
      while (end > p + 1 && isSpace(text[end - 1])) end--;
    }
    chunks.push({ index: chunks.length, start: p, end, text: text.slice(p, end) });
    if (end >= last) break;

    // Next start: a sentence start inside the overlap window, else a word start.
    const from = Math.max(end - overlap, p + 1);
    let next = overlap > 0 ? firstIn(sentenceStarts, from, end - 1) : undefined;
    if (next === undefined) {
      next = from;
      if (overlap > 0) {
        // Move to the start of the next word unless `from` already starts one;
        // with no word start in the window (one very long token) cut inside it.
        while (next < end && !(isSpace(text[next - 1]) && !isSpace(text[next]))) next++;
        if (next >= end) next = from;
      }
    }
    while (next < last && isSpace(text[next])) next++;
    p = next;
  }
  return chunks;
}

function lastWhitespace(text: string, lo: number, hi: number): number | undefined {
  for (let i = Math.min(hi, text.length - 1); i >= lo; i--) if (isSpace(text[i])) return i;
  return undefined;
}
