import { PermanentError } from '../../ocr/ocr.errors';
import type { DocumentInput, ExtractionResult, PageText } from '../engine.types';
import { PdfThread, PdfThreadError, PdfThreadExitError, PdfThreadPool, PdfThreadTimeoutError, RawTextItem } from './pdf-thread';
import type { PageRecognizer } from './tesseract-pool';
import { TesseractInitError, TesseractStoppedError, TesseractTimeoutError } from './tesseract-runner';
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
  /** Largest TIFF page decoded, in pixels (default 60 MP; OCR_MAX_IMAGE_PIXELS). */
  maxImagePixels?: number;
  /**
   * Pages rendered ahead of recognition for one document (default: the recogniser's size), so a worker that
   * finishes never waits for the next page to be rendered. At most size + lookahead rendered pages are in
   * memory per document. 0 with a single runner is the old strictly sequential path.
   */
  lookahead?: number;
}

const STAMP_MAX_CHARS_DEFAULT = 200;
const MAX_RASTER_PIXELS_DEFAULT = 60_000_000;
/** Share of the page an image must cover for the page to count as a scan. */
const SCAN_COVERAGE = 0.5;
/** Over this share of U+FFFD/private-use/control characters, a text layer is unusable. */
const MAX_JUNK_RATIO = 0.3;

type OcrResult = { text: string; confidence: number };

/**
 * The pages of one document, OCR'd in parallel: at most `lookahead` pages are rendered and waiting for or in
 * recognition (so memory stays bounded while the producer renders the next page), results are kept in page
 * order, progress is reported as pages finish, and the first failure stops the document (the pages already
 * submitted are awaited, so nothing runs on after extract() returns).
 */
class PageBatch {
  readonly pages: Array<PageText | undefined>;
  private readonly pending = new Set<Promise<void>>();
  private done = 0;
  failure?: Error;

  constructor(
    private readonly pageCount: number,
    private readonly lookahead: number,
    private readonly onProgress?: (pagesDone: number, pageCount: number) => void,
  ) {
    this.pages = new Array<PageText | undefined>(pageCount);
  }

  private progress(): void {
    this.done++;
    try {
      this.onProgress?.(this.done, this.pageCount);
    } catch {
      // a progress reporter never fails the document
    }
  }

  /** A page finished without OCR. */
  put(page: PageText): void {
    this.pages[page.pageNumber - 1] = page;
    this.progress();
  }

  /** Waits until a page may be rendered (fewer than `lookahead` in flight); throws the first failure. */
  async slot(): Promise<void> {
    while (this.pending.size >= this.lookahead && !this.failure) await Promise.race(this.pending);
    if (this.failure) throw this.failure;
  }

  /** Hands a rendered page to OCR without waiting for it. */
  submit(pageNumber: number, t0: number, ocr: () => Promise<OcrResult>): void {
    const p = ocr().then(
      (r) => this.put({ pageNumber, text: r.text, confidence: r.confidence, engine: 'tesseract', ms: Date.now() - t0 }),
      (err: Error) => {
        this.failure ??= err;
      },
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Every submitted page recognised; the pages in order, or the first failure. */
  async finish(): Promise<PageText[]> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure;
    return this.pages as PageText[];
  }

  /** On an error of the producer: let the pages in flight end (their results are dropped). */
  async abandon(): Promise<void> {
    await Promise.all(this.pending);
  }
}

/**
 * The embedded engine: PDF text layer through PDF.js (in a thread), tesseract.js for images and for PDF
 * pages without usable text. The pages of one document are OCR'd in parallel on the tesseract pool (the PDF
 * thread renders the next page while the pool recognises the earlier ones); every page of a TIFF is decoded
 * with sharp.
 */
export class LocalEngine {
  constructor(
    private readonly options: LocalEngineOptions,
    private readonly pool: PdfThreadPool,
    private readonly tesseract: PageRecognizer,
  ) {}

  /** Pages of one document rendered and waiting for or in recognition, at most. */
  private get lookahead(): number {
    const size = Math.max(1, this.tesseract.size ?? 1);
    return size + Math.max(0, this.options.lookahead ?? size);
  }

  async extract(input: DocumentInput): Promise<ExtractionResult> {
    if (input.type === 'application/pdf') return this.extractPdf(input);
    if (input.type === 'image/tiff') return this.extractTiff(input);
    return this.extractImage(input);
  }

  /** PNG or JPEG: one page, read by tesseract itself. */
  private async extractImage(input: DocumentInput): Promise<ExtractionResult> {
    const batch = new PageBatch(1, 1, input.onProgress);
    batch.submit(1, Date.now(), () => this.ocr(input.bytes, 1));
    const pages = await batch.finish();
    return { provider: 'local', pages, warnings: [], details: { method: 'tesseract' } };
  }

  /** Every page of a TIFF (multi-page, multi-strip, any compression libvips/libtiff reads, CCITT G4 included). */
  private async extractTiff(input: DocumentInput): Promise<ExtractionResult> {
    const sharp = loadSharp();
    const limitInputPixels = this.options.maxImagePixels ?? MAX_RASTER_PIXELS_DEFAULT;
    let pageCount: number;
    try {
      const meta = await sharp(input.bytes, { limitInputPixels }).metadata();
      pageCount = meta.pages ?? 1;
    } catch (err) {
      throw imageError(err, 1, limitInputPixels);
    }
    if (pageCount > this.options.maxPages) {
      throw new PermanentError(`TIFF has ${pageCount} pages, more than the limit of ${this.options.maxPages} (OCR_MAX_PAGES)`, 'too-many-pages');
    }
    if (pageCount < 1) throw new PermanentError('TIFF has no pages', 'empty');
    const batch = new PageBatch(pageCount, this.lookahead, input.onProgress);
    try {
      for (let page = 1; page <= pageCount; page++) {
        await batch.slot();
        const t0 = Date.now();
        let pgm: Buffer;
        try {
          const { data, info } = await sharp(input.bytes, { pages: 1, page: page - 1, limitInputPixels })
            .flatten({ background: '#ffffff' })
            .greyscale()
            .raw()
            .toBuffer({ resolveWithObject: true });
          if (info.channels !== 1) throw new Error(`decoded to ${info.channels} channels`);
          pgm = toPgm(data, info.width, info.height);
        } catch (err) {
          throw imageError(err, page, limitInputPixels);
        }
        batch.submit(page, t0, () => this.ocr(pgm, page));
      }
    } catch (err) {
      await batch.abandon();
      throw err;
    }
    const pages = await batch.finish();
    return { provider: 'local', pages, warnings: [], details: { method: 'tesseract', ocrPages: pageCount } };
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
  async pdfPageCount(bytes: Buffer, password?: string): Promise<number> {
    const thread = await this.pool.lease();
    try {
      return await this.open(thread, bytes, password);
    } finally {
      await thread.request('close', {}, 5000).catch(() => thread.terminate());
      this.pool.release(thread);
    }
  }

  private async open(thread: PdfThread, bytes: Buffer, password?: string): Promise<number> {
    // The bytes are copied once into a transferable buffer (the caller keeps its Buffer).
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    try {
      const timeout = Math.max(this.options.pageTimeoutMs, 10_000);
      const payload: Record<string, unknown> = { data: copy.buffer };
      if (password !== undefined && password !== '') payload.password = password;
      const { numPages } = await thread.request<{ numPages: number }>('open', payload, timeout, [copy.buffer]);
      return numPages;
    } catch (err) {
      throw pdfOpenError(err);
    }
  }

  private async extractPdfWith(thread: PdfThread, input: DocumentInput): Promise<ExtractionResult> {
    const { pageTimeoutMs } = this.options;
    const numPages = await this.open(thread, input.bytes, input.password);
    if (numPages > this.options.maxPages) {
      throw new PermanentError(`PDF has ${numPages} pages, more than the limit of ${this.options.maxPages} (OCR_MAX_PAGES)`, 'too-many-pages');
    }
    if (numPages === 0) throw new PermanentError('PDF has no pages', 'empty');
    const warnings: string[] = [];
    let ocrPages = 0;
    const batch = new PageBatch(numPages, this.lookahead, input.onProgress);
    try {
      for (let page = 1; page <= numPages; page++) {
        if (batch.failure) throw batch.failure;
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
          batch.put({ pageNumber: page, text, confidence: 100, engine: 'pdfjs', ms: Date.now() - t0 });
          continue;
        }
        // Render only when the pool can take the page soon: at most `lookahead` rendered pages in memory.
        await batch.slot();
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
        const bytes = Buffer.from(image.image);
        ocrPages++;
        batch.submit(page, t0, () => this.ocr(bytes, page));
      }
    } catch (err) {
      await batch.abandon();
      throw err;
    }
    const pages = await batch.finish();
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

  private async ocr(image: Buffer, page: number): Promise<OcrResult> {
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
      // Stopped (shutdown): not the document's fault either; the job is retried elsewhere.
      if (err instanceof TesseractInitError || err instanceof TesseractStoppedError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new PermanentError(`image could not be read for OCR (page ${page}): ${message}`, 'unreadable-image', { cause: err });
    }
  }
}

type SharpFn = typeof import('sharp').default;
let sharpModule: SharpFn | undefined;
/** sharp (libvips, native) is loaded on the first TIFF only. */
function loadSharp(): SharpFn {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load of a native module
  sharpModule ??= require('sharp') as SharpFn;
  return sharpModule;
}

/** Binary PGM (P5): tesseract's Leptonica reads it without any encode/decode cost. */
function toPgm(grey: Buffer, width: number, height: number): Buffer {
  return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1'), grey]);
}

/** A sharp/libvips failure on a TIFF page as a readable permanent error. */
function imageError(err: unknown, page: number, limit: number): PermanentError {
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new PermanentError(`TIFF page ${page} is larger than the limit of ${limit} pixels (OCR_MAX_IMAGE_PIXELS)`, 'image-too-large', {
      cause: err,
    });
  }
  return new PermanentError(`TIFF page ${page} could not be read: ${message.split('\n')[0]}`, 'unreadable-image', { cause: err });
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
      // PDF.js: code 1 = a password is needed, 2 = the password given is wrong. The password itself is never in the message.
      if (err.code === 2) return new PermanentError('the password given for this PDF is wrong', 'wrong-password', { cause: err });
      return new PermanentError(
        'PDF is password-protected: retry it with its password (POST /v1/documents/<id>/retry with {"password": "..."}) or upload it with a password field',
        'encrypted',
        { cause: err },
      );
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
