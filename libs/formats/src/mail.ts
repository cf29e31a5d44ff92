// E-mail readers: EML (mailparser) and Outlook MSG (@kenjiuno/msgreader). Headers become metadata and a header page
// the graph worker locates names and addresses in; attachments become children read on demand.
import MsgReader, { type FieldsData } from '@kenjiuno/msgreader';
import type { EmailAddress, EmailMetadata } from '@casegraph/contracts';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { htmlToPlainText } from './web';
import { asFormatError, FormatError, type Extracted, type ExtractedChild, type ExtractedPage, type FormatLimits } from './types';

/** Largest header block an EML may have before its body (hostile files: a header that never ends). */
export const MAX_EML_HEADER_BYTES = 1024 * 1024;
/** Largest Outlook message read: msgreader holds ~20 times the file in memory, synchronously. */
export const MAX_MSG_BYTES = 64 * 1024 * 1024;

const EXTENSION_BY_TYPE: Record<string, string> = {
  'application/pdf': '.pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/msword': '.doc',
  'application/zip': '.zip',
  'application/vnd.ms-outlook': '.msg',
  'message/rfc822': '.eml',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/csv': '.csv',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/tiff': '.tif',
};

/** `attachment-3.pdf` for an attachment without a name. */
function fallbackName(n: number, contentType: string | null): string {
  const ext = contentType ? (EXTENSION_BY_TYPE[contentType.toLowerCase().split(';')[0].trim()] ?? '') : '';
  return `attachment-${n}${ext}`;
}

/** The file name an attachment is stored under: decoded, no folder, never empty. */
function attachmentName(raw: string | undefined | null, n: number, contentType: string | null, ensureExt?: string): string {
  let name = (raw ?? '').replace(/[\\/]+$/, '');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).trim();
  if (!name) return fallbackName(n, contentType);
  if (ensureExt && extname(name).toLowerCase() !== ensureExt) name += ensureExt;
  return name;
}

function stripAngles(s: string | null | undefined): string | null {
  if (!s) return null;
  const v = s
    .trim()
    .replace(/^<+|>+$/g, '')
    .trim();
  return v || null;
}

function splitIds(s: string | string[] | null | undefined): string[] {
  if (!s) return [];
  const all = (Array.isArray(s) ? s : [s]).join(' ');
  const bracketed = all.match(/<[^<>]+>/g);
  const ids = bracketed ? bracketed.map((b) => b.slice(1, -1).trim()) : all.split(/[\s,]+/);
  return ids.filter(Boolean);
}

function isoDate(d: Date | string | null | undefined): string | null {
  if (!d) return null;
  const date = d instanceof Date ? d : new Date(d);
  return Number.isFinite(date.getTime()) ? date.toISOString() : null;
}

function cleanName(name: string | null | undefined, address: string | null): string | null {
  const n = (name ?? '')
    .replace(/\s+/g, ' ')
    .replace(/^["']+|["']+$/g, '')
    .trim();
  if (!n || (address && n.toLowerCase() === address)) return null;
  return n;
}

function cleanAddress(a: string | null | undefined): string | null {
  const v = (a ?? '').trim().replace(/^<|>$/g, '').trim().toLowerCase();
  return v || null;
}

/** mailparser's address objects, groups flattened, addresses lower-cased, names decoded and unquoted. */
function mailAddresses(field: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const out: EmailAddress[] = [];
  const visit = (entries: Array<{ name?: string; address?: string; group?: unknown[] }>): void => {
    for (const e of entries) {
      if (Array.isArray(e.group)) {
        visit(e.group as Array<{ name?: string; address?: string }>);
        continue;
      }
      const address = cleanAddress(e.address);
      const name = cleanName(e.name, address);
      if (address || name) out.push({ name, address });
    }
  };
  for (const obj of field ? (Array.isArray(field) ? field : [field]) : []) visit(obj.value);
  return out;
}

function formatAddress(a: EmailAddress): string {
  if (a.name && a.address) return `${a.name} <${a.address}>`;
  return a.name ?? a.address ?? '';
}

/** The header page: only lines that have values; every name and address verbatim as in the metadata. */
export function emailHeaderText(email: EmailMetadata): string {
  const lines: string[] = [];
  const list = (label: string, as: EmailAddress[]): void => {
    if (as.length) lines.push(`${label}: ${as.map(formatAddress).join(', ')}`);
  };
  list('From', email.from);
  list('To', email.to);
  list('Cc', email.cc);
  list('Bcc', email.bcc);
  if (email.date) lines.push(`Date: ${email.date}`);
  if (email.subject) lines.push(`Subject: ${email.subject.replace(/\s*[\r\n]+\s*/g, ' ')}`);
  return lines.join('\n');
}

/** Races a reader against the limit's timeout; the timer never keeps the process alive. */
async function withTimeout<T>(what: string, limits: FormatLimits, work: () => Promise<T>, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new FormatError(`${what} took longer than ${Math.round(limits.timeoutMs / 1000)} s to read`, 'timeout'));
    }, limits.timeoutMs);
    timer.unref?.();
  });
  try {
    return await Promise.race([work(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function bodyPages(text: string, limits: FormatLimits, warnings: string[]): string {
  if (text.length <= limits.maxTextChars) return text;
  warnings.push(`e-mail body cut at ${limits.maxTextChars} characters (it has ${text.length})`);
  return text.slice(0, limits.maxTextChars);
}

function bodyTooLong(what: string, chars: number | null, limits: FormatLimits): FormatError {
  return new FormatError(
    `${what}'s body holds ${chars === null ? 'more than' : chars} characters of text, over the ${limits.maxTextChars} limit`,
    'too-large',
  );
}

/** An HTML body as text through web.ts's bounded converter (no DOM for a big body); too much text → 'too-large'. */
function bodyFromHtml(what: string, html: string, limits: FormatLimits): string {
  // The converter's work grows with the markup: markup far beyond any text the body may have is refused unread.
  if (html.length > limits.maxTextChars * 5) throw bodyTooLong(what, null, limits);
  try {
    return htmlToPlainText(html, limits.maxTextChars);
  } catch (err) {
    if (err instanceof FormatError && err.code === 'too-large') throw bodyTooLong(what, null, limits);
    throw err;
  }
}

interface RawAttachment {
  filename: string;
  contentType: string | null;
  size: number;
  bytes: () => Buffer;
}

/** Children from the attachments kept: bounded one by one and in total, at most maxChildren (the rest warned). */
function toChildren(what: string, raws: RawAttachment[], limits: FormatLimits, warnings: string[]): ExtractedChild[] {
  const total = raws.reduce((s, r) => s + r.size, 0);
  if (total > limits.maxTotalChildBytes) {
    throw new FormatError(
      `${what} has ${raws.length} attachments of ${total} bytes in all, over the ${limits.maxTotalChildBytes}-byte limit for one document's children`,
      'too-large',
    );
  }
  let kept = raws;
  if (raws.length > limits.maxChildren) {
    warnings.push(`${what} has ${raws.length} attachments: only the first ${limits.maxChildren} were extracted`);
    kept = raws.slice(0, limits.maxChildren);
  }
  return kept.map((r, index) => ({
    index,
    filename: r.filename,
    path: r.filename,
    contentType: r.contentType,
    size: r.size,
    read: async () => {
      if (r.size > limits.maxChildBytes) {
        throw new FormatError(`attachment "${r.filename}" is ${r.size} bytes, over the ${limits.maxChildBytes}-byte limit for one file`, 'too-large');
      }
      return r.bytes();
    },
  }));
}

function finish(format: 'eml' | 'msg', email: EmailMetadata, body: string, children: ExtractedChild[], warnings: string[]): Extracted {
  const pages: ExtractedPage[] = [
    { text: emailHeaderText(email), part: 'email-headers' },
    { text: body, part: 'email-body' },
  ];
  return { format, pages, metadata: { format, email }, children, warnings };
}

// ---- EML ----------------------------------------------------------------------------------------------------------

const HEADER_LINE = /^[!-9;-~]+[ \t]*:/;
const KNOWN_HEADERS = ['from', 'to', 'cc', 'subject', 'date', 'message-id', 'received', 'mime-version', 'content-type', 'sender', 'return-path'];

/** Refuses what cannot be an e-mail before mailparser sees it: empty, too big, no header, a header block that never ends. */
function guardEml(bytes: Buffer, limits: FormatLimits): void {
  if (bytes.length === 0 || bytes.toString('latin1', 0, Math.min(bytes.length, 4096)).trim() === '') {
    throw new FormatError('the e-mail file is empty', 'empty');
  }
  if (bytes.length > limits.maxChildBytes * 2) {
    throw new FormatError(`the e-mail is ${bytes.length} bytes, over the ${limits.maxChildBytes * 2}-byte limit for one message`, 'too-large');
  }
  const head = bytes.toString('latin1', 0, Math.min(bytes.length, MAX_EML_HEADER_BYTES + 4));
  const firstLine = head.replace(/^(\r?\n)+/, '').split(/\r?\n/, 1)[0];
  if (!HEADER_LINE.test(firstLine)) throw new FormatError('not an e-mail: the file does not start with message headers', 'corrupt');
  const end = head.search(/\r?\n\r?\n/);
  if ((end === -1 && bytes.length > MAX_EML_HEADER_BYTES) || end > MAX_EML_HEADER_BYTES) {
    throw new FormatError(`the e-mail's header block is over ${MAX_EML_HEADER_BYTES} bytes`, 'too-large');
  }
}

function* chunks(bytes: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** The Date header as written: mailparser puts the current time in place of an unparseable one. */
function emlDate(parsed: ParsedMail): string | null {
  const line = parsed.headerLines?.find((h) => h.key === 'date')?.line;
  if (!line) return null;
  const raw = line
    .replace(/^date\s*:\s*/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  return isoDate(raw) ?? isoDate(raw.replace(/\s*\([^)]*\)\s*$/, ''));
}

/** What a damaged e-mail is called, whatever mailparser said (its words follow in parentheses). */
export const EML_DAMAGED = 'the e-mail is damaged and cannot be read';
/** What a damaged (or not-really) Outlook message is called, whatever msgreader said. */
export const MSG_DAMAGED = 'the Outlook message is damaged or not an Outlook .msg file';

/** An e-mail (.eml): a headers page, a body page, its attachments as children. Every failure is a FormatError. */
export function readEml(bytes: Buffer, limits: FormatLimits): Promise<Extracted> {
  return readEmlInner(bytes, limits).catch((err: unknown) => Promise.reject(asFormatError(err, EML_DAMAGED)));
}

async function readEmlInner(bytes: Buffer, limits: FormatLimits): Promise<Extracted> {
  guardEml(bytes, limits);
  let parsed: ParsedMail;
  // Fed as a stream in 64 KiB chunks, so a timeout stops the parser instead of leaving it running.
  const source = Readable.from(chunks(bytes, 64 * 1024));
  try {
    parsed = await withTimeout(
      'the e-mail',
      limits,
      () => simpleParser(source, { keepCidLinks: true, skipTextToHtml: true, skipHtmlToText: true, skipImageLinks: true }),
      () => source.destroy(),
    );
  } catch (err) {
    throw asFormatError(err, EML_DAMAGED);
  }
  if (!KNOWN_HEADERS.some((h) => parsed.headers.has(h))) {
    throw new FormatError('not an e-mail: none of From, To, Subject, Date or Message-ID is present', 'corrupt');
  }
  return emlExtracted(parsed, limits);
}

function emlExtracted(parsed: ParsedMail, limits: FormatLimits): Extracted {
  const warnings: string[] = [];
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  const raws: RawAttachment[] = [];
  let inlineSkipped = 0;
  let n = 0;
  for (const a of parsed.attachments) {
    const contentType = a.contentType ? a.contentType.toLowerCase() : null;
    const isMessage = contentType === 'message/rfc822';
    const referenced = !!a.cid && html.includes(`cid:${a.cid}`);
    if (referenced && a.contentDisposition !== 'attachment' && !isMessage) {
      inlineSkipped++;
      continue;
    }
    n++;
    const content = a.content;
    raws.push({
      filename: attachmentName(a.filename, n, contentType, isMessage ? '.eml' : undefined),
      contentType,
      size: content.length,
      bytes: () => content,
    });
  }
  if (inlineSkipped)
    warnings.push(`${inlineSkipped} inline image${inlineSkipped === 1 ? '' : 's'} referenced by the HTML body skipped (not attachments)`);

  const email: EmailMetadata = {
    from: mailAddresses(parsed.from),
    to: mailAddresses(parsed.to),
    cc: mailAddresses(parsed.cc),
    bcc: mailAddresses(parsed.bcc),
    replyTo: mailAddresses(parsed.replyTo),
    subject: parsed.subject?.trim() || null,
    date: emlDate(parsed),
    messageId: stripAngles(parsed.messageId),
    inReplyTo: splitIds(parsed.inReplyTo)[0] ?? null,
    references: splitIds(parsed.references),
    attachmentCount: raws.length,
  };
  const text = typeof parsed.text === 'string' && parsed.text.trim() ? parsed.text.trim() : html ? bodyFromHtml('the e-mail', html, limits) : '';
  const children = toChildren('the e-mail', raws, limits, warnings);
  return finish('eml', email, bodyPages(text, limits, warnings), children, warnings);
}

// ---- MSG ----------------------------------------------------------------------------------------------------------

const CFB_MAGIC = Buffer.from('d0cf11e0a1b11ae1', 'hex');

const ENDOFCHAIN = 0xfffffffe;
const NOSTREAM = 0xffffffff;

/**
 * Checks a compound file's structure before msgreader walks it: msgreader follows sector chains and directory links
 * without cycle or bounds checks, so one flipped byte can make it loop until the heap is gone. Every chain it will
 * follow (FAT sectors, directory, mini FAT, mini stream, each stream) must stay in the file, end, and not loop; the
 * directory tree must be a tree. Throws FormatError('corrupt').
 */
export function checkCompoundFile(bytes: Buffer): Array<{ name: string; size: number }> {
  const bad = (why: string): never => {
    throw new FormatError(`${MSG_DAMAGED} (${why})`, 'corrupt');
  };
  const shift = bytes.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) bad(`sector size 2^${shift}`);
  const sectorSize = 1 << shift;
  const sectors = Math.ceil((bytes.length - sectorSize) / sectorSize);
  if (sectors < 1) bad('no sectors');
  const at = (sector: number): number => (sector + 1) * sectorSize;
  const u32 = (offset: number): number => (offset + 4 <= bytes.length ? bytes.readUInt32LE(offset) : bad('a table runs past the end of the file'));
  let budget = 4 * sectors + 10_000;
  const walk = (start: number, next: (s: number) => number, limit: number, what: string, maxSteps = Infinity): number => {
    const seen = new Set<number>();
    let s = start;
    while (s !== ENDOFCHAIN && seen.size < maxSteps) {
      if (s >= limit) bad(`the ${what} points outside the file`);
      if (seen.has(s)) bad(`the ${what} loops`);
      if (--budget < 0) bad('sectors are shared by too many streams');
      seen.add(s);
      s = next(s);
    }
    return seen.size;
  };

  // FAT sectors: 109 in the header, the rest in the DIFAT chain.
  const fatCount = u32(0x2c);
  if (fatCount > sectors) bad('more FAT sectors than sectors');
  const fatSectors: number[] = [];
  for (let i = 0; i < Math.min(fatCount, 109); i++) fatSectors.push(u32(0x4c + 4 * i));
  let difat = u32(0x44);
  const difatSeen = new Set<number>();
  const perDifat = sectorSize / 4 - 1;
  while (fatSectors.length < fatCount && difat !== ENDOFCHAIN && difat !== NOSTREAM) {
    if (difat >= sectors || difatSeen.has(difat)) bad('the DIFAT chain is broken');
    difatSeen.add(difat);
    for (let i = 0; i < perDifat && fatSectors.length < fatCount; i++) fatSectors.push(u32(at(difat) + 4 * i));
    difat = u32(at(difat) + 4 * perDifat);
  }
  for (const f of fatSectors) if (f >= sectors) bad('a FAT sector lies outside the file');
  const fatLength = fatSectors.length * (sectorSize / 4);
  const fat = (s: number): number =>
    s < fatLength ? u32(at(fatSectors[Math.floor(s / (sectorSize / 4))]) + 4 * (s % (sectorSize / 4))) : ENDOFCHAIN;

  // Directory: a chain of 128-byte entries, a tree from the root entry.
  const dirStart = u32(0x30);
  const dirSectors: number[] = [];
  walk(dirStart, (s) => (dirSectors.push(s), fat(s)), sectors, 'directory chain');
  const entryCount = dirSectors.length * (sectorSize / 128);
  const entry = (i: number): number => at(dirSectors[Math.floor(i / (sectorSize / 128))]) + 128 * (i % (sectorSize / 128));
  if (!entryCount || bytes[entry(0) + 0x42] !== 5) bad('no root entry');
  const visited = new Set<number>();
  const stack: number[] = [0];
  while (stack.length) {
    const i = stack.pop()!;
    if (i === NOSTREAM) continue;
    if (i >= entryCount) bad('a directory link points outside the directory');
    if (visited.has(i)) bad('the directory tree loops');
    visited.add(i);
    const e = entry(i);
    if (e + 128 > bytes.length) bad('a directory entry runs past the end of the file');
    if (i !== 0) stack.push(u32(e + 0x44), u32(e + 0x48));
    if (bytes[e + 0x42] === 1 || bytes[e + 0x42] === 5) stack.push(u32(e + 0x4c));
  }

  // Mini stream (the root's data) and mini FAT.
  const root = entry(0);
  const miniStreamSectors = walk(u32(root + 0x74), fat, sectors, 'mini stream chain');
  const miniSectors = (miniStreamSectors * sectorSize) / 64;
  const miniFatSectors: number[] = [];
  const miniFatCount = u32(0x40);
  if (miniFatCount) walk(u32(0x3c), (s) => (miniFatSectors.push(s), fat(s)), sectors, 'mini FAT chain', miniFatCount);
  const miniFatLength = miniFatSectors.length * (sectorSize / 4);
  const miniFat = (s: number): number =>
    s < miniFatLength ? u32(at(miniFatSectors[Math.floor(s / (sectorSize / 4))]) + 4 * (s % (sectorSize / 4))) : ENDOFCHAIN;

  const streams: Array<{ name: string; size: number }> = [];
  for (const i of visited) {
    const e = entry(i);
    if (bytes[e + 0x42] !== 2) continue;
    const size = u32(e + 0x78);
    const nameBytes = Math.min(bytes.readUInt16LE(e + 0x40), 64);
    streams.push({ name: bytes.toString('utf16le', e, e + Math.max(0, nameBytes - 2)), size });
    if (!size) continue;
    if (size > bytes.length) bad('a stream is larger than the file');
    const start = u32(e + 0x74);
    if (size < 4096) {
      const n = walk(start, miniFat, miniSectors, 'stream chain', Math.ceil(size / 64));
      if (n * 64 < size) bad('a stream is shorter than its size');
    } else {
      const n = walk(start, fat, sectors, 'stream chain', Math.ceil(size / sectorSize));
      if (n * sectorSize < size) bad('a stream is shorter than its size');
    }
  }
  return streams;
}

type RawProp = NonNullable<FieldsData['rawProps']>[number];
const rawString = (f: FieldsData, tag: string): string | null => {
  const p = (f.rawProps ?? []).find((r: RawProp) => r.propertyTag === tag);
  return typeof p?.value === 'string' ? p.value : null;
};

const STRING_FIELDS = [
  'subject',
  'senderName',
  'senderEmail',
  'senderSmtpAddress',
  'sentRepresentingSmtpAddress',
  'creatorSMTPAddress',
  'body',
  'bodyHtml',
  'headers',
  'messageId',
  'clientSubmitTime',
  'messageDeliveryTime',
  'messageClass',
  'name',
  'email',
  'smtpAddress',
  'pidContentId',
  'fileName',
  'fileNameShort',
  'attachMimeTag',
] as const;

/** A damaged property stream can give any field any type: keep only strings where strings are read, and so on. */
function sanitiseFields(f: FieldsData): FieldsData {
  const out: Record<string, unknown> = { ...f };
  for (const k of STRING_FIELDS) if (typeof out[k] !== 'string') delete out[k];
  if (!(f.html instanceof Uint8Array)) delete out.html;
  if (typeof f.internetCodepage !== 'number') delete out.internetCodepage;
  if (typeof f.contentLength !== 'number' || !Number.isFinite(f.contentLength) || f.contentLength < 0) delete out.contentLength;
  if (f.recipType !== 'to' && f.recipType !== 'cc' && f.recipType !== 'bcc') delete out.recipType;
  out.recipients = Array.isArray(f.recipients) ? f.recipients.map(sanitiseFields) : [];
  out.attachments = Array.isArray(f.attachments) ? f.attachments.map(sanitiseFields) : [];
  return out as unknown as FieldsData;
}

const looksSmtp = (s: string | null | undefined): s is string => !!s && /^[^\s@/]+@[^\s@]+$/.test(s.trim());

function msgAddress(name: string | undefined, ...candidates: Array<string | null | undefined>): EmailAddress | null {
  const raw = candidates.find(looksSmtp) ?? null;
  const address = cleanAddress(raw);
  const n = cleanName(name, address);
  return address || n ? { name: n, address } : null;
}

function msgHtml(f: FieldsData): string {
  if (f.bodyHtml) return f.bodyHtml;
  if (f.html && f.html.length) {
    const cp = f.internetCodepage;
    const enc = cp === 1252 ? 'latin1' : cp === 1200 ? 'utf16le' : 'utf8';
    return Buffer.from(f.html).toString(enc);
  }
  return '';
}

/** An Outlook message (.msg): a headers page, a body page, its attachments as children. Every failure is a FormatError. */
export function readMsg(bytes: Buffer, limits: FormatLimits): Promise<Extracted> {
  return readMsgInner(bytes, limits).catch((err: unknown) => Promise.reject(asFormatError(err, MSG_DAMAGED)));
}

async function readMsgInner(bytes: Buffer, limits: FormatLimits): Promise<Extracted> {
  if (bytes.length === 0) throw new FormatError('the Outlook message file is empty', 'empty');
  if (bytes.length > limits.maxChildBytes * 2) {
    throw new FormatError(
      `the Outlook message is ${bytes.length} bytes, over the ${limits.maxChildBytes * 2}-byte limit for one message`,
      'too-large',
    );
  }
  if (bytes.length > MAX_MSG_BYTES) {
    throw new FormatError(
      `the Outlook message is larger than ${MAX_MSG_BYTES / (1024 * 1024)} MiB (${Math.round(bytes.length / (1024 * 1024))} MiB): save its attachments and upload them`,
      'too-large',
    );
  }
  if (bytes.length < 512 || !bytes.subarray(0, 8).equals(CFB_MAGIC)) {
    throw new FormatError('not an Outlook message: the file is not a compound file (or is truncated)', 'corrupt');
  }
  const streams = checkCompoundFile(bytes);
  // Body property streams are decoded whole by msgreader, synchronously: refuse one too big before it starts.
  for (const st of streams) {
    if (/^__substg1\.0_1000001[fF]$/.test(st.name) && st.size > limits.maxTextChars * 2 + 2) {
      throw bodyTooLong('the Outlook message', Math.floor(st.size / 2), limits);
    }
    if (/^__substg1\.0_1000001[eE]$/.test(st.name) && st.size > limits.maxTextChars + 1) throw bodyTooLong('the Outlook message', st.size, limits);
    if (/^__substg1\.0_1013/.test(st.name) && st.size > limits.maxTextChars * 5) throw bodyTooLong('the Outlook message', null, limits);
  }
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  const reader = new MsgReader(ab);
  reader.parserConfig = { includeRawProps: true };
  let f: FieldsData;
  try {
    f = await withTimeout('the Outlook message', limits, async () => reader.getFileData());
  } catch (err) {
    throw asFormatError(err, MSG_DAMAGED);
  }
  if (!f || f.error || f.dataType !== 'msg') throw asFormatError(f?.error ?? 'no message properties', MSG_DAMAGED);
  if (!f.messageClass && !f.subject && !f.senderName && !f.body && !(f.recipients ?? []).length) {
    throw new FormatError('not an Outlook message: a compound file without message properties (a Word or Excel 97-2003 file?)', 'corrupt');
  }
  try {
    return await msgExtracted(reader, sanitiseFields(f), limits);
  } catch (err) {
    throw asFormatError(err, MSG_DAMAGED);
  }
}

async function msgExtracted(reader: MsgReader, f: FieldsData, limits: FormatLimits): Promise<Extracted> {
  const warnings: string[] = [];
  let transport: ParsedMail | null = null;
  if (f.headers && f.headers.trim()) {
    try {
      transport = await simpleParser(Buffer.from(`${f.headers.replace(/(\r?\n)+$/, '')}\r\n\r\n`, 'utf8'), { skipTextToHtml: true });
    } catch {
      warnings.push('the message transport headers could not be read');
    }
  }
  const from: EmailAddress[] = [];
  const sender = msgAddress(f.senderName, f.senderSmtpAddress, f.senderEmail, f.sentRepresentingSmtpAddress, f.creatorSMTPAddress);
  if (sender) from.push(sender);
  else if (transport?.from) from.push(...mailAddresses(transport.from));
  const roles: Record<'to' | 'cc' | 'bcc', EmailAddress[]> = { to: [], cc: [], bcc: [] };
  for (const r of f.recipients ?? []) {
    const a = msgAddress(r.name, r.smtpAddress, r.email);
    if (a) roles[r.recipType ?? 'to'].push(a);
  }

  const html = msgHtml(f);
  const raws: RawAttachment[] = [];
  let inlineSkipped = 0;
  let n = 0;
  for (const att of f.attachments ?? []) {
    const cid = att.pidContentId?.replace(/^<|>$/g, '');
    if (cid && html.includes(`cid:${cid}`) && !att.innerMsgContent) {
      inlineSkipped++;
      continue;
    }
    n++;
    if (att.innerMsgContent) {
      const filename = attachmentName(att.name, n, 'application/vnd.ms-outlook', '.msg');
      let content: Buffer;
      try {
        content = Buffer.from(reader.getAttachment(att).content);
      } catch {
        warnings.push(`embedded Outlook message ${att.name ?? filename} not extracted`);
        continue;
      }
      raws.push({ filename, contentType: 'application/vnd.ms-outlook', size: content.length, bytes: () => content });
      continue;
    }
    const contentType = att.attachMimeTag?.toLowerCase() || null;
    const filename = attachmentName(att.fileName || att.fileNameShort || att.name, n, contentType);
    if (att.dataId === undefined) {
      // attach method 2/4 (a link to a file elsewhere) or 6 (an OLE object): no bytes in the message itself
      warnings.push(`attachment ${filename} has no data in the message (a link or an embedded object) and was not extracted`);
      n--;
      continue;
    }
    raws.push({
      filename,
      contentType,
      size: att.contentLength ?? 0,
      bytes: () => {
        try {
          return Buffer.from(reader.getAttachment(att).content);
        } catch (err) {
          throw new FormatError(`attachment "${filename}" cannot be read from the Outlook message`, 'corrupt', { cause: err });
        }
      },
    });
  }
  if (inlineSkipped)
    warnings.push(`${inlineSkipped} inline image${inlineSkipped === 1 ? '' : 's'} referenced by the HTML body skipped (not attachments)`);

  const inReplyTo = stripAngles(rawString(f, '1042001f') ?? rawString(f, '1042001e')) ?? splitIds(transport?.inReplyTo)[0] ?? null;
  const refs = rawString(f, '1039001f') ?? rawString(f, '1039001e');
  const email: EmailMetadata = {
    from,
    to: roles.to,
    cc: roles.cc,
    bcc: roles.bcc,
    replyTo: transport ? mailAddresses(transport.replyTo) : [],
    subject: f.subject?.trim() || transport?.subject?.trim() || null,
    date: isoDate(f.clientSubmitTime) ?? isoDate(f.messageDeliveryTime) ?? (transport?.headers.has('date') ? isoDate(transport.date) : null),
    messageId: stripAngles(f.messageId) ?? stripAngles(transport?.messageId),
    inReplyTo,
    references: refs ? splitIds(refs) : splitIds(transport?.references),
    attachmentCount: raws.length,
  };
  const text = f.body?.trim() ? f.body.trim() : html ? bodyFromHtml('the Outlook message', html, limits) : '';
  if (text.length > limits.maxTextChars) throw bodyTooLong('the Outlook message', text.length, limits);
  const children = toChildren('the Outlook message', raws, limits, warnings);
  return finish('msg', email, bodyPages(text, limits, warnings), children, warnings);
}
