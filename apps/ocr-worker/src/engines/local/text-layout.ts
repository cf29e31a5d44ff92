/** A positioned run of text on a PDF page (PDF user space: y grows upwards). */
export interface LayoutItem {
  str: string;
  x: number;
  /** Baseline. */
  y: number;
  width: number;
  /** Font height; 0 when unknown. */
  height: number;
  /** PDF.js says a line ends after this item. */
  hasEOL: boolean;
}

interface Line {
  y: number;
  height: number;
  endX: number;
  text: string;
}

/**
 * Turns PDF.js text items into page text with the page's line breaks.
 *
 * Items come in content-stream order, which is the reading order of nearly
 * every generator (and keeps columns together, unlike a sort by position). A
 * new line starts after an item flagged `hasEOL` or when the baseline moves by
 * more than half a line height. Within a line, a space is inserted when the
 * horizontal gap is wider than a fraction of the font size. A vertical gap of
 * more than 1.6 line heights between lines becomes an empty line (paragraph).
 */
export function layoutPageText(items: readonly LayoutItem[]): string {
  const lines: Line[] = [];
  let cur: Line | undefined;
  let breakPending = false;
  for (const item of items) {
    const str = item.str;
    if (str === '') {
      if (item.hasEOL) breakPending = true;
      continue;
    }
    const h = item.height > 0 ? item.height : (cur?.height ?? 10);
    const sameLine = cur && !breakPending && Math.abs(item.y - cur.y) <= Math.max(h, cur.height) * 0.5;
    if (!cur || !sameLine) {
      cur = { y: item.y, height: h, endX: item.x + item.width, text: str };
      lines.push(cur);
    } else {
      const gap = item.x - cur.endX;
      const needsSpace = gap > Math.max(h, cur.height) * 0.15 && !/\s$/.test(cur.text) && !/^\s/.test(str);
      cur.text += (needsSpace ? ' ' : '') + str;
      cur.endX = Math.max(cur.endX, item.x + item.width);
      cur.height = Math.max(cur.height, h);
    }
    breakPending = item.hasEOL;
  }
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (i > 0) {
      const prev = lines[i - 1];
      const gap = prev.y - line.y;
      if (gap > Math.max(prev.height, line.height) * 1.6 && out.length && out[out.length - 1] !== '') out.push('');
    }
    out.push(cleanText(line.text).trimEnd());
  }
  return out.join('\n').replace(/^\n+|\n+$/g, '');
}

/**
 * Removes what must not reach the database or the graph: NUL (PostgreSQL text
 * cannot hold it), other control characters except tab/newline, and form feeds.
 */
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex -- strips the C0 control characters (but tab and newline) and DEL from OCR output
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/** Letters and digits of a text layer, and the share of junk (U+FFFD, private-use, controls). */
export function assessTextLayer(text: string): { letters: number; junkRatio: number } {
  let letters = 0;
  let junk = 0;
  for (const ch of text) {
    if (/[\p{L}\p{N}]/u.test(ch)) letters++;
    else if (ch === '\ufffd' || /[\p{Co}\p{Cc}]/u.test(ch)) {
      if (ch !== '\n' && ch !== '\t') junk++;
    }
  }
  return { letters, junkRatio: letters + junk === 0 ? 0 : junk / (letters + junk) };
}
