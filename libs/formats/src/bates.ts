/**
 * Bates numbers: the page stamps of an e-discovery production (`ABC000123`, `ABC-000123`, `DEF-PROD-0000042`).
 *
 * A number is a prefix (1–12 letters or digits, starting with a letter, optionally in segments joined by `-`, `_`
 * or `.`), an optional separator (`-`, `_`, `.` or one space) and 4–12 digits. Digits glued to the prefix belong
 * to the number (`ABC0000123` is `ABC` + `0000123`); a prefix may end with a digit only before a separator
 * (`HOUSE-001-000009`).
 *
 * `prefix` is normalised (upper case, separators removed) so that `ABC-000123`, `ABC_000123` and `abc000123` name the
 * same page: it is what `document_pages.bates_prefix` stores, with `seq` in `bates_seq`; `bates` keeps the number as
 * printed.
 */
export interface BatesNumber {
  /** As written (trimmed): `ABC-000123`. */
  bates: string;
  /** Upper case, separators removed: `ABC`, `DEFPROD`. */
  prefix: string;
  /** The number's value: 123. */
  seq: number;
  /** How many digits were written (leading zeros included): 6. */
  digits: number;
}

const PREFIX_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*$/;
const MIN_DIGITS = 4;
const MAX_DIGITS = 12;
const MAX_PREFIX_CHARS = 12;
/** Longest string worth reading as one number (prefix, separators, digits). */
const MAX_BATES_CHARS = 64;

interface Parsed extends BatesNumber {
  /** The separator between prefix and digits: '' when glued. */
  sep: string;
  /** The prefix as written (for the upper-case test a stamp must pass). */
  rawPrefix: string;
}

function parse(s: string): Parsed | null {
  if (s.length === 0 || s.length > MAX_BATES_CHARS) return null;
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) >= 48 && s.charCodeAt(end - 1) <= 57) end--;
  const digits = s.slice(end);
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return null;
  let head = s.slice(0, end);
  let sep = '';
  const last = head.at(-1);
  if (last === '-' || last === '_' || last === '.' || last === ' ') {
    sep = last;
    head = head.slice(0, -1);
  }
  if (!PREFIX_RE.test(head)) return null;
  const prefix = head.replace(/[-_.]/g, '').toUpperCase();
  if (prefix.length > MAX_PREFIX_CHARS) return null;
  return { bates: s, prefix, seq: Number.parseInt(digits, 10), digits: digits.length, sep, rawPrefix: head };
}

function strip(p: Parsed): BatesNumber {
  return { bates: p.bates, prefix: p.prefix, seq: p.seq, digits: p.digits };
}

/** One Bates number (the whole string, trimmed), or null. Letters in any case (a user's query); see findBates for stamps. */
export function parseBates(s: string): BatesNumber | null {
  const p = parse(s.trim());
  return p ? strip(p) : null;
}

/** Words that, just before a number, make it a citation, a case or a phone number rather than a stamp. */
const LABEL_BEFORE_RE =
  /(?:^|[\s(])(?:no\.?|nos\.?|#|§+|case|docket|dkt\.?|section|sec\.?|tel\.?|fax:?|phone:?|ex\.?|exh\.?|exhibit|id\.?|u\.s\.c\.?|stat\.?|code)$/i;

/**
 * A stamp as printed on a page: upper-case letters only (stamps are; prose and citations are not), and zero-padded
 * (`ABC000123`) or at least 6 digits long; `ABC 000123` (a space before the digits) must be zero-padded, which tells
 * it from `CA 94105`, `SEC 1983` and `JANUARY 2020`.
 */
function asStamp(token: string, before: string): BatesNumber | null {
  const p = parse(token);
  if (!p) return null;
  if (/[a-z]/.test(p.rawPrefix)) return null;
  const padded = p.bates.charCodeAt(p.bates.length - p.digits) === 48;
  if (p.sep === ' ' ? !padded : !padded && p.digits < 6) return null;
  if (LABEL_BEFORE_RE.test(before.trimEnd())) return null;
  return strip(p);
}

/** Longest line end or start looked at: a stamp is short, a huge line is not read whole. */
const MAX_EDGE_CHARS = 400;

/** The stamp on one line: the line itself, a field set off by 2+ spaces or a tab, or the line's first or last word. */
function stampOnLine(rawLine: string): BatesNumber | null {
  let line = rawLine.trim();
  if (line.length > 2 * MAX_EDGE_CHARS) line = `${line.slice(0, MAX_EDGE_CHARS)}  ${line.slice(-MAX_EDGE_CHARS)}`;
  const fields = line.split(/\s{2,}|\t+/).filter((f) => f.length > 0);
  // Right to left: a footer's stamp is usually its last field.
  for (let i = fields.length - 1; i >= 0; i--) {
    const field = fields[i];
    const before = fields.slice(0, i).join(' ');
    const whole = asStamp(field, before);
    if (whole) return whole;
    const words = field.split(' ');
    if (words.length < 2) continue;
    const lastWord = asStamp(words.at(-1)!, words.slice(0, -1).join(' '));
    if (lastWord) return lastWord;
    const firstWord = asStamp(words[0], before);
    if (firstWord) return firstWord;
  }
  return null;
}

/** How many non-empty lines at the foot, then at the head, may carry the stamp. */
const EDGE_LINES = 3;

/**
 * The page's own Bates stamp: a number standing on its own (a whole line, a field of a footer or header, or a line's
 * first or last word) in the last 3 or the first 3 non-empty lines, the foot first (bottom line up), then the head.
 * Citations (`28 U.S.C. 1983`), case and docket numbers (`No. 21-1234`, `CV-2021-1234`), dates, phone numbers, zip
 * codes and `Page 3 of 10` are not stamps. Null when the page has none.
 */
export function findBates(pageText: string): BatesNumber | null {
  const lines = edgeLines(pageText);
  for (const line of lines) {
    const found = stampOnLine(line);
    if (found) return found;
  }
  return null;
}

/** The last EDGE_LINES non-empty lines bottom-up, then the first EDGE_LINES top-down (no line twice). */
function edgeLines(text: string): string[] {
  const foot: Array<{ at: number; line: string }> = [];
  let end = text.length;
  while (end > 0 && foot.length < EDGE_LINES) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    if (line.trim().length > 0) foot.push({ at: start, line });
    end = start - 1;
  }
  const head: string[] = [];
  let start = 0;
  const footStart = foot.length > 0 ? foot.at(-1)!.at : text.length;
  while (start < footStart && head.length < EDGE_LINES) {
    let stop = text.indexOf('\n', start);
    if (stop < 0) stop = text.length;
    const line = text.slice(start, stop);
    if (start < footStart && line.trim().length > 0) head.push(line);
    start = stop + 1;
  }
  return [...foot.map((f) => f.line), ...head];
}

const RANGE_SEP_RE = /\s*(?:-|–|—|\bthrough\b|\bthru\b|\bto\b)\s*/gi;

/**
 * A range of Bates numbers: `ABC000120-ABC000130`, `ABC000120 - ABC000130`, `ABC000120 through ABC000130` (also `to`,
 * `thru`, an en or em dash); a single number is a range of one. Both ends must share the prefix and run upwards.
 */
export function parseBatesRange(s: string): { from: BatesNumber; to: BatesNumber } | null {
  const text = s.trim();
  if (text.length === 0 || text.length > 2 * MAX_BATES_CHARS + 16) return null;
  // Ranges first: `ABC000120-ABC000130` would otherwise read as one number with the prefix `ABC000120-ABC`.
  let split = false;
  for (const m of text.matchAll(RANGE_SEP_RE)) {
    const from = parseBates(text.slice(0, m.index));
    const to = parseBates(text.slice(m.index + m[0].length));
    if (from && to) {
      if (from.prefix === to.prefix && from.seq <= to.seq) return { from, to };
      split = true;
    }
  }
  if (split) return null;
  const single = parseBates(text);
  return single ? { from: single, to: single } : null;
}
