import * as yauzl from 'yauzl';
import { SUPPORTED_FORMATS, SUPPORTED_FORMATS_SENTENCE, UNSUPPORTED_FORMATS } from '@casegraph/contracts';
import type { FormatId, UnsupportedFormatId } from '@casegraph/contracts';
import type { Detection } from './types';

/** The most of a file's start `detectFormat` looks at. */
export const DETECT_HEAD_BYTES = 4096;

const MIME = {
  zip: 'application/zip',
  ole: 'application/x-ole-storage',
} as const;

function supported(format: FormatId): Detection {
  const f = SUPPORTED_FORMATS.find((s) => s.id === format);
  return { kind: 'supported', format, mime: f ? f.mime : 'application/octet-stream' };
}

function unsupported(format: UnsupportedFormatId, override?: { label?: string; advice?: string }): Detection {
  const f = UNSUPPORTED_FORMATS.find((s) => s.id === format);
  return {
    kind: 'unsupported',
    format,
    label: override?.label ?? f?.label ?? 'file of an unknown binary type',
    advice: override?.advice ?? f?.advice ?? 'upload it as PDF',
  };
}

/** An Office file (Word, Excel, PowerPoint 2007+) saved with a password: an OLE file holding the encrypted package. */
function startsWith(b: Buffer, bytes: number[], at = 0): boolean {
  if (b.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (b[at + i] !== bytes[i]) return false;
  return true;
}

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * What a file is, judged from its first bytes (at most DETECT_HEAD_BYTES; pass more and the rest is ignored).
 * ZIP and OLE files come back as `container`: `identifyFormat` on the whole file tells DOCX from an archive, MSG from DOC.
 */
export function detectFormat(input: Buffer): Detection {
  const head = input.subarray(0, DETECT_HEAD_BYTES);
  if (head.length === 0) return { kind: 'unknown' };

  // Binary signatures first: they are exact.
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return supported('png');
  if (startsWith(head, [0xff, 0xd8, 0xff])) return supported('jpeg');
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return supported('tiff');
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06]) || startsWith(head, [0x50, 0x4b, 0x07, 0x08])) {
    return { kind: 'container', family: 'zip', mime: MIME.zip };
  }
  if (startsWith(head, OLE_MAGIC)) return { kind: 'container', family: 'ole', mime: MIME.ole };
  if (startsWith(head, [0x1f, 0x8b])) return unsupported('gzip');
  if (startsWith(head, [0x42, 0x5a, 0x68]) && head.length >= 4 && head[3] >= 0x31 && head[3] <= 0x39) {
    return unsupported('gzip', { label: 'bzip2 archive' });
  }
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return unsupported('gzip', { label: 'xz archive' });
  if (startsWith(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return unsupported('7z');
  if (startsWith(head, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07])) return unsupported('rar');
  if (startsWith(head, [0x21, 0x42, 0x44, 0x4e])) return unsupported('pst');
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return unsupported('gzip', { label: 'tar archive' });

  // PDF readers accept the header anywhere in the first 1024 bytes.
  if (head.subarray(0, 1024).toString('latin1').includes('%PDF-')) return supported('pdf');

  const decoded = decodeHead(head);
  if (!decoded) return { kind: 'unknown' };
  const text = decoded.text;

  if (/^\s*\{\\rtf/.test(text)) return unsupported('rtf');
  if (looksLikeHtml(text)) return supported('html');
  if (looksLikeMbox(text)) return unsupported('mbox');
  if (decoded.encoding !== 'utf-16le' && decoded.encoding !== 'utf-16be' && looksLikeEml(text)) return supported('eml');
  return supported('text');
}

interface DecodedHead {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  text: string;
}

/** The head as text when it plausibly is text (BOM, valid UTF-8, UTF-16 without BOM, or Windows-1252 prose); else null. */
function decodeHead(head: Buffer): DecodedHead | null {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', text: head.subarray(3).toString('utf8') };
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'utf-16le', text: head.subarray(2, 2 + ((head.length - 2) & ~1)).toString('utf16le') };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'utf-16be', text: swap16(head.subarray(2)).toString('utf16le') };

  const nul = countByte(head, 0);
  if (nul > 0) {
    // UTF-16 without a BOM: ASCII text leaves every other byte zero.
    const half = Math.floor(head.length / 2);
    if (half >= 2) {
      let evenZero = 0;
      let oddZero = 0;
      for (let i = 0; i + 1 < head.length; i += 2) {
        if (head[i] === 0) evenZero++;
        if (head[i + 1] === 0) oddZero++;
      }
      if (oddZero >= half * 0.9 && evenZero === 0) {
        const text = head.subarray(0, head.length & ~1).toString('utf16le');
        if (fewControls(text)) return { encoding: 'utf-16le', text };
      }
      if (evenZero >= half * 0.9 && oddZero === 0) {
        const text = swap16(head.subarray(0, head.length & ~1)).toString('utf16le');
        if (fewControls(text)) return { encoding: 'utf-16be', text };
      }
    }
    return null;
  }
  if (isValidUtf8(head, head.length >= DETECT_HEAD_BYTES)) {
    const text = head.toString('utf8');
    return fewControls(text) ? { encoding: 'utf-8', text } : null;
  }
  // Windows-1252: bytes it leaves undefined are rare in real text; controls must be too.
  let undefinedBytes = 0;
  for (const b of head) if (b === 0x81 || b === 0x8d || b === 0x8f || b === 0x90 || b === 0x9d) undefinedBytes++;
  const text = head.toString('latin1');
  if (undefinedBytes * 100 > head.length || !fewControls(text)) return null;
  let high = 0;
  for (const b of head) if (b >= 0x80) high++;
  // Prose in a Latin script is mostly ASCII; random bytes are half high.
  if (high * 100 > head.length * 30) return null;
  return { encoding: 'windows-1252', text };
}

function swap16(b: Buffer): Buffer {
  const out = Buffer.alloc(b.length & ~1);
  for (let i = 0; i + 1 < b.length; i += 2) {
    out[i] = b[i + 1];
    out[i + 1] = b[i];
  }
  return out;
}

function countByte(b: Buffer, value: number): number {
  let n = 0;
  for (const x of b) if (x === value) n++;
  return n;
}

/** At most one control character (other than tab, newline, carriage return, form feed) per 100 characters. */
function fewControls(text: string): boolean {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f || c === 0) controls++;
  }
  return controls * 100 <= text.length && (controls === 0 || text.length >= 100);
}

/** Strict UTF-8 (no overlongs, no surrogates); a sequence cut by the head's end is accepted when `truncated`. */
export function isValidUtf8(b: Buffer, truncated = false): boolean {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return false;
    if (i + need >= n) {
      // The sequence runs past the end.
      if (!truncated) return false;
      for (let j = i + 1; j < n; j++) if ((b[j] & 0xc0) !== 0x80) return false;
      return true;
    }
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let j = 1; j <= need; j++) {
      const x = b[i + j];
      if ((x & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

/**
 * `<!doctype html`, `<html`, `<head`, `<body` (or an XHTML root), or another tag of the WHATWG sniffing list (`<div`,
 * `<table`, `<p`…), after whitespace, an XML declaration and comments.
 */
function looksLikeHtml(text: string): boolean {
  let s = text.replace(/^\uFEFF/, '');
  for (let guard = 0; guard < 50; guard++) {
    s = s.replace(/^\s+/, '');
    if (s.startsWith('<!--')) {
      const end = s.indexOf('-->');
      if (end < 0) return false;
      s = s.slice(end + 3);
      continue;
    }
    if (s.startsWith('<?xml')) {
      const end = s.indexOf('?>');
      if (end < 0) return false;
      s = s.slice(end + 2);
      continue;
    }
    break;
  }
  // The WHATWG MIME sniffing list of tags that start an HTML document.
  return /^<(!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p)(?=[\s>/]|$)/i.test(s);
}

const MAIL_HEADERS = new Set([
  'received',
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'return-path',
  'delivered-to',
  'reply-to',
  'sender',
]);
const HEADER_LINE = /^([!-9;-~]+):[ \t]?(.*)$/;

/** Counts the known mail headers of an RFC 5322 header block starting at `lines[0]`; -1 when a line is not a header. */
function headerBlockScore(lines: string[], truncated: boolean): number {
  let known = 0;
  let headers = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') return headers > 0 ? known : -1;
    if (/^[ \t]/.test(line)) {
      if (headers === 0) return -1;
      continue; // folded continuation
    }
    const m = HEADER_LINE.exec(line);
    if (!m) {
      // The head may end in the middle of a header line.
      if (truncated && i === lines.length - 1) break;
      return -1;
    }
    headers++;
    const name = m[1].toLowerCase();
    if (MAIL_HEADERS.has(name) || name.startsWith('x-')) known++;
  }
  return headers > 0 ? known : -1;
}

function splitLines(text: string): { lines: string[]; truncated: boolean } {
  const lines = text.split(/\r?\n/);
  return { lines, truncated: text.length > 0 && !/\n$/.test(text) };
}

/** An RFC 5322 message: a header block of at least two known mail headers at the very start, no NUL. */
function looksLikeEml(text: string): boolean {
  if (text.includes('\0')) return false;
  const { lines, truncated } = splitLines(text.replace(/^\uFEFF/, ''));
  return headerBlockScore(lines, truncated) >= 2;
}

/** An mbox mailbox: a `From ` separator line, then a message's headers. */
function looksLikeMbox(text: string): boolean {
  if (!text.startsWith('From ')) return false;
  const { lines, truncated } = splitLines(text);
  return headerBlockScore(lines.slice(1), truncated) >= 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Whole-file identification of containers.

/** One entry of a ZIP central directory, read without inflating anything. */
export interface ZipDirectoryEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  encrypted: boolean;
  directory: boolean;
}

/** Most central-directory entries listed before giving up (a hostile archive may claim millions). */
export const MAX_LISTED_ZIP_ENTRIES = 200_000;

/** The ZIP's central directory (bounded by `maxEntries`); rejects on a corrupt archive. Never inflates. */
export function listZipEntries(bytes: Buffer, maxEntries = MAX_LISTED_ZIP_ENTRIES): Promise<{ entries: ZipDirectoryEntry[]; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: true, strictFileNames: false, validateEntrySizes: false }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('unreadable ZIP'));
      const entries: ZipDirectoryEntry[] = [];
      let done = false;
      const finish = (truncated: boolean) => {
        if (done) return;
        done = true;
        zip.close();
        resolve({ entries, truncated });
      };
      zip.on('error', (e: unknown) => {
        if (done) return;
        done = true;
        reject(e instanceof Error ? e : new Error(String(e)));
      });
      zip.on('end', () => finish(false));
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.push({
          name: entry.fileName,
          compressedSize: entry.compressedSize,
          uncompressedSize: entry.uncompressedSize,
          encrypted: (entry.generalPurposeBitFlag & 0x1) !== 0,
          directory: entry.fileName.endsWith('/'),
        });
        if (entries.length >= maxEntries) finish(true);
        else zip.readEntry();
      });
      zip.readEntry();
    });
  });
}

function identifyZip(entries: ZipDirectoryEntry[]): Detection {
  if (entries.some((e) => e.encrypted)) return unsupported('encrypted-zip');
  const names = new Set(entries.map((e) => e.name.replace(/\\/g, '/').replace(/^\/+/, '')));
  if (names.has('word/document.xml')) return supported('docx');
  if (names.has('xl/workbook.xml') || names.has('xl/workbook.bin')) return unsupported('xlsx');
  if (names.has('ppt/presentation.xml')) return unsupported('pptx');
  if (names.has('mimetype') && (names.has('content.xml') || names.has('META-INF/manifest.xml'))) return unsupported('odf');
  return supported('zip');
}

/** Names of the root storage's direct children in an OLE compound file; null when its directory cannot be read. */
export function oleRootNames(bytes: Buffer): string[] | null {
  try {
    return readOleRootNames(bytes);
  } catch {
    return null; // a read past a cut-short sector
  }
}

function readOleRootNames(bytes: Buffer): string[] | null {
  if (bytes.length < 512 || !startsWith(bytes, OLE_MAGIC)) return null;
  const shift = bytes.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return null;
  const sectorSize = 1 << shift;
  const sectorCount = Math.ceil((bytes.length - sectorSize) / sectorSize);
  const sectorOffset = (id: number) => (id + 1) * sectorSize;
  // The last sector may be cut short by a careless writer; reads past the end are checked where they happen.
  const validSector = (id: number) => id >= 0 && id < sectorCount && sectorOffset(id) < bytes.length;
  const ENDOFCHAIN = 0xfffffffe;
  const FREESECT = 0xffffffff;

  // FAT sector ids: 109 in the header, the rest along the DIFAT chain.
  const numFat = bytes.readUInt32LE(0x2c);
  if (numFat > sectorCount) return null;
  const fatSectors: number[] = [];
  for (let i = 0; i < 109 && fatSectors.length < numFat; i++) fatSectors.push(bytes.readUInt32LE(0x4c + i * 4));
  let difat = bytes.readUInt32LE(0x44);
  const seenDifat = new Set<number>();
  while (fatSectors.length < numFat && difat !== ENDOFCHAIN && difat !== FREESECT) {
    if (!validSector(difat) || seenDifat.has(difat)) return null;
    seenDifat.add(difat);
    const off = sectorOffset(difat);
    const per = sectorSize / 4 - 1;
    for (let i = 0; i < per && fatSectors.length < numFat; i++) fatSectors.push(bytes.readUInt32LE(off + i * 4));
    difat = bytes.readUInt32LE(off + per * 4);
  }
  const perFat = sectorSize / 4;
  const fatNext = (id: number): number => {
    const fatIndex = Math.floor(id / perFat);
    if (fatIndex >= fatSectors.length) return ENDOFCHAIN;
    const fs = fatSectors[fatIndex];
    if (!validSector(fs)) return ENDOFCHAIN;
    const at = sectorOffset(fs) + (id % perFat) * 4;
    return at + 4 <= bytes.length ? bytes.readUInt32LE(at) : ENDOFCHAIN;
  };

  // The directory stream: 128-byte entries along the FAT chain.
  const dirSectors: number[] = [];
  const seen = new Set<number>();
  let s = bytes.readUInt32LE(0x30);
  while (s !== ENDOFCHAIN && s !== FREESECT) {
    if (!validSector(s) || seen.has(s) || dirSectors.length > 100_000) return null;
    seen.add(s);
    dirSectors.push(s);
    s = fatNext(s);
  }
  if (dirSectors.length === 0) return null;
  const perSector = sectorSize / 128;
  const entryAt = (i: number): number | null => {
    const sec = dirSectors[Math.floor(i / perSector)];
    if (sec === undefined) return null;
    const off = sectorOffset(sec) + (i % perSector) * 128;
    return off + 128 <= bytes.length ? off : null;
  };
  const root = entryAt(0);
  if (root === null || bytes[root + 0x42] !== 5) return null;
  const NOSTREAM = 0xffffffff;

  const names: string[] = [];
  const visited = new Set<number>();
  const stack = [bytes.readUInt32LE(root + 0x4c)];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === NOSTREAM || visited.has(id) || visited.size > 100_000) continue;
    visited.add(id);
    const off = entryAt(id);
    if (off === null) continue;
    const nameLen = Math.min(bytes.readUInt16LE(off + 0x40), 64);
    const name = bytes
      .subarray(off, off + Math.max(0, nameLen - 2))
      .toString('utf16le')
      .replace(/\0+$/, '');
    if (bytes[off + 0x42] !== 0) names.push(name);
    stack.push(bytes.readUInt32LE(off + 0x44), bytes.readUInt32LE(off + 0x48));
  }
  return names;
}

function identifyOle(bytes: Buffer): Detection {
  const names = oleRootNames(bytes);
  const has = (pred: (n: string) => boolean): boolean => {
    if (names) return names.some(pred);
    return false;
  };
  if (names) {
    if (has((n) => n === 'EncryptedPackage') || has((n) => n === 'EncryptionInfo')) return unsupported('encrypted-office');
    if (has((n) => n === '__properties_version1.0' || n.startsWith('__substg1.0_'))) return supported('msg');
    if (has((n) => n === 'WordDocument')) return unsupported('doc');
    if (has((n) => n === 'Workbook' || n === 'Book')) return unsupported('xls');
    if (has((n) => n === 'PowerPoint Document')) return unsupported('ppt');
    return { kind: 'unknown' };
  }
  // A damaged directory: the stream names are still in the file (UTF-16LE); the reader then reports the damage.
  const u16 = (s: string) => Buffer.from(s, 'utf16le');
  if (bytes.includes(u16('__substg1.0_')) || bytes.includes(u16('__properties_version1.0'))) return supported('msg');
  if (bytes.includes(u16('WordDocument'))) return unsupported('doc');
  if (bytes.includes(u16('Workbook'))) return unsupported('xls');
  if (bytes.includes(u16('PowerPoint Document'))) return unsupported('ppt');
  return { kind: 'unknown' };
}

/**
 * What a whole file is: `detectFormat`, with ZIP containers resolved to DOCX / XLSX / PPTX / OpenDocument /
 * password-protected ZIP / plain ZIP (from the central directory) and OLE files to MSG / DOC / XLS / PPT (from the
 * compound file's directory). Bounded: nothing is inflated. A ZIP whose directory cannot be read stays a ZIP (its
 * reader then fails with the reason).
 */
export async function identifyFormat(bytes: Buffer): Promise<Detection> {
  const first = detectFormat(bytes);
  if (first.kind !== 'container') return first;
  if (first.family === 'ole') return identifyOle(bytes);
  try {
    const { entries } = await listZipEntries(bytes);
    return identifyZip(entries);
  } catch (err) {
    // yauzl refuses strongly encrypted entries outright.
    if (err instanceof Error && /encryption/i.test(err.message)) return unsupported('encrypted-zip');
    return supported('zip');
  }
}

function displayName(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is stripped
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  const short = clean.length > 120 ? `${clean.slice(0, 117)}...` : clean;
  return short || 'the file';
}

function article(label: string): string {
  return /^([aeiou]|mbox)/i.test(label) ? 'an' : 'a';
}

/** One readable sentence saying why a file is not read, e.g. `"brief.doc" is a Word 97-2003 document (.doc): convert it to DOCX or PDF`. */
export function refusalReason(detection: Detection, filename: string): string {
  const name = `"${displayName(filename)}"`;
  switch (detection.kind) {
    case 'unsupported':
      return `${name} is ${article(detection.label)} ${detection.label}: ${detection.advice}`;
    case 'supported': {
      const label = SUPPORTED_FORMATS.find((f) => f.id === detection.format)?.label ?? detection.format;
      return `${name} is ${article(label)} ${label}, which CaseGraph reads`;
    }
    case 'container':
      return `${name} is ${detection.family === 'zip' ? 'a ZIP' : 'an OLE compound'} file whose contents were not identified: CaseGraph reads ${SUPPORTED_FORMATS_SENTENCE}`;
    default:
      return `${name} is not a supported document type (judged from its content, not its name): CaseGraph reads ${SUPPORTED_FORMATS_SENTENCE}`;
  }
}
