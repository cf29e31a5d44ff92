import type { LegalMention } from '../types';

/*
 * Introductory signals (Bluebook rule 1.2): the word before a citation that says how it supports the text — "See",
 * "See also", "Cf.", "But see", "But cf.", "See generally", "Accord", "Contra", "Compare … with …", "E.g.", "See,
 * e.g.". A signal governs every citation of its string up to the end of the sentence or the next signal; a
 * citation inside an explanatory parenthetical ("(quoting …)", "(citing …)") has none of its own.
 */

/** A signal ending right before a citation. */
const SIGNAL = /(?<![\p{L}\p{N}])(?:((?:but\s+)?(?:see(?:\s+also|\s+generally)?|cf\.)|accord|contra|compare)(?:,?\s+(e\.g\.))?|(e\.g\.))[,:]?\s*$/iu;

/** What may stand between two citations of one string: pins, "at", notes, "; ", ", ", "and", "with" (after "Compare"). */
const CONTINUATION = /^[\s\d,;–\-&*]*(?:(?:at|n|nn|p|pp|§|¶|and|with|&)\.?[\s\d,;–\-&.*]*)*$/i;

/** The signal as written, lower case and without the trailing comma: "See, e.g.," -> "see, e.g.". */
export function normalizeSignal(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*,\s*/g, ', ')
    .replace(/[,:]\s*$/, '')
    .trim();
}

/** The signal that ends at `at` (just before a citation or case name), if any. */
export function signalBefore(text: string, at: number): string | undefined {
  const m = SIGNAL.exec(text.slice(Math.max(0, at - 40), at));
  if (!m) return undefined;
  if (m[3]) return 'e.g.';
  return normalizeSignal(m[2] ? `${m[1]}, ${m[2]}` : m[1]);
}

/** Parentheticals removed (innermost first), so that "(2007) (holding that …)" between two citations is skipped. */
function withoutParentheticals(s: string): string {
  let prev = '';
  let cur = s;
  for (let n = 0; n < 4 && prev !== cur; n++) {
    prev = cur;
    cur = cur.replace(/\([^()]*\)/g, ' ');
  }
  return cur;
}

/**
 * Sets attributes.signal on case citations (every kind but 'caption') and statutes, in place: the signal right
 * before the mention, else the one of the citation before it in the same string (only pins, parentheticals,
 * ";", ",", "and" or "with" between them).
 */
export function addSignals(text: string, mentions: LegalMention[]): void {
  const cites = mentions
    .filter((m) => (m.type === 'CASE' && m.attributes?.kind !== 'caption') || m.type === 'STATUTE')
    .sort((a, b) => a.start - b.start || b.end - a.end);
  let current: string | undefined;
  let prevEnd = -1;
  for (const m of cites) {
    if (m.start < prevEnd) {
      // inside the previous mention's span (a parallel piece): same signal
      if (current) m.attributes = { ...m.attributes, signal: current };
      continue;
    }
    const own = signalBefore(text, m.start);
    if (own) current = own;
    else if (prevEnd < 0 || m.start - prevEnd > 600 || !CONTINUATION.test(withoutParentheticals(text.slice(prevEnd, m.start)))) current = undefined;
    if (current) m.attributes = { ...m.attributes, signal: current };
    else if (m.attributes && 'signal' in m.attributes) delete m.attributes.signal;
    prevEnd = m.end;
  }
}
