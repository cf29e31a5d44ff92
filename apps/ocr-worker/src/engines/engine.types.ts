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
  /**
   * Password of an encrypted PDF (user or owner password). Handed to PDF.js only: never logged, never put in
   * an error message or in ocr_metadata.
   */
  password?: string;
  /**
   * Called after each page is done (text layer read or OCR'd), with the pages done so far and the page
   * count: 1..pageCount, in that order (pages may finish out of order; the count only grows). Throwing
   * from it does not affect the extraction.
   */
  onProgress?: (pagesDone: number, pageCount: number) => void;
}
