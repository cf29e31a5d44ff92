import type { EmailAddress, EmailHeaderField, EmailMetadata } from '@casegraph/contracts';
import type { DocumentText } from '../text/document-text';

/** A stretch of the document's text: UTF-16 indexes [start, end) into DocumentText.text, and what is there. */
export interface TextSpan {
  start: number;
  end: number;
  text: string;
}

/** One header entry found on the header page ("Jane Doe <jane@example.com>"): its name and address spans. */
export interface HeaderEntrySpans {
  field: EmailHeaderField;
  /** Position of the entry in its field (0-based), as in EmailMetadata. */
  entry: number;
  /** The display name as written; absent when the entry has none, or it is the address, or it was not found. */
  name?: TextSpan;
  /** The person's key form when the name is written "Last, First" ("Jane Doe" for "Doe, Jane"), quotes dropped. */
  personName?: string;
  /** The address as written; absent when the entry has none or it was not found. */
  address?: TextSpan;
}

/** The labels of the header page, per field, as the OCR stage writes them ("From: …", "Reply-To: …"). */
const FIELD_LABELS: Record<EmailHeaderField, RegExp> = {
  from: /^[ \t]*from[ \t]*:/im,
  to: /^[ \t]*to[ \t]*:/im,
  cc: /^[ \t]*cc[ \t]*:/im,
  bcc: /^[ \t]*bcc[ \t]*:/im,
  'reply-to': /^[ \t]*reply-to[ \t]*:/im,
};
/** A line that starts another header ("Subject:", "Date:"): where a field's (possibly folded) value ends. */
const NEXT_HEADER = /\n(?=[ \t]*[A-Za-z][A-Za-z-]{0,40}[ \t]*:)/g;

/** Longest display name taken as a person's. */
const MAX_NAME_CHARS = 200;
/** "Doe, Jane": the second part is no given name when it is a company form or a suffix ("Acme, Inc.", "Roe, Jr."). */
const NOT_GIVEN_NAME = /^(?:inc|llc|l\.l\.c|ltd|llp|lp|plc|corp|co|company|corporation|pc|p\.c|pa|p\.a|gmbh|ag|sa|jr|sr|ii|iii|iv|esq|md|phd)\.?$/i;

const unquote = (s: string) =>
  s
    .trim()
    .replace(/^(["'])(.*)\1$/s, '$2')
    .trim();

/**
 * The page that holds an e-mail's headers: the one whose part is 'email-headers', else page 1; null for a
 * document without pages.
 */
export function emailHeaderPage(doc: DocumentText): DocumentText['pages'][number] | null {
  return doc.pages.find((p) => p.part === 'email-headers') ?? doc.pages[0] ?? null;
}

/**
 * Where a header's value lies on the header page: from after "<Label>:" to the next header line (folded
 * continuation lines included); null when the page has no such line. UTF-16 indexes into doc.text.
 */
export function headerFieldRegion(doc: DocumentText, label: RegExp | EmailHeaderField): { start: number; end: number } | null {
  const page = emailHeaderPage(doc);
  if (!page) return null;
  const text = doc.text.slice(page.start, page.end);
  const re = typeof label === 'string' ? FIELD_LABELS[label] : label;
  const m = re.exec(text);
  if (!m) return null;
  const start = m.index + m[0].length;
  NEXT_HEADER.lastIndex = start;
  const next = NEXT_HEADER.exec(text);
  return { start: page.start + start, end: page.start + (next ? next.index : text.length) };
}

/** The whole line of a header ("Subject: Re: settlement"), label included; null when absent. */
export function headerLine(doc: DocumentText, label: RegExp): { start: number; end: number } | null {
  const page = emailHeaderPage(doc);
  if (!page) return null;
  const text = doc.text.slice(page.start, page.end);
  const m = label.exec(text);
  if (!m) return null;
  const nl = text.indexOf('\n', m.index);
  const lead = /^[ \t]*/.exec(text.slice(m.index))![0].length;
  return { start: page.start + m.index + lead, end: page.start + (nl < 0 ? text.length : nl) };
}

/** Whether a display name is a person's: has a letter, is not (another) address, is not too long. */
function personNameOf(name: string | null, address: string | null): string | null {
  if (!name) return null;
  const bare = unquote(name)
    .replace(/^<(.*)>$/, '$1')
    .trim();
  if (!bare || bare.length > MAX_NAME_CHARS || !/\p{L}/u.test(bare)) return null;
  if (address && bare.toLowerCase() === address.toLowerCase()) return null;
  if (/^[^\s@]+@[^\s@]+$/.test(bare)) return null;
  return bare;
}

/** "Doe, Jane" -> "Jane Doe"; anything else as it is. */
export function personKeyForm(name: string): string {
  const m = /^([^,]+),\s*([^,]+)$/.exec(name.trim());
  if (!m || NOT_GIVEN_NAME.test(m[2].trim())) return name.trim();
  return `${m[2].trim()} ${m[1].trim()}`;
}

const FIELDS: Array<[EmailHeaderField, (m: EmailMetadata) => EmailAddress[] | undefined]> = [
  ['from', (m) => m.from],
  ['to', (m) => m.to],
  ['cc', (m) => m.cc],
  ['bcc', (m) => m.bcc],
  ['reply-to', (m) => m.replyTo],
];

/**
 * Finds every header entry's display name and address on the header page, in order, each after the one before it
 * in its field's line (so a name written twice is found where its entry is). A name or address that is not on the
 * page is left out (never guessed elsewhere); no two spans overlap.
 */
export function locateHeaderEntries(doc: DocumentText, meta: EmailMetadata): HeaderEntrySpans[] {
  const page = emailHeaderPage(doc);
  if (!page) return [];
  const used: Array<{ start: number; end: number }> = [];
  const free = (s: number, e: number) => !used.some((u) => s < u.end && u.start < e);
  const out: HeaderEntrySpans[] = [];
  for (const [field, get] of FIELDS) {
    const entries = get(meta) ?? [];
    if (!entries.length) continue;
    const region = headerFieldRegion(doc, field) ?? { start: page.start, end: page.end };
    const hay = doc.text.slice(region.start, region.end);
    // the case-insensitive search maps back only when lower-casing keeps every length (it nearly always does)
    const lower = hay.toLowerCase();
    const caseless = lower.length === hay.length;
    let cursor = 0;
    const find = (needle: string): TextSpan | undefined => {
      if (!needle) return undefined;
      let at = hay.indexOf(needle, cursor);
      const n = needle.toLowerCase();
      if (at < 0 && caseless && n.length === needle.length) at = lower.indexOf(n, cursor);
      if (at < 0) return undefined;
      const start = region.start + at;
      const end = start + needle.length;
      if (!free(start, end)) return undefined;
      return { start, end, text: doc.text.slice(start, end) };
    };
    entries.forEach((e, entry) => {
      const spans: HeaderEntrySpans = { field, entry };
      const person = personNameOf(e.name, e.address);
      if (person && e.name) {
        const name = find(e.name.trim()) ?? (person !== e.name.trim() ? find(person) : undefined);
        if (name) {
          spans.name = name;
          const keyForm = personKeyForm(person);
          if (keyForm !== name.text) spans.personName = keyForm;
          used.push(name);
          cursor = name.end - region.start;
        }
      }
      if (e.address) {
        const address = find(e.address);
        if (address) {
          spans.address = address;
          used.push(address);
          cursor = address.end - region.start;
        }
      }
      if (spans.name || spans.address) out.push(spans);
    });
  }
  return out;
}
