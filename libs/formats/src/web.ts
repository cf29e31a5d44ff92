import * as chardet from 'chardet';
import { convert } from 'html-to-text';
import type { HtmlToTextOptions } from 'html-to-text';
import { Tokenizer } from 'htmlparser2';
import * as iconv from 'iconv-lite';
import { isValidUtf8 } from './detect';
import { checkDeadline, withTimeout } from './office';
import { asFormatError, DEFAULT_FORMAT_LIMITS, FormatError } from './types';
import type { Extracted, ExtractedPage, FormatLimits } from './types';

/** How much of a file the encoding guess looks at. */
const GUESS_BYTES = 64 * 1024;

/** An encoding decision: the iconv-lite name used to decode, where the text starts (after a BOM), and how it was told. */
export interface TextEncoding {
  /** 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1', or a charset an HTML page declares. */
  encoding: string;
  bomLength: number;
}

function utf16Pattern(b: Buffer): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(b.length, GUESS_BYTES) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenZero++;
    if (b[i + 1] === 0) oddZero++;
  }
  const half = n / 2;
  if (oddZero >= half * 0.6 && evenZero <= half * 0.05) return 'utf-16le';
  if (evenZero >= half * 0.6 && oddZero <= half * 0.05) return 'utf-16be';
  return null;
}

/**
 * The encoding of text bytes: a BOM; else valid UTF-8; else UTF-16 by its zero-byte pattern; else chardet's guess
 * among UTF-16, Windows-1252 and ISO-8859-1 (anything else is read as Windows-1252, the superset Latin text uses).
 */
export function detectTextEncoding(bytes: Buffer): TextEncoding {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  if (isValidUtf8(bytes)) return { encoding: 'utf-8', bomLength: 0 };
  const u16 = utf16Pattern(bytes);
  if (u16) return { encoding: u16, bomLength: 0 };
  const sample = bytes.subarray(0, GUESS_BYTES);
  const guess = chardet.analyse(sample).find((m) => ['UTF-16LE', 'UTF-16BE', 'ISO-8859-1', 'windows-1252'].includes(m.name));
  if (guess?.name === 'UTF-16LE') return { encoding: 'utf-16le', bomLength: 0 };
  if (guess?.name === 'UTF-16BE') return { encoding: 'utf-16be', bomLength: 0 };
  // ISO-8859-1 leaves 0x80–0x9F to C1 controls that no text means: with any of them the file is Windows-1252.
  const c1 = sample.some((b) => b >= 0x80 && b <= 0x9f);
  if (guess?.name === 'ISO-8859-1' && !c1) return { encoding: 'iso-8859-1', bomLength: 0 };
  return { encoding: 'windows-1252', bomLength: 0 };
}

function decode(bytes: Buffer, enc: TextEncoding): string {
  const body = bytes.subarray(enc.bomLength);
  if (enc.encoding === 'utf-8') return body.toString('utf8');
  if (enc.encoding === 'utf-16le') return body.subarray(0, body.length & ~1).toString('utf16le');
  return iconv.decode(body, enc.encoding);
}

/** Share of characters that are controls other than tab, newline, carriage return and form feed. */
function controlShare(text: string): { nul: number; controls: number } {
  let nul = 0;
  let controls = 0;
  const n = Math.min(text.length, GUESS_BYTES);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) nul++;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f) controls++;
  }
  return { nul: n ? nul / n : 0, controls: n ? controls / n : 0 };
}

function tooMuchText(chars: number, limits: FormatLimits, what: string): FormatError {
  return new FormatError(`the ${what} holds ${chars} characters of text, over the ${limits.maxTextChars} limit`, 'too-large');
}

function readTextInner(bytes: Buffer, limits: FormatLimits, deadline: number): Extracted {
  if (bytes.length === 0) throw new FormatError('the text file is empty (0 bytes)', 'empty');
  const enc = detectTextEncoding(bytes);
  const text = decode(bytes, enc);
  checkDeadline(deadline, 'text file', limits);
  const share = controlShare(text);
  if (share.nul > 0.01 || share.controls > 0.1) {
    throw new FormatError(
      `not readable as text: ${Math.round((share.nul + share.controls) * 100)}% of its characters are control bytes (a binary file?)`,
      'corrupt',
    );
  }
  if (text.length > limits.maxTextChars) throw tooMuchText(text.length, limits, 'text file');
  const pages: ExtractedPage[] = text
    .replace(/\r\n?/g, '\n')
    .split('\f')
    .map((p) => p.replace(/[ \t]+$/gm, '').replace(/^\n+|\s+$/g, ''))
    .map((p) => ({ text: p }));
  // A form feed at the very end starts no page.
  while (pages.length > 1 && pages[pages.length - 1].text === '') pages.pop();
  return { format: 'text', pages, metadata: { format: 'text', encoding: enc.encoding }, children: [], warnings: [] };
}

/**
 * Plain text, its encoding detected (BOM, UTF-8, UTF-16, Windows-1252/ISO-8859-1); a form feed starts a new page.
 * Refuses binary bytes posing as text ('corrupt'), an empty file ('empty'), too much text ('too-large').
 */
export function readText(bytes: Buffer, limits: FormatLimits = DEFAULT_FORMAT_LIMITS): Promise<Extracted> {
  const deadline = Date.now() + limits.timeoutMs;
  return withTimeout(
    Promise.resolve().then(() => readTextInner(bytes, limits, deadline)),
    limits.timeoutMs,
    'text file',
  ).catch((err: unknown) => Promise.reject(asFormatError(err, 'the text file cannot be read')));
}

// --- HTML -------------------------------------------------------------------------------------------------------

/** WHATWG: these labels all mean Windows-1252. */
const WINDOWS_1252_LABELS = new Set([
  'iso-8859-1',
  'iso8859-1',
  'latin1',
  'latin-1',
  'l1',
  'us-ascii',
  'ascii',
  'cp1252',
  'windows-1252',
  'x-cp1252',
  'cp819',
  'ibm819',
]);

/** The charset a page declares in its first bytes (`<meta charset>` or `http-equiv` content type). */
function declaredCharset(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 4096).toString('latin1');
  const m = /<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i.exec(head);
  if (!m) return null;
  const label = m[1].toLowerCase();
  if (WINDOWS_1252_LABELS.has(label)) return 'windows-1252';
  if (label === 'utf8' || label === 'utf-8') return 'utf-8';
  // A page that says UTF-16 in ASCII bytes cannot be UTF-16 (WHATWG reads it as UTF-8).
  if (label.startsWith('utf-16')) return 'utf-8';
  return iconv.encodingExists(label) ? label : null;
}

function htmlEncoding(bytes: Buffer): TextEncoding {
  const bom = detectTextEncoding(bytes.subarray(0, 3));
  if (bom.bomLength > 0) return bom;
  const declared = declaredCharset(bytes);
  if (declared === 'utf-8' && !isValidUtf8(bytes)) return detectTextEncoding(bytes);
  if (declared) return { encoding: declared, bomLength: 0 };
  return detectTextEncoding(bytes);
}

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];

const HTML_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  limits: { maxDepth: 500, maxInputLength: Number.MAX_SAFE_INTEGER, ellipsis: '…' },
  selectors: [
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'noscript', format: 'skip' },
    { selector: 'template', format: 'skip' },
    { selector: 'img', format: 'skip' },
    // Links: their text is kept, their address is not (it is markup, not what the page says).
    { selector: 'a', options: { ignoreHref: true } },
    ...HEADINGS.map((h) => ({ selector: h, options: { uppercase: false } })),
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
};

/** Above this many characters of HTML the text comes from the streaming converter (no DOM: memory grows with the text only). */
export const STREAM_HTML_CHARS = 1024 * 1024;

/** Elements whose content is not text a reader sees. */
const SKIP_TAGS = new Set(['script', 'style', 'noscript', 'template', 'title', 'head', 'svg', 'object', 'iframe']);
/** Elements that start and end a paragraph (a blank line) or a line. */
const PARAGRAPH_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'dl', 'blockquote', 'pre', 'hr', 'figure', 'address']);
const LINE_TAGS = new Set([
  'div',
  'li',
  'tr',
  'section',
  'article',
  'header',
  'footer',
  'nav',
  'aside',
  'main',
  'dt',
  'dd',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'fieldset',
  'legend',
  'details',
  'summary',
  'center',
  'form',
  'option',
  'body',
  'html',
]);
const CELL_TAGS = new Set(['td', 'th']);

/**
 * HTML as plain text in one pass of htmlparser2's tokenizer: no DOM, no stack of open elements, so memory is the input
 * plus the text out whatever the markup's size or nesting. Scripts, styles and the head are dropped; block elements
 * give line breaks (paragraphs a blank line), table cells a tab, `<br>` a newline; entities are decoded. More than
 * `maxChars` characters of text → FormatError 'too-large'.
 */
export function streamHtmlToText(html: string, maxChars: number = DEFAULT_FORMAT_LIMITS.maxTextChars): string {
  const out: string[] = [];
  let length = 0;
  let lineStart = true;
  let breaks = 0;
  let space = false;
  let cell = false;
  let skip = 0;
  const skipping = new Map<string, number>();
  let pre = 0;
  let lastOpen = '';
  let closing = false;

  const write = (s: string): void => {
    length += s.length;
    if (length > maxChars) {
      throw new FormatError(`the HTML holds more than ${maxChars} characters of text, over the limit`, 'too-large');
    }
    out.push(s);
  };
  const flush = (): void => {
    if (length > 0 && breaks > 0) {
      write('\n'.repeat(breaks));
      lineStart = true;
    } else if (length > 0 && cell && !lineStart) write('\t');
    else if (space && !lineStart) write(' ');
    breaks = 0;
    space = false;
    cell = false;
  };
  const text = (s: string): void => {
    if (skip > 0 || s.length === 0) return;
    if (pre > 0) {
      flush();
      const t = s.replace(/\r\n?/g, '\n');
      write(t);
      lineStart = t.endsWith('\n');
      return;
    }
    const collapsed = s.replace(/[ \t\n\r\f]+/g, ' ');
    if (collapsed === ' ') {
      space = true;
      return;
    }
    if (collapsed.startsWith(' ')) space = true;
    flush();
    // Only the collapsed spaces go: String.trim would take a no-break space (&nbsp;) too.
    const body = collapsed.replace(/^ | $/g, '');
    write(body);
    lineStart = false;
    space = collapsed.endsWith(' ');
  };
  const block = (n: number): void => {
    breaks = Math.max(breaks, n);
    space = false;
  };
  const tag = (name: string, open: boolean): void => {
    if (name === 'body' && open) {
      skip -= skipping.get('head') ?? 0;
      skipping.delete('head');
    }
    if (SKIP_TAGS.has(name)) {
      const n = skipping.get(name) ?? 0;
      if (open) {
        skipping.set(name, n + 1);
        skip++;
      } else if (n > 0) {
        skipping.set(name, n - 1);
        skip--;
      }
      return;
    }
    if (skip > 0) return;
    if (name === 'br' && open) {
      flush();
      write('\n');
      lineStart = true;
      return;
    }
    if (name === 'pre') pre = Math.max(0, pre + (open ? 1 : -1));
    if (PARAGRAPH_TAGS.has(name)) block(2);
    else if (LINE_TAGS.has(name)) block(1);
    else if (CELL_TAGS.has(name) && open) {
      cell = true;
      space = false;
    }
  };

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onattribdata: () => undefined,
      onattribentity: () => undefined,
      onattribend: () => undefined,
      onattribname: () => undefined,
      oncdata: () => undefined,
      oncomment: () => undefined,
      ondeclaration: () => undefined,
      onprocessinginstruction: () => undefined,
      onend: () => undefined,
      onopentagname: (start, end) => {
        lastOpen = html.slice(start, end).toLowerCase();
        closing = false;
        tag(lastOpen, true);
      },
      onopentagend: () => undefined,
      onselfclosingtag: () => {
        // <script/>, <div/>: the element ends where it starts.
        if (!closing && SKIP_TAGS.has(lastOpen)) tag(lastOpen, false);
      },
      onclosetag: (start, end) => {
        closing = true;
        tag(html.slice(start, end).toLowerCase(), false);
      },
      ontext: (start, end) => text(html.slice(start, end)),
      ontextentity: (cp) => text(String.fromCodePoint(cp)),
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  return out
    .join('')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * An HTML page or fragment as plain text (scripts, styles and images dropped; links as their text). Used for e-mail
 * bodies too. Up to STREAM_HTML_CHARS of HTML through html-to-text (tables laid out); a bigger one through
 * streamHtmlToText, which builds no DOM. More than `maxChars` characters of text → FormatError 'too-large'.
 */
export function htmlToPlainText(html: string, maxChars: number = DEFAULT_FORMAT_LIMITS.maxTextChars): string {
  if (html.length > STREAM_HTML_CHARS) return streamHtmlToText(html, maxChars);
  const text = convert(html, HTML_OPTIONS)
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (text.length > maxChars) throw new FormatError(`the HTML holds ${text.length} characters of text, over the ${maxChars} limit`, 'too-large');
  return text;
}

function readHtmlInner(bytes: Buffer, limits: FormatLimits, deadline: number): Extracted {
  if (bytes.length === 0) throw new FormatError('the HTML page is empty (0 bytes)', 'empty');
  const enc = htmlEncoding(bytes);
  const html = decode(bytes, enc);
  const share = controlShare(html);
  if (share.nul > 0.01) throw new FormatError('not readable as HTML: it is full of NUL bytes (a binary file?)', 'corrupt');
  // The parser's tree grows with the markup: refuse markup far beyond any text the document may produce.
  if (html.length > limits.maxTextChars * 5) throw tooMuchText(html.length, limits, 'HTML page');
  checkDeadline(deadline, 'HTML page', limits);
  let text: string;
  try {
    text = htmlToPlainText(html, limits.maxTextChars);
  } catch (err) {
    if (err instanceof FormatError && err.code === 'too-large')
      throw new FormatError(`the HTML page holds more than ${limits.maxTextChars} characters of text, over the limit`, 'too-large');
    throw err;
  }
  checkDeadline(deadline, 'HTML page', limits);
  if (text.length > limits.maxTextChars) throw tooMuchText(text.length, limits, 'HTML page');
  return { format: 'html', pages: [{ text }], metadata: { format: 'html', encoding: enc.encoding }, children: [], warnings: [] };
}

/** An HTML page as one page of text, its charset from the BOM, its `<meta>` declaration or the bytes. */
export function readHtml(bytes: Buffer, limits: FormatLimits = DEFAULT_FORMAT_LIMITS): Promise<Extracted> {
  const deadline = Date.now() + limits.timeoutMs;
  return withTimeout(
    Promise.resolve().then(() => readHtmlInner(bytes, limits, deadline)),
    limits.timeoutMs,
    'HTML page',
  ).catch((err: unknown) => Promise.reject(asFormatError(err, 'the HTML page cannot be read')));
}
