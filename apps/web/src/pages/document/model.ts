/**
 * The document page's view of the API (GET /v1/documents/:id, /text?page=N, /entities?page=N) and the pure
 * decisions it makes from it: how a page's text splits into plain text, entity links and marked search terms, what
 * an original file can be shown as.
 */
import type { DocumentSummary, SummaryEntity } from '@casegraph/contracts';
import { segments } from '../../text';

export interface DocumentView {
  documentUuid: string;
  projectUuid: string | null;
  filename: string;
  status: string;
  fileType: string | null;
  detectedFileType: string | null;
  fileSizeBytes: number | null;
  pageCount: number | null;
  error: string | null;
  stages: { ocr: { status: string } };
  family: {
    parent: { documentUuid: string; filename: string | null; path: string | null } | null;
    children: Array<{ documentUuid: string; filename: string | null; path: string | null; status: string }>;
  };
  bates: { first: string; last: string } | null;
  metadata: { email?: { subject?: string | null; date?: string | null } } & Record<string, unknown>;
}

export interface TextPage {
  page: number;
  part: string | null;
  bates: string | null;
  text: string;
}

export interface Mention {
  mentionUuid: string;
  entityUuid: string | null;
  type: string;
  text: string;
  role: string | null;
  page: number;
  start: number;
  end: number;
}

export type { DocumentSummary, SummaryEntity };

export interface DocumentEntities {
  documentUuid: string;
  pageCount: number;
  mentions: Mention[];
  summary: DocumentSummary;
}

export type Piece = { text: string; mention?: Mention; term?: boolean; /** Search terms inside a mention. */ marks?: Array<[number, number]> };

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** [start, end) of each case-insensitive occurrence of `terms` in `text`, on word boundaries. */
export function termRanges(text: string, terms: readonly string[]): Array<[number, number]> {
  const usable = terms.filter((t) => t.trim());
  if (!usable.length || !text) return [];
  // Whitespace inside a phrase matches any run of whitespace (a phrase may break over a line).
  const alternatives = usable.map((t) => escapeRegExp(t.trim()).replace(/\s+/g, '\\s+'));
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  const out: Array<[number, number]> = [];
  for (const m of text.matchAll(re)) if (m[0].length) out.push([m.index, m.index + m[0].length]);
  return out;
}

/** The mentions that do not overlap one before them (the first, then the longest, wins), in text order. */
export function disjointMentions(mentions: readonly Mention[], length: number): Mention[] {
  const sorted = mentions.filter((m) => m.start >= 0 && m.end > m.start && m.end <= length).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Mention[] = [];
  let at = 0;
  for (const m of sorted) {
    if (m.start < at) continue;
    out.push(m);
    at = m.end;
  }
  return out;
}

/**
 * A page's text as pieces: entity mentions (where two overlap, the first and longest: a link never shows part of a
 * mention; one outside the text is dropped) and, in the text between them, the search terms; everything else plain.
 * Concatenated, the pieces are the text.
 */
export function pagePieces(text: string, mentions: readonly Mention[], terms: readonly string[] = []): Piece[] {
  const out: Piece[] = [];
  const kept = disjointMentions(mentions, text.length);
  for (const s of segments(
    text,
    kept.map((m) => [m.start, m.end] as const),
  )) {
    if (s.mark >= 0) {
      const marks = termRanges(s.text, terms);
      out.push(marks.length ? { text: s.text, mention: kept[s.mark], marks } : { text: s.text, mention: kept[s.mark] });
      continue;
    }
    const ranges = termRanges(s.text, terms);
    if (!ranges.length) out.push({ text: s.text });
    else for (const t of segments(s.text, ranges)) out.push(t.mark >= 0 ? { text: t.text, term: true } : { text: t.text });
  }
  return out;
}

/** The title of an entity link: its type and, when the text states one, its role ("PERSON · judge"). */
export function mentionTitle(m: Pick<Mention, 'type' | 'role'>): string {
  return m.role ? `${m.type} · ${m.role.replace(/_/g, ' ')}` : m.type;
}

export type OriginalKind = 'pdf' | 'image' | 'other';

/** What the original can be shown as in a browser: PDF pages (PDF.js), an image (PNG, JPEG; not TIFF), or nothing. */
export function originalKind(mime: string | null | undefined): OriginalKind {
  const m = (mime ?? '').toLowerCase().split(';')[0].trim();
  if (m === 'application/pdf') return 'pdf';
  if (m === 'image/png' || m === 'image/jpeg' || m === 'image/gif' || m === 'image/webp') return 'image';
  return 'other';
}

/** The format in words, for "The original is …". */
export function formatName(mime: string | null | undefined): string {
  const m = (mime ?? '').toLowerCase().split(';')[0].trim();
  const names: Record<string, string> = {
    'application/pdf': 'a PDF',
    'image/png': 'a PNG image',
    'image/jpeg': 'a JPEG image',
    'image/tiff': 'a TIFF image',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'a Word document (.docx)',
    'message/rfc822': 'an e-mail (.eml)',
    'application/vnd.ms-outlook': 'an Outlook message (.msg)',
    'text/html': 'an HTML page',
    'text/plain': 'a plain text file',
    'application/zip': 'a ZIP archive',
  };
  return names[m] ?? (m ? `a file of type ${m}` : 'a file of unknown type');
}

/** Pages worth loading around the visible ones (before and after), so scrolling rarely meets an empty page. */
export const PAGE_PREFETCH = 1;
