import { PermanentError } from '../../ocr/ocr.errors';
import type { DocumentInput, ExtractionResult, PageText } from '../engine.types';
import { PdfThread, PdfThreadError, PdfThreadExitError, PdfThreadPool, PdfThreadTimeoutError, RawTextItem } from './pdf-thread';
import { TesseractInitError, TesseractRunner, TesseractTimeoutError } from './tesseract-runner';
import { assessTextLayer, cleanText, layoutPageText } from './text-layout';

export interface LocalEngineOptions {
  maxPages: number;
  pageTimeoutMs: number;
  rasterDpi: number;
  minPageChars: number;
  /** A page with fewer letters than this AND a page-sized image is treated as a scan with a stamp. */
  stampMaxChars?: number;
  /** Largest rasterised page, in pixels (default 60 MP, ~A0 at 150 dpi). */
  maxRasterPixels?: number;
}

const STAMP_MAX_CHARS_DEFAULT = 200;
const MAX_RASTER_PIXELS_DEFAULT = 60_000_000;
/** Share of the page an image must cover for the page to count as a scan. */
const SCAN_COVERAGE = 0.5;
/** Over this share of U+FFFD/private-use/control characters, a text layer is unusable. */
const MAX_JUNK_RATIO = 0.3;

/**
 * The embedded engine: PDF text layer through PDF.js (in a thread), tesseract.js
 * for images and for PDF pages without usable text, page by page.
 */
export class LocalEngine {
  constructor(
    private readonly options: LocalEngineOptions,
    private readonly pool: PdfThreadPool,
    private readonly tesseract: TesseractRunner,
  ) {}

  async extract(input: DocumentInput): Promise<ExtractionResult> {
    if (input.type === 'application/pdf') return this.extractPdf(input);
    return this.extractImage(input);
  }

  private async extractImage(input: DocumentInput): Promise<ExtractionResult> {
    const warnings: string[] = [];
    if (input.type === 'image/tiff') {
      const frames = tiffFrameCount(input.bytes);
      if (frames > 1) warnings.push(`TIFF has ${frames} pages; only the first was OCR'd`);
    }
    const t0 = Date.now();
    const r = await this.ocr(input.bytes, 1);
    return {
      provider: 'local',
      pages: [{ pageNumber: 1, text: r.text, confidence: r.confidence, engine: 'tesseract', ms: Date.now() - t0 }],
      warnings,
      details: { method: 'tesseract' },
    };
  }

  private async extractPdf(input: DocumentInput): Promise<ExtractionResult> {
    const thread = await this.pool.lease();
    try {
      return await this.extractPdfWith(thread, input);
    } finally {
      await thread.request('close', {}, 5000).catch(() => thread.terminate());
      this.pool.release(thread);
    }
  }

  /** Number of pages of a PDF (opens it in a thread; encrypted/corrupt files fail permanently). */
  async pdfPageCount(bytes: Buffer): Promise<number> {
    const thread = await this.pool.lease();
    try {
      return await this.open(thread, bytes);
    } finally {
      await thread.request('close', {}, 5000).catch(() => thread.terminate());
      this.pool.release(thread);
    }
  }

  private async open(thread: PdfThread, bytes: Buffer): Promise<number> {
    // The bytes are copied once into a transferable buffer (the caller keeps its Buffer).
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    try {
      const timeout = Math.max(this.options.pageTimeoutMs, 10_000);
      const { numPages } = await thread.request<{ numPages: number }>('open', { data: copy.buffer }, timeout, [copy.buffer]);
      return numPages;
    } catch (err) {
      throw pdfOpenError(err);
    }
  }

  private async extractPdfWith(thread: PdfThread, input: DocumentInput): Promise<ExtractionResult> {
    const { pageTimeoutMs } = this.options;
    const numPages = await this.open(thread, input.bytes);
    if (numPages > this.options.maxPages) {
      throw new PermanentError(`PDF has ${numPages} pages, more than the limit of ${this.options.maxPages} (OCR_MAX_PAGES)`, 'too-many-pages');
    }
    if (numPages === 0) throw new PermanentError('PDF has no pages', 'empty');
    const pages: PageText[] = [];
    const warnings: string[] = [];
    let ocrPages = 0;
    for (let page = 1; page <= numPages; page++) {
      const t0 = Date.now();
      let text = '';
      let usable = false;
      try {
        const first = await thread.request<{ items: RawTextItem[]; coverage: number | null }>('text', { page }, pageTimeoutMs);
        text = layoutPageText(first.items.map(([str, x, y, width, height, eol]) => ({ str, x, y, width, height, hasEOL: eol === 1 })));
        const { letters, junkRatio } = assessTextLayer(text);
        usable = letters >= this.options.minPageChars && junkRatio <= MAX_JUNK_RATIO;
        if (usable && letters < (this.options.stampMaxChars ?? STAMP_MAX_CHARS_DEFAULT)) {
          // A little text over a page-sized image: a scan with a stamp (Bates number, header).
          const again = await thread.request<{ coverage: number | null }>('text', { page, withCoverage: true }, pageTimeoutMs);
          if ((again.coverage ?? 0) >= SCAN_COVERAGE) usable = false;
        }
      } catch (err) {
        if (err instanceof PdfThreadTimeoutError) throw pageTimeout(page, pageTimeoutMs);
        if (err instanceof PdfThreadExitError) throw pdfThreadDied(err);
        warnings.push(`page ${page}: text layer unreadable (${(err as Error).message}); OCR used`);
      }
      if (usable) {
        pages.push({ pageNumber: page, text, confidence: 100, engine: 'pdfjs', ms: Date.now() - t0 });
        continue;
      }
      let image: { image: ArrayBuffer; width: number; height: number };
      try {
        image = await thread.request(
          'raster',
          {
            page,
            dpi: this.options.rasterDpi,
            maxPixels: this.options.maxRasterPixels ?? MAX_RASTER_PIXELS_DEFAULT,
          },
          pageTimeoutMs,
        );
      } catch (err) {
        if (err instanceof PdfThreadTimeoutError) throw pageTimeout(page, pageTimeoutMs);
        if (err instanceof PdfThreadExitError) throw pdfThreadDied(err);
        throw new PermanentError(`page ${page} could not be rendered for OCR: ${(err as Error).message}`, 'unrenderable-page', { cause: err });
      }
      const r = await this.ocr(Buffer.from(image.image), page);
      ocrPages++;
      pages.push({ pageNumber: page, text: r.text, confidence: r.confidence, engine: 'tesseract', ms: Date.now() - t0 });
    }
    return {
      provider: 'local',
      pages,
      warnings,
      details: {
        method: ocrPages === 0 ? 'pdf-text' : ocrPages === numPages ? 'tesseract' : 'mixed',
        textLayerPages: numPages - ocrPages,
        ocrPages,
        rasterDpi: ocrPages ? this.options.rasterDpi : undefined,
      },
    };
  }

  private async ocr(image: Buffer, page: number): Promise<{ text: string; confidence: number }> {
    try {
      const r = await this.tesseract.recognize(image, this.options.pageTimeoutMs);
      return {
        text: cleanText(r.text)
          .replace(/[ \t]+$/gm, '')
          .replace(/^\n+|\n+$/g, ''),
        confidence: r.confidence,
      };
    } catch (err) {
      if (err instanceof TesseractTimeoutError) throw pageTimeout(page, this.options.pageTimeoutMs);
      // Missing language data or a worker that will not start: an environment problem, retried.
      if (err instanceof TesseractInitError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new PermanentError(`image could not be read for OCR (page ${page}): ${message}`, 'unreadable-image', { cause: err });
    }
  }
}

function pageTimeout(page: number, ms: number): PermanentError {
  return new PermanentError(`page ${page} took longer than the limit of ${ms} ms (OCR_PAGE_TIMEOUT_MS)`, 'page-timeout');
}

function pdfThreadDied(err: PdfThreadExitError): Error {
  if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new PermanentError(`PDF could not be processed: ${err.message} (OCR_PDF_THREAD_HEAP_MB)`, 'out-of-memory', { cause: err });
  }
  return err;
}

/** Maps PDF.js's open errors to readable permanent failures. */
export function pdfOpenError(err: unknown): Error {
  if (err instanceof PdfThreadError) {
    if (err.name === 'PasswordException') {
      return new PermanentError('PDF is encrypted (password-protected); it cannot be read without the password', 'encrypted', { cause: err });
    }
    if (err.name === 'InvalidPDFException' || err.name === 'FormatError' || err.name === 'UnknownErrorException') {
      return new PermanentError(`PDF is corrupt or not a valid PDF: ${err.message}`, 'corrupt', { cause: err });
    }
    return new PermanentError(`PDF could not be opened: ${err.name}: ${err.message}`, 'corrupt', { cause: err });
  }
  if (err instanceof PdfThreadTimeoutError) {
    return new PermanentError(`PDF could not be opened within ${err.ms} ms`, 'page-timeout', { cause: err });
  }
  if (err instanceof PdfThreadExitError) return pdfThreadDied(err);
  return err as Error;
}

/** Number of images (IFDs) in a TIFF; 1 when it cannot tell. */
export function tiffFrameCount(bytes: Buffer): number {
  try {
    const le = bytes.toString('latin1', 0, 2) === 'II';
    const u16 = (o: number) => (le ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
    const u32 = (o: number) => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
    let offset = u32(4);
    let frames = 0;
    const seen = new Set<number>();
    while (offset > 0 && offset + 2 <= bytes.length && !seen.has(offset) && frames < 10_000) {
      seen.add(offset);
      frames++;
      const entries = u16(offset);
      const next = offset + 2 + entries * 12;
      if (next + 4 > bytes.length) break;
      offset = u32(next);
    }
    return Math.max(1, frames);
  } catch {
    return 1;
  }
}
