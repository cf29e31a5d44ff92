/**
 * Untrusted text made safe to show. Everything from a document (its text, file name, e-mail headers, entity names)
 * is rendered by React as text, never as HTML; these helpers handle what text rendering alone does not.
 */

/** Bidirectional controls and invisible formatting characters that can disguise a file name (invoice\u202Efdp.exe). */
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
 * A file name (or any short untrusted label) with every bidi control and invisible character replaced by a visible
 * code such as "[U+202E]", so "invoice\u202Efdp.exe" shows as "invoice[U+202E]fdp.exe" and its real extension is seen.
 */
export function visibleName(name: string): string {
  return name.replace(INVISIBLE, (c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

/** True when visibleName changed something (the UI then warns that the name hides characters). */
export function hasHiddenCharacters(name: string): boolean {
  INVISIBLE.lastIndex = 0;
  const found = INVISIBLE.test(name);
  INVISIBLE.lastIndex = 0;
  return found;
}

export interface Segment {
  text: string;
  /** Index of the range this segment lies in, or -1 for plain text. */
  mark: number;
}

/**
 * Splits `text` at the given [start, end) ranges (sorted or not, overlaps merged into the first) into plain and
 * marked segments, for rendering highlights as elements around text nodes.
 */
export function segments(text: string, ranges: ReadonlyArray<readonly [number, number]>): Segment[] {
  const sorted = ranges
    .map((r, i) => ({ start: Math.max(0, Math.min(r[0], text.length)), end: Math.max(0, Math.min(r[1], text.length)), i }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Segment[] = [];
  let at = 0;
  for (const r of sorted) {
    if (r.end <= at) continue;
    const start = Math.max(r.start, at);
    if (start > at) out.push({ text: text.slice(at, start), mark: -1 });
    out.push({ text: text.slice(start, r.end), mark: r.i });
    at = r.end;
  }
  if (at < text.length) out.push({ text: text.slice(at), mark: -1 });
  return out;
}

/** Bytes as "1.2 MB". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
