import JSZip from 'jszip';
import mammoth from 'mammoth';
import * as yauzl from 'yauzl';
import type { DocumentPart } from '@casegraph/contracts';
import { listZipEntries } from './detect';
import type { ZipDirectoryEntry } from './detect';
import { asFormatError, DEFAULT_FORMAT_LIMITS, FormatError } from './types';
import type { Extracted, ExtractedPage, FormatLimits } from './types';

/** Entries above this size are held to the compression-ratio limit (tiny XML parts compress far beyond any ratio). */
const RATIO_FLOOR_BYTES = 1024 * 1024;
/** Most entries a Word package may list (a real one has tens). */
const MAX_DOCX_ENTRIES = 10_000;
/** Stands for an explicit page break while mammoth reads the body (a private-use character, valid XML). */
const PAGE_MARK = '\uE000';
/** A body bigger than this (uncompressed XML) or with more paragraphs skips mammoth (~8 KB of heap per paragraph). */
export const DOCX_STREAM_XML_BYTES = 4 * 1024 * 1024;
export const DOCX_STREAM_PARAGRAPHS = 10_000;
/** Largest word/document.xml read at all (uncompressed). */
export const DOCX_MAX_BODY_XML_BYTES = 64 * 1024 * 1024;

/** Runs `work` within `ms`, else rejects with FormatError 'timeout' naming `what`. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // The abandoned work may still fail later: that must not surface as an unhandled rejection.
  work.catch(() => undefined);
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FormatError(`reading the ${what} took longer than ${Math.round(ms / 1000)} s`, 'timeout')), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Merges a partial limit set over the defaults. */
export function resolveLimits(limits?: Partial<FormatLimits>): FormatLimits {
  return { ...DEFAULT_FORMAT_LIMITS, ...(limits ?? {}) };
}

const mib = (n: number): string => `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;

/** Refuses a package entry before inflating it: claimed size, ratio. */
function checkEntry(e: ZipDirectoryEntry, limits: FormatLimits): void {
  if (e.uncompressedSize > limits.maxChildBytes) {
    throw new FormatError(
      `the Word package's part ${e.name} claims ${mib(e.uncompressedSize)} uncompressed, over the ${mib(limits.maxChildBytes)} limit (a zip bomb?)`,
      'bomb',
    );
  }
  if (e.uncompressedSize > RATIO_FLOOR_BYTES) {
    const ratio = e.compressedSize > 0 ? e.uncompressedSize / e.compressedSize : Infinity;
    if (ratio > limits.maxCompressionRatio) {
      throw new FormatError(
        `the Word package's part ${e.name} expands ${Number.isFinite(ratio) ? Math.round(ratio) : 'infinitely'} times (limit ${limits.maxCompressionRatio}): a zip bomb`,
        'bomb',
      );
    }
  }
}

/** Reads the named entries of a ZIP, each inflated to at most its declared size (checked beforehand). */
function readZipEntries(bytes: Buffer, wanted: Set<string>, capOf: (name: string) => number): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    // validateEntrySizes (yauzl's default) makes a stream fail as soon as it inflates past the declared size.
    yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: true, strictFileNames: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('unreadable ZIP'));
      const out = new Map<string, Buffer>();
      let failed = false;
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        zip.close();
        reject(e instanceof Error ? e : new Error(String(e)));
      };
      zip.on('error', fail);
      zip.on('end', () => {
        if (!failed) resolve(out);
      });
      zip.on('entry', (entry: yauzl.Entry) => {
        if (failed) return;
        if (!wanted.has(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return fail(e ?? new Error(`cannot open ${entry.fileName}`));
          const cap = capOf(entry.fileName);
          const chunks: Buffer[] = [];
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > cap) {
              stream.destroy();
              fail(new FormatError(`the Word package's part ${entry.fileName} inflates past ${mib(cap)}: a zip bomb`, 'bomb'));
              return;
            }
            chunks.push(chunk);
          });
          stream.on('error', fail);
          stream.on('end', () => {
            if (failed) return;
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

function decodeXml(b: Buffer): string {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
    const swapped = Buffer.from(b.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return b.toString('utf8').replace(/^\uFEFF/, '');
}

/** Decodes the five XML entities and numeric character references. */
export function unescapeXml(s: string): string {
  return s.replace(
    /&(?:#x([0-9a-fA-F]+)|#(\d+)|(amp|lt|gt|quot|apos));/g,
    (m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
      if (hex || dec) {
        const cp = hex ? parseInt(hex, 16) : parseInt(dec!, 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
      }
      return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[name!]!;
    },
  );
}

const TOKEN = /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\b[^>]*\/>|<w:(?:br|cr)\b[^>]*\/>|<\/w:p>|<w:p\b[^>]*\/>/g;

/** The next `<name` tag at or after `from` (the name whole: `<w:footnote` is not `<w:footnoteReference`), or -1. */
function nextTag(xml: string, open: string, from: number): number {
  for (let i = xml.indexOf(open, from); i >= 0; i = xml.indexOf(open, i + 1)) {
    const c = xml.charCodeAt(i + open.length);
    if (c === 0x3e || c === 0x2f || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) return i;
  }
  return -1;
}

/**
 * The elements named `name` in `xml`, in order: their open tag's attributes and their content (self-closing: none). One
 * pass with indexOf (a lazy regular expression retries from every open tag and goes quadratic on unclosed ones).
 */
function* xmlElements(xml: string, name: string): Generator<{ attrs: string; inner: string | undefined }> {
  const open = `<${name}`;
  const close = `</${name}>`;
  let closeLeft = true;
  for (let i = nextTag(xml, open, 0); i >= 0;) {
    const gt = xml.indexOf('>', i);
    if (gt < 0) return;
    if (xml.charCodeAt(gt - 1) === 0x2f) {
      yield { attrs: xml.slice(i + open.length, gt - 1), inner: undefined };
      i = nextTag(xml, open, gt + 1);
      continue;
    }
    const end = closeLeft ? xml.indexOf(close, gt + 1) : -1;
    if (end < 0) {
      // No closing tag after this one: only self-closing elements can follow.
      closeLeft = false;
      i = nextTag(xml, open, gt + 1);
      continue;
    }
    yield { attrs: xml.slice(i + open.length, gt), inner: xml.slice(gt + 1, end) };
    i = nextTag(xml, open, end + close.length);
  }
}

/** `xml` without the elements named `name` and their content; an element never closed is left as it is. Linear. */
function withoutElements(xml: string, name: string): string {
  const open = `<${name}`;
  const close = `</${name}>`;
  const parts: string[] = [];
  let pos = 0;
  for (let i = nextTag(xml, open, 0); i >= 0;) {
    const gt = xml.indexOf('>', i);
    if (gt < 0) break;
    if (xml.charCodeAt(gt - 1) === 0x2f) {
      parts.push(xml.slice(pos, i));
      pos = gt + 1;
      i = nextTag(xml, open, pos);
      continue;
    }
    const end = xml.indexOf(close, gt + 1);
    if (end < 0) break;
    parts.push(xml.slice(pos, i));
    pos = end + close.length;
    i = nextTag(xml, open, pos);
  }
  parts.push(xml.slice(pos));
  return parts.join('');
}

/** The text of a WordprocessingML fragment: `w:t` runs, `w:tab` as tab, `w:br`/`w:cr` as newline, one line per paragraph. */
export function wordXmlText(fragment: string): string {
  // Tab stops (w:tabs/w:tab) are formatting, not text; deleted runs (w:del) are not the document's text.
  const clean = withoutElements(withoutElements(fragment, 'w:tabs'), 'w:del');
  let out = '';
  for (const m of clean.matchAll(TOKEN)) {
    const tok = m[0];
    if (m[1] !== undefined) out += unescapeXml(m[1]);
    else if (tok.startsWith('<w:tab')) out += '\t';
    else if (tok.startsWith('<w:br') || tok.startsWith('<w:cr')) out += '\n';
    else out += '\n';
  }
  return out
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag) ?? new RegExp(`\\b${name}='([^']*)'`).exec(tag);
  return m ? unescapeXml(m[1]) : null;
}

/** Footnotes or endnotes, separators left out, one note per paragraph block. */
function notesText(xml: string, kind: 'footnote' | 'endnote'): string {
  const notes: string[] = [];
  for (const el of xmlElements(xml, `w:${kind}`)) {
    const type = attr(el.attrs, 'w:type');
    if (type && type !== 'normal') continue;
    const text = wordXmlText(el.inner ?? '');
    if (text) notes.push(text);
  }
  return notes.join('\n\n');
}

function commentsText(xml: string): string {
  const out: string[] = [];
  for (const el of xmlElements(xml, 'w:comment')) {
    const text = wordXmlText(el.inner ?? '');
    if (!text) continue;
    const author = attr(el.attrs, 'w:author')?.trim();
    out.push(`Comment by ${author || 'an unknown author'}: ${text}`);
  }
  return out.join('\n\n');
}

/** All parts named `word/<prefix>N.xml`, in number order, their texts deduplicated (first-page and default headers often repeat). */
function numberedPartsText(parts: Map<string, Buffer>, prefix: 'header' | 'footer'): string {
  const names = [...parts.keys()]
    .map((n) => ({ n, m: new RegExp(`^word/${prefix}(\\d*)\\.xml$`).exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1] || 0) - Number(b.m[1] || 0))
    .map((x) => x.n);
  const seen = new Set<string>();
  const texts: string[] = [];
  for (const name of names) {
    const text = wordXmlText(decodeXml(parts.get(name)!));
    if (text && !seen.has(text)) {
      seen.add(text);
      texts.push(text);
    }
  }
  return texts.join('\n\n');
}

function coreProperties(xml: string): Record<string, string> {
  const out: Record<string, string> = {};
  const fields: Array<[string, string]> = [
    ['title', 'dc:title'],
    ['subject', 'dc:subject'],
    ['creator', 'dc:creator'],
    ['lastModifiedBy', 'cp:lastModifiedBy'],
    ['created', 'dcterms:created'],
    ['modified', 'dcterms:modified'],
  ];
  for (const [key, tag] of fields) {
    const m = new RegExp(`<${tag}\\b[^>]*>([^<]*)</${tag}>`).exec(xml);
    const value = m ? unescapeXml(m[1]).trim() : '';
    if (value) out[key] = value.slice(0, 1000);
  }
  return out;
}

/** The package entries the reader inflates: the document's XML parts and relationships; never media or embeddings. */
function isReadPart(name: string): boolean {
  return (
    name === '[Content_Types].xml' ||
    name === '_rels/.rels' ||
    name === 'docProps/core.xml' ||
    /^word\/[^/]+\.xml$/.test(name) ||
    /^word\/_rels\/[^/]+\.rels$/.test(name)
  );
}

/**
 * The body's XML with a PAGE_MARK run where a printed page surely ends: an explicit page break (`w:br w:type="page"`)
 * and the end of a paragraph that closes a section starting on a new page (a `w:sectPr` in its properties whose type is
 * not `continuous`). Word's own pagination (line wrapping) is not known without laying the text out.
 */
export function markPageBreaks(documentXml: string): string {
  let xml = documentXml
    .split(PAGE_MARK)
    .join('')
    .replace(/<w:br\b[^>]*?\bw:type\s*=\s*["']page["'][^>]*?(?:\/>|>\s*<\/w:br>)/g, `<w:t>${PAGE_MARK}</w:t>`);
  // A paragraph's section properties come last in its w:pPr (before a tracked w:pPrChange).
  const sectionEnds: number[] = [];
  for (const m of xml.matchAll(/<w:sectPr\b[^>]*>([\s\S]*?)<\/w:sectPr>\s*(?:<w:pPrChange\b[\s\S]*?<\/w:pPrChange>\s*)?<\/w:pPr>/g)) {
    if (/<w:type\s+w:val\s*=\s*["']continuous["']/.test(m[1])) continue;
    const end = xml.indexOf('</w:p>', m.index + m[0].length);
    if (end >= 0) sectionEnds.push(end);
  }
  for (const at of sectionEnds.reverse()) xml = `${xml.slice(0, at)}<w:r><w:t>${PAGE_MARK}</w:t></w:r>${xml.slice(at)}`;
  return xml;
}

const BODY_TOKEN =
  /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\b[^>]*\/>|<w:(?:br|cr)\b[^>]*\/>|<\/?w:p\b[^>]*>|<\/?w:tabs\b[^>]*>|<\/?w:del\b[^>]*>|<\/?mc:Choice\b[^>]*>|<w:sectPr\b[^>]*>|<\/w:sectPr>|<w:type\b[^>]*\/>/g;

/**
 * The body's text the way mammoth's raw text gives it (each paragraph followed by a blank line, `w:tab` a tab, `w:br`
 * a newline, PAGE_MARK at explicit page breaks and at the end of a paragraph closing a new-page section), in one pass
 * of a regular expression over the XML: linear, no tree, memory the XML plus the text. For bodies too big for mammoth.
 */
export function streamBodyText(xml: string, maxChars: number): string {
  const out: string[] = [];
  let length = 0;
  const write = (s: string): void => {
    length += s.length;
    if (length > maxChars) {
      throw new FormatError(`the Word document holds more than ${maxChars} characters of text, over the ${maxChars} limit`, 'too-large');
    }
    out.push(s);
  };
  let del = 0;
  let tabs = 0;
  let choice = 0;
  let inPara = false;
  let inSect = false;
  let sectContinuous = false;
  let pageAtEnd = false;
  for (const m of xml.matchAll(BODY_TOKEN)) {
    const tok = m[0];
    if (tok.startsWith('</')) {
      if (tok.startsWith('</w:p>') || tok.startsWith('</w:p ')) {
        if (inPara && del === 0 && choice === 0) write(pageAtEnd ? `\n\n${PAGE_MARK}` : '\n\n');
        inPara = false;
        pageAtEnd = false;
      } else if (tok.startsWith('</w:del')) del = Math.max(0, del - 1);
      else if (tok.startsWith('</w:tabs')) tabs = Math.max(0, tabs - 1);
      else if (tok.startsWith('</mc:Choice')) choice = Math.max(0, choice - 1);
      else if (tok.startsWith('</w:sectPr')) {
        if (inSect && inPara && !sectContinuous) pageAtEnd = true;
        inSect = false;
      }
      continue;
    }
    const selfClosing = tok.endsWith('/>');
    if (tok.startsWith('<w:del')) {
      if (!selfClosing) del++;
      continue;
    }
    if (tok.startsWith('<w:tabs')) {
      if (!selfClosing) tabs++;
      continue;
    }
    if (tok.startsWith('<mc:Choice')) {
      if (!selfClosing) choice++;
      continue;
    }
    if (tok.startsWith('<w:sectPr')) {
      inSect = !selfClosing;
      sectContinuous = false;
      if (selfClosing && inPara) pageAtEnd = true;
      continue;
    }
    if (tok.startsWith('<w:type')) {
      if (inSect && /w:val\s*=\s*["']continuous["']/.test(tok)) sectContinuous = true;
      continue;
    }
    if (del > 0 || choice > 0) continue;
    if (m[1] !== undefined) {
      if (m[1]) write(unescapeXml(m[1]).split(PAGE_MARK).join(''));
    } else if (tok.startsWith('<w:p')) {
      if (selfClosing) write('\n\n');
      else inPara = true;
    } else if (tok.startsWith('<w:tab')) {
      if (tabs === 0) write('\t');
    } else if (/\bw:type\s*=\s*["']page["']/.test(tok)) write(PAGE_MARK);
    else write('\n');
  }
  return out.join('');
}

/** What a Word document is called when a library fails on it in a way not named here (its words follow in parentheses). */
export const DOCX_DAMAGED = 'not a readable Word document: it is damaged or not a Word .docx file';

function corrupt(reason: string, cause?: unknown): FormatError {
  return new FormatError(`not a readable Word document: ${reason}`, 'corrupt', { cause });
}

/** Throws FormatError 'timeout' once `deadline` (epoch ms) has passed: checked between steps, so that work stops early. */
export function checkDeadline(deadline: number, what: string, limits: FormatLimits): void {
  if (Date.now() >= deadline) throw new FormatError(`reading the ${what} took longer than ${Math.round(limits.timeoutMs / 1000)} s`, 'timeout');
}

function bodyTooLarge(bytes: number): FormatError {
  return new FormatError(
    `the Word document's body is ${mib(bytes)} of XML, over the ${mib(DOCX_MAX_BODY_XML_BYTES)} this reader takes: split the document or save it as PDF`,
    'too-large',
  );
}

/** Paragraphs in the body, counted up to `max` + 1. */
function countParagraphs(xml: string, max: number): number {
  let n = 0;
  for (let i = xml.indexOf('<w:p'); i >= 0 && n <= max; i = xml.indexOf('<w:p', i + 4)) {
    const c = xml.charCodeAt(i + 4);
    if (c === 0x3e || c === 0x20 || c === 0x2f || c === 0x09 || c === 0x0a || c === 0x0d) n++;
  }
  return n;
}

async function readDocxInner(bytes: Buffer, limits: FormatLimits, deadline: number): Promise<Extracted> {
  const step = () => checkDeadline(deadline, 'Word document', limits);
  if (bytes.length === 0) throw new FormatError('the Word document is empty (0 bytes)', 'empty');
  let listing: Awaited<ReturnType<typeof listZipEntries>>;
  try {
    listing = await listZipEntries(bytes, MAX_DOCX_ENTRIES + 1);
  } catch (err) {
    throw corrupt(`its ZIP package is damaged (${err instanceof Error ? err.message : String(err)})`, err);
  }
  step();
  if (listing.entries.length > MAX_DOCX_ENTRIES) {
    throw new FormatError(`the Word package lists more than ${MAX_DOCX_ENTRIES} parts`, 'too-large');
  }
  const byName = new Map(listing.entries.map((e) => [e.name, e]));
  if (!byName.has('word/document.xml')) throw corrupt('its package has no word/document.xml');
  const read = listing.entries.filter((e) => isReadPart(e.name));
  if (read.some((e) => e.encrypted)) throw new FormatError('the Word package is encrypted', 'encrypted');
  let total = 0;
  for (const e of read) {
    checkEntry(e, limits);
    total += e.uncompressedSize;
  }
  if (total > limits.maxTotalChildBytes) {
    throw new FormatError(`the Word package's text parts claim ${mib(total)} uncompressed, over the ${mib(limits.maxTotalChildBytes)} limit`, 'bomb');
  }
  const bodyEntry = byName.get('word/document.xml')!;
  if (bodyEntry.uncompressedSize > DOCX_MAX_BODY_XML_BYTES) throw bodyTooLarge(bodyEntry.uncompressedSize);

  let parts: Map<string, Buffer>;
  try {
    parts = await readZipEntries(bytes, new Set(read.map((e) => e.name)), (name) =>
      Math.min(byName.get(name)!.uncompressedSize, limits.maxChildBytes),
    );
  } catch (err) {
    if (err instanceof FormatError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    if (/too many bytes/i.test(msg))
      throw new FormatError(`the Word package has a part that inflates past its declared size: a zip bomb (${msg})`, 'bomb', { cause: err });
    throw corrupt(`its ZIP package is damaged (${msg})`, err);
  }
  step();
  const bodyBytes = parts.get('word/document.xml')!;
  if (bodyBytes.length > DOCX_MAX_BODY_XML_BYTES) throw bodyTooLarge(bodyBytes.length);
  const documentXml = decodeXml(bodyBytes);
  if (documentXml.length > limits.maxTextChars * 20) {
    throw new FormatError(`the Word document's body is ${mib(documentXml.length)} of XML, more than it may hold`, 'too-large');
  }
  if (!/<w:body\b/.test(documentXml)) throw corrupt('word/document.xml has no body');

  let raw: { value: string; messages: Array<{ type: string; message: string }> };
  if (bodyBytes.length > DOCX_STREAM_XML_BYTES || countParagraphs(documentXml, DOCX_STREAM_PARAGRAPHS) > DOCX_STREAM_PARAGRAPHS) {
    // mammoth holds a tree of the whole body (and an HTML-ish copy of it): a big body is read in one pass instead.
    raw = { value: streamBodyText(documentXml, limits.maxTextChars), messages: [] };
  } else {
    // The body through mammoth, explicit page breaks marked so that they survive its raw-text conversion.
    const marked = markPageBreaks(documentXml);
    const pkg = new JSZip();
    for (const [name, data] of parts) pkg.file(name, name === 'word/document.xml' ? Buffer.from(marked, 'utf8') : data);
    const repacked = await pkg.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
    try {
      raw = await mammoth.extractRawText({ buffer: repacked });
    } catch (err) {
      throw corrupt(`it is damaged or not a Word .docx file (${err instanceof Error ? err.message : String(err)})`, err);
    }
  }
  step();
  // mammoth's HTML concerns (image types browsers show, undefined styles) say nothing about the text.
  const warnings = [
    ...new Set(
      raw.messages
        .filter((m) => !/display in web browsers|style with ID .* was referenced but not defined/.test(m.message))
        .map((m) => `${m.type}: ${m.message}`),
    ),
  ].slice(0, 20);

  const bodyPages = raw.value.split(PAGE_MARK).map((p) =>
    p
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
  );
  // A break at the very end leaves no page after it.
  while (bodyPages.length > 1 && bodyPages[bodyPages.length - 1] === '') bodyPages.pop();
  const pages: ExtractedPage[] = bodyPages.map((text) => ({ text, part: 'body' }));

  const partText = (name: string, f: (xml: string) => string): string => {
    const b = parts.get(name);
    return b ? f(decodeXml(b)) : '';
  };
  const coreXml = parts.get('docProps/core.xml');
  const extra: Array<[DocumentPart, string]> = [
    ['headers', numberedPartsText(parts, 'header')],
    ['footers', numberedPartsText(parts, 'footer')],
    ['footnotes', partText('word/footnotes.xml', (x) => notesText(x, 'footnote'))],
    ['endnotes', partText('word/endnotes.xml', (x) => notesText(x, 'endnote'))],
    ['comments', partText('word/comments.xml', commentsText)],
  ];
  for (const [part, text] of extra) if (text) pages.push({ text, part });

  const chars = pages.reduce((n, p) => n + p.text.length, 0);
  if (chars > limits.maxTextChars) {
    throw new FormatError(`the Word document holds ${chars} characters of text, over the ${limits.maxTextChars} limit`, 'too-large');
  }

  const core = coreXml ? coreProperties(decodeXml(coreXml)) : {};
  return {
    format: 'docx',
    pages,
    metadata: { format: 'docx', ...(Object.keys(core).length > 0 ? { office: core } : {}) },
    children: [],
    warnings,
  };
}

/**
 * A Word document (.docx, .docm: macros are never run) as text. Pages: the body split at explicit page breaks (part
 * 'body'), then one page per non-empty part: headers, footers, footnotes, endnotes, comments ("Comment by <author>:
 * <text>"). Metadata: the core properties. Refuses, with FormatError: a damaged package or one without
 * word/document.xml ('corrupt'), a part whose size or ratio gives a zip bomb away before it is inflated or that inflates
 * past its declared size ('bomb'), too much text ('too-large'), more than `limits.timeoutMs` ('timeout').
 */
export function readDocx(bytes: Buffer, limits: FormatLimits = DEFAULT_FORMAT_LIMITS): Promise<Extracted> {
  return withTimeout(readDocxInner(bytes, limits, Date.now() + limits.timeoutMs), limits.timeoutMs, 'Word document').catch((err: unknown) =>
    Promise.reject(asFormatError(err, DOCX_DAMAGED)),
  );
}
