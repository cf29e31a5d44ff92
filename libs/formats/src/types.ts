import type { DocumentMetadata, DocumentPart, FormatId, UnsupportedFormatId } from '@casegraph/contracts';

/** What the bytes are: a supported format, a recognised but unsupported one (with advice), or nothing known. */
export type Detection =
  | { kind: 'supported'; format: FormatId; mime: string }
  | { kind: 'unsupported'; format: UnsupportedFormatId; label: string; advice: string }
  /** Needs the whole file to tell (a ZIP may be DOCX, XLSX or an archive; an OLE file MSG, DOC or XLS). */
  | { kind: 'container'; family: 'zip' | 'ole'; mime: string }
  | { kind: 'unknown' };

/** One page or part of a document's text, in order. */
export interface ExtractedPage {
  text: string;
  /** Set when the page is a part rather than a printed page (a Word file's headers, an e-mail's header block). */
  part?: DocumentPart;
}

/** A document inside another (an e-mail's attachment, an archive's entry), read only when it is stored. */
export interface ExtractedChild {
  /** 0-based position among the parent's children, stable across re-runs. */
  index: number;
  /** The file name (sanitised by the caller before it is stored). */
  filename: string;
  /** The path inside the parent (an archive's folder path, `attachment name` for e-mail); null when none. */
  path: string | null;
  /** Declared content type, if the container says one. */
  contentType: string | null;
  /** Uncompressed size when known in advance. */
  size: number | null;
  /** The child's bytes (at most the limit's maxChildBytes; a bigger one rejects with FormatError 'too-large'). */
  read(): Promise<Buffer>;
}

/** A format reader's result. */
export interface Extracted {
  format: FormatId;
  pages: ExtractedPage[];
  metadata: DocumentMetadata;
  children: ExtractedChild[];
  /** Readable notes (never fatal): an unreadable embedded image, a skipped archive entry… */
  warnings: string[];
}

/** Limits every reader obeys; each bounds memory or time against hostile files. */
export interface FormatLimits {
  /** Largest text a document may produce (characters). */
  maxTextChars: number;
  /** Most children one document may have (archive entries, attachments). */
  maxChildren: number;
  /** Largest single child, uncompressed. */
  maxChildBytes: number;
  /** Largest sum of the children's uncompressed sizes. */
  maxTotalChildBytes: number;
  /** Largest uncompressed / compressed ratio of an archive entry (a zip bomb's tell). */
  maxCompressionRatio: number;
  /** Deepest family: a child at this depth is not expanded further. */
  maxDepth: number;
  /** Longest time a reader may take (ms). */
  timeoutMs: number;
}

export const DEFAULT_FORMAT_LIMITS: FormatLimits = {
  maxTextChars: 20_000_000,
  maxChildren: 1000,
  maxChildBytes: 100 * 1024 * 1024,
  maxTotalChildBytes: 1024 * 1024 * 1024,
  maxCompressionRatio: 100,
  maxDepth: 3,
  timeoutMs: 120_000,
};

/** A document a reader refuses, with a readable reason; permanent (retrying the same bytes fails the same way). */
export class FormatError extends Error {
  constructor(
    message: string,
    /** Short machine code: corrupt, empty, too-large, bomb, too-deep, encrypted, unsupported, timeout… */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FormatError';
  }
}

/**
 * `err` itself when it is already a FormatError; otherwise a FormatError that says `sentence` (what a paralegal needs
 * to know, e.g. "the ZIP archive is damaged or incomplete"), the library's own words at most in parentheses after it.
 */
export function asFormatError(err: unknown, sentence: string, code = 'corrupt'): FormatError {
  if (err instanceof FormatError) return err;
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : '';
  const detail = raw.replace(/\s+/g, ' ').trim();
  const cut = detail.length > 160 ? `${detail.slice(0, 159)}…` : detail;
  return new FormatError(cut ? `${sentence} (${cut})` : sentence, code, { cause: err });
}
