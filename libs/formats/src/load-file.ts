import * as iconv from 'iconv-lite';
import { parseBates } from './bates';

/**
 * Concordance / Relativity load files of an e-discovery production.
 *
 * DAT (the records): one record per line, fields separated by DC4 (`\x14`) and quoted with thorn (`þ`), the first
 * line the field names. Inside a quoted field a real newline is kept; `®` (Concordance's newline stand-in) becomes
 * `\n`; a doubled `þþ` inside a field is a literal `þ`. Encoding: UTF-8 (with or without a BOM), UTF-16LE / UTF-16BE
 * with a BOM, else Windows-1252.
 *
 * OPT (Opticon, the page images): `BATES,VOLUME,PATH,DOCBREAK,BOX,FOLDER,PAGECOUNT`, one line per page, a document
 * starting at a line whose DOCBREAK is `Y`.
 *
 * Both parsers never throw on content: a line they cannot read is an error with its line number (1-based), the rest
 * is still read.
 */

export interface LoadFileError {
  /** 1-based line of the load file (a DAT record's first line). */
  line: number;
  reason: string;
}

export interface DatRecord {
  /** 1-based line where the record starts. */
  line: number;
  /** Field name (as in the header row) → value, quotes removed. */
  fields: Record<string, string>;
}

export interface DatFile {
  headers: string[];
  records: DatRecord[];
  errors: LoadFileError[];
}

export interface OptPage {
  bates: string;
  /** Relative to the load file's folder, forward slashes, no leading `./`, no drive letter. */
  imagePath: string;
  volume: string | null;
  /** 1-based line of the OPT. */
  line: number;
}

export interface OptDocument {
  begBates: string;
  /** 1-based line of the document's first page. */
  line: number;
  pages: OptPage[];
}

export interface OptFile {
  documents: OptDocument[];
  errors: LoadFileError[];
}

const DELIM = '\x14';
const QUOTE = '\u00FE';
const NEWLINE_STANDIN = '\u00AE';
/** Records read at most (a bound against a hostile file; each one becomes a document). */
export const MAX_LOAD_FILE_RECORDS = 1_000_000;
/** Longest field read (characters, 1 MiB): a record with a longer one is not read (an OCR text pasted in a DAT can be huge). */
export const MAX_FIELD_CHARS = 1024 * 1024;
/** Most errors listed; the rest are counted in one last entry. */
const MAX_ERRORS = 1000;

/** The text of a load file: BOM first, then strict UTF-8, else Windows-1252 (every byte decodes). */
export function decodeLoadFile(bytes: Buffer): { text: string; encoding: string } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf-8' };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: bytes.subarray(2).toString('utf16le'), encoding: 'utf-16le' };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: iconv.decode(bytes.subarray(2), 'utf16be'), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(bytes, 'win1252'), encoding: 'windows-1252' };
  }
}

class ErrorList {
  readonly list: LoadFileError[] = [];
  private dropped = 0;
  add(line: number, reason: string): void {
    if (this.list.length < MAX_ERRORS) this.list.push({ line, reason });
    else this.dropped++;
  }
  done(): LoadFileError[] {
    if (this.dropped) this.list.push({ line: 0, reason: `${this.dropped} more errors not listed` });
    return this.list;
  }
}

interface RawRecord {
  fields: string[];
  /** Index just after the record's line end. */
  next: number;
  /** Lines the record spans (1 unless a quoted field holds a newline). */
  lines: number;
  unclosed: boolean;
  /** Index of the first field longer than MAX_FIELD_CHARS (its value is left empty, never built), else -1. */
  oversized: number;
}

/** Newlines in text[from, to). */
function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1)) n++;
  return n;
}

/**
 * One DAT record from `start`: fields split on DC4 outside þ quotes, up to the line end outside quotes. Fields are
 * sliced from the text, never built character by character; a field over MAX_FIELD_CHARS is scanned, not kept.
 */
function readRecord(text: string, start: number): RawRecord {
  const fields: string[] = [];
  let i = start;
  let lines = 1;
  let oversized = -1;
  for (;;) {
    let value = '';
    let size = 0;
    const keep = (from: number, to: number): void => {
      size += to - from;
      if (size > MAX_FIELD_CHARS) {
        if (oversized < 0) oversized = fields.length;
        value = '';
      } else if (to > from) value += text.slice(from, to);
    };
    if (text[i] === QUOTE) {
      i++;
      let closed = false;
      while (i < text.length) {
        const q = text.indexOf(QUOTE, i);
        const stop = q < 0 ? text.length : q;
        lines += countNewlines(text, i, stop);
        keep(i, stop);
        i = stop;
        if (q < 0) break;
        const n = text[i + 1];
        if (n === QUOTE && text[i + 2] !== DELIM && text[i + 2] !== '\r' && text[i + 2] !== '\n' && i + 2 < text.length) {
          keep(i, i + 1); // a doubled þ: one literal þ
          i += 2;
          continue;
        }
        if (n === undefined || n === DELIM || n === '\r' || n === '\n') {
          i++;
          closed = true;
          break;
        }
        keep(i, i + 1); // a stray þ inside a field: kept as text
        i++;
      }
      if (!closed) return { fields: [...fields, value], next: text.length, lines, unclosed: true, oversized };
    } else {
      let j = i;
      while (j < text.length && text[j] !== DELIM && text[j] !== '\n' && text[j] !== '\r') j++;
      keep(i, j);
      i = j;
    }
    fields.push(value.includes('\r') || value.includes(NEWLINE_STANDIN) ? value.replace(/\r\n/g, '\n').split(NEWLINE_STANDIN).join('\n') : value);
    if (text[i] === DELIM) {
      i++;
      continue;
    }
    // Line end (or end of text): \r\n, \n or a lone \r.
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    return { fields, next: i, lines, unclosed: false, oversized };
  }
}

/** Whether text[start, end) holds only white space (stops at the first other character). */
function isBlank(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0b && c !== 0x0c && c !== 0xa0 && c !== 0xfeff) return false;
  }
  return true;
}

/** A blank line before the header: spaces and tabs only, then the line end. */
function isHeaderBlank(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === 0x0a) return true;
    if (c === 0x0d) return k + 1 >= end || text.charCodeAt(k + 1) === 0x0a;
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/** Index just after the physical line that starts at `start`. */
function nextLine(text: string, start: number): number {
  const n = text.indexOf('\n', start);
  return n < 0 ? text.length : n + 1;
}

/** Reads a Concordance DAT: header row, records, and the lines that could not be read (with line numbers). */
export function parseDat(bytes: Buffer): DatFile {
  const errors = new ErrorList();
  const { text } = decodeLoadFile(bytes);
  let pos = 0;
  let line = 1;
  // Skip blank lines before the header.
  while (pos < text.length && isHeaderBlank(text, pos, nextLine(text, pos))) {
    pos = nextLine(text, pos);
    line++;
  }
  if (pos >= text.length) {
    errors.add(1, 'the load file is empty: no header row');
    return { headers: [], records: [], errors: errors.done() };
  }
  const head = readRecord(text, pos);
  if (head.unclosed) {
    errors.add(line, 'the header row has an unclosed þ quote');
    return { headers: [], records: [], errors: errors.done() };
  }
  const headers = uniqueNames(head.fields.map((f) => f.trim()));
  if (headers.length < 2) {
    errors.add(line, 'the header row has no \\x14 (DC4) field separators: not a Concordance DAT file');
    return { headers, records: [], errors: errors.done() };
  }
  line += head.lines;
  pos = head.next;

  const records: DatRecord[] = [];
  while (pos < text.length) {
    const end = nextLine(text, pos);
    if (isBlank(text, pos, end)) {
      pos = end;
      line++;
      continue;
    }
    if (records.length >= MAX_LOAD_FILE_RECORDS) {
      errors.add(line, `more than ${MAX_LOAD_FILE_RECORDS} records: the rest is not read`);
      break;
    }
    const rec = readRecord(text, pos);
    if (rec.unclosed || (rec.lines > 1 && rec.fields.length !== headers.length)) {
      // A quote left open swallows the lines after it: report this line, read on from the next one.
      errors.add(line, 'unclosed þ quote: the record is not read');
      pos = end;
      line++;
      continue;
    }
    if (rec.oversized >= 0) {
      const name = headers[rec.oversized] ?? `field ${rec.oversized + 1}`;
      errors.add(line, `field "${name}" is over 1 MiB (${MAX_FIELD_CHARS} characters): the record is not read`);
    } else if (rec.fields.length !== headers.length) {
      errors.add(line, `expected ${headers.length} fields (as in the header row), found ${rec.fields.length}`);
    } else {
      const fields: Record<string, string> = {};
      headers.forEach((h, k) => (fields[h] = rec.fields[k]!));
      records.push({ line, fields });
    }
    pos = rec.next;
    line += rec.lines;
  }
  return { headers, records, errors: errors.done() };
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n, i) => {
    const name = n || `Field ${i + 1}`;
    const k = (seen.get(name) ?? 0) + 1;
    seen.set(name, k);
    return k === 1 ? name : `${name} (${k})`;
  });
}

/**
 * An OPT image path made relative to the load file's folder: backslashes to slashes, a leading `./`, a drive letter
 * (`D:`) or a leading slash removed. Null when it climbs out of the folder (`..`) or is empty.
 */
export function normaliseImagePath(raw: string): string | null {
  let p = raw.trim().replace(/\\/g, '/');
  p = p.replace(/^[A-Za-z]:/, '');
  p = p.replace(/^\/+/, '');
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.length === 0 || parts.some((s) => s === '..')) return null;
  return parts.join('/');
}

/** Reads an Opticon OPT: documents (a `Y` in the fourth field starts one) and their pages' Bates and image paths. */
export function parseOpt(bytes: Buffer): OptFile {
  const errors = new ErrorList();
  const { text } = decodeLoadFile(bytes);
  const documents: OptDocument[] = [];
  let current: OptDocument | null = null;
  let declared: { line: number; count: number } | null = null;
  let pageLines = 0;
  const closeDoc = () => {
    if (current && declared && declared.count !== current.pages.length) {
      errors.add(declared.line, `the document ${current.begBates} declares ${declared.count} pages, the load file lists ${current.pages.length}`);
    }
  };
  const lines = text.split(/\r\n|\n|\r/);
  for (let k = 0; k < lines.length; k++) {
    const lineNo = k + 1;
    const raw = lines[k];
    if (raw.trim() === '') continue;
    if (pageLines >= MAX_LOAD_FILE_RECORDS) {
      errors.add(lineNo, `more than ${MAX_LOAD_FILE_RECORDS} pages: the rest is not read`);
      break;
    }
    let cells = raw.split(',');
    if (cells.length < 3) {
      errors.add(lineNo, `expected BATES,VOLUME,PATH,DOCBREAK,BOX,FOLDER,PAGECOUNT, found ${cells.length} field(s)`);
      continue;
    }
    if (cells.length > 7) {
      // A comma inside the path (Opticon does not quote): the path is what lies between VOLUME and the last four.
      cells = [cells[0], cells[1], cells.slice(2, cells.length - 4).join(','), ...cells.slice(cells.length - 4)];
    }
    const [bates = '', volume = '', path = '', brk = '', , , count = ''] = cells.map((c) => c.trim());
    if (!bates) {
      errors.add(lineNo, 'no Bates number in the first field');
      continue;
    }
    const imagePath = normaliseImagePath(path);
    if (!imagePath) {
      errors.add(lineNo, path ? `the image path ${JSON.stringify(path)} leaves the production folder` : `no image path for ${bates}`);
      continue;
    }
    const breakHere = /^y/i.test(brk);
    if (brk !== '' && !/^[yn]$/i.test(brk))
      errors.add(lineNo, `unexpected document break ${JSON.stringify(brk)} (Y or empty); read as ${breakHere ? 'Y' : 'empty'}`);
    if (breakHere || !current) {
      if (!breakHere) errors.add(lineNo, `the first page ${bates} does not start a document (no Y); it starts one`);
      closeDoc();
      current = { begBates: bates, line: lineNo, pages: [] };
      documents.push(current);
      const n = Number(count);
      declared = count !== '' && Number.isInteger(n) && n > 0 ? { line: lineNo, count: n } : null;
    }
    current.pages.push({ bates, imagePath, volume: volume || null, line: lineNo });
    pageLines++;
  }
  closeDoc();
  return { documents, errors: errors.done() };
}

/** Field names a DAT may use, compared without case, spaces or punctuation. */
export const DAT_FIELD_NAMES = {
  begBates: [
    'begbates',
    'begdoc',
    'begno',
    'batesbegin',
    'batesbeg',
    'beginbates',
    'begbatesnumber',
    'prodbeg',
    'prodbegbates',
    'begprodnum',
    'startbates',
    'firstbates',
    'docid',
    'controlnumber',
  ],
  endBates: ['endbates', 'enddoc', 'endno', 'batesend', 'endbatesnumber', 'prodend', 'prodendbates', 'endprodnum', 'lastbates'],
  custodian: ['custodian', 'custodians', 'allcustodians', 'custodianname', 'dupcustodians', 'duplicatecustodians', 'owner'],
  nativePath: ['nativelink', 'nativepath', 'nativefile', 'native', 'nativefilepath', 'filepath'],
} as const;

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The value of a well-known field under any of its names (first non-empty in DAT_FIELD_NAMES order), or null. */
export function datField(fields: Record<string, string>, kind: keyof typeof DAT_FIELD_NAMES): string | null {
  const byName = new Map(Object.entries(fields).map(([k, v]) => [squash(k.replace(/#/g, '')), v]));
  for (const name of DAT_FIELD_NAMES[kind]) {
    const v = byName.get(name)?.trim();
    if (v) return v;
  }
  return null;
}

/** The custodians a record names (`All Custodians` may list several, split on `;` or newlines). */
export function datCustodians(fields: Record<string, string>): string[] {
  const v = datField(fields, 'custodian');
  if (!v) return [];
  return [
    ...new Set(
      v
        .split(/[;\n]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** How Bates numbers are compared across the DAT and the OPT: the parsed prefix and value, else the upper-cased text. */
export function batesKey(bates: string): string {
  const b = parseBates(bates);
  return b ? `${b.prefix}#${b.seq}` : bates.trim().toUpperCase();
}

export interface ProductionRecord {
  /** DAT line. */
  line: number;
  begBates: string;
  endBates: string;
  fields: Record<string, string>;
  custodians: string[];
  nativePath: string | null;
  pages: OptPage[];
}

export interface ProductionUnreadable {
  line: number;
  source: 'dat' | 'opt' | 'image';
  reason: string;
}

/**
 * Joins DAT records to OPT documents by the record's first Bates number (BEGBATES and its variants); a record
 * without pages, a document without a record and every parse error are reported, with the load file's line.
 */
export function joinProduction(dat: DatFile, opt: OptFile): { records: ProductionRecord[]; unreadable: ProductionUnreadable[] } {
  const unreadable: ProductionUnreadable[] = [
    ...dat.errors.map((e) => ({ ...e, source: 'dat' as const })),
    ...opt.errors.map((e) => ({ ...e, source: 'opt' as const })),
  ];
  const docs = new Map<string, OptDocument>();
  for (const d of opt.documents) {
    const k = batesKey(d.begBates);
    if (docs.has(k)) unreadable.push({ line: d.line, source: 'opt', reason: `the document ${d.begBates} is listed twice; the first is kept` });
    else docs.set(k, d);
  }
  if (dat.headers.length >= 2 && !dat.headers.some((h) => (DAT_FIELD_NAMES.begBates as readonly string[]).includes(squash(h.replace(/#/g, ''))))) {
    unreadable.push({ line: 1, source: 'dat', reason: `no Bates field in the header row (one of BEGBATES, BEGDOC, BEGNO, "Bates Begin", ProdBeg…)` });
  }
  const used = new Set<string>();
  const records: ProductionRecord[] = [];
  for (const r of dat.records) {
    const beg = datField(r.fields, 'begBates');
    if (!beg) {
      unreadable.push({ line: r.line, source: 'dat', reason: 'the record has no BEGBATES value' });
      continue;
    }
    const k = batesKey(beg);
    const doc = docs.get(k);
    if (!doc) {
      unreadable.push({ line: r.line, source: 'dat', reason: `no page images for ${beg}: the OPT has no document starting at it` });
      continue;
    }
    if (used.has(k)) {
      unreadable.push({ line: r.line, source: 'dat', reason: `${beg} is the first Bates number of an earlier record too` });
      continue;
    }
    used.add(k);
    const end = datField(r.fields, 'endBates') ?? doc.pages.at(-1)!.bates;
    records.push({
      line: r.line,
      begBates: beg,
      endBates: end,
      fields: r.fields,
      custodians: datCustodians(r.fields),
      nativePath: datField(r.fields, 'nativePath'),
      pages: doc.pages,
    });
  }
  for (const [k, d] of docs) {
    if (!used.has(k)) unreadable.push({ line: d.line, source: 'opt', reason: `the document ${d.begBates} has no record in the DAT` });
  }
  unreadable.sort((a, b) => (a.source === b.source ? a.line - b.line : a.source < b.source ? -1 : 1));
  return { records, unreadable };
}

/**
 * The uploaded file an OPT path names: the same relative path, else the same path ignoring case, else the one file
 * whose path ends with it (or it with the file's path: a volume folder in one and not the other). Null when none or
 * ambiguous.
 */
export function matchImagePath(imagePath: string, available: readonly string[]): string | null {
  if (available.includes(imagePath)) return imagePath;
  const lower = imagePath.toLowerCase();
  const ci = available.filter((a) => a.toLowerCase() === lower);
  if (ci.length === 1) return ci[0];
  const tail = available.filter((a) => {
    const al = a.toLowerCase();
    return al.endsWith(`/${lower}`) || lower.endsWith(`/${al}`);
  });
  return tail.length === 1 ? tail[0] : null;
}
