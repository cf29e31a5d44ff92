import type { SniffedType } from '@casegraph/storage';

/** Text of one page as an engine produced it. */
export interface PageText {
  /** 1-based. */
  pageNumber: number;
  text: string;
  /** 0..100 (100 for a PDF text layer), null when the engine gives none. */
  confidence: number | null;
  /** `pdfjs`, `tesseract` or `textract`. */
  engine: string;
  /** Milliseconds spent on this page. */
  ms?: number;
}

/** What an engine hands back for a whole document. */
export interface ExtractionResult {
  pages: PageText[];
  /** Provider recorded on the document: `local` or `textract`. */
  provider: string;
  /** Readable notes kept in ocr_metadata.warnings (never fatal). */
  warnings: string[];
  /** Engine-specific details kept in ocr_metadata. */
  details?: Record<string, unknown>;
}

/** One document's bytes and what we know about them. */
export interface DocumentInput {
  documentUuid: string;
  bytes: Buffer;
  type: SniffedType;
}
