/**
 * The local engine with the tesseract pool, on documents the tests build: multi-page, multi-strip TIFFs
 * (uncompressed, LZW, CCITT Group 4), a scanned multi-page PDF, and an RC4-128 encrypted PDF. Concurrency is
 * proven by counting recognitions in flight, never by time.
 */
import { buildEncryptedPdf, buildTiff } from '@casegraph/formats/testing';
import { LEGAL_DIR, buildMixedPdf, renderScanPng } from '@casegraph/testing';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PermanentError } from '../../ocr/ocr.errors';
import type { DocumentInput } from '../engine.types';
import { LocalEngine, LocalEngineOptions } from './local-engine';
import { PdfThreadPool } from './pdf-thread';
import { TesseractPool } from './tesseract-pool';
import { TesseractStoppedError } from './tesseract-runner';

jest.setTimeout(180_000);

const options: LocalEngineOptions = { maxPages: 2000, pageTimeoutMs: 60_000, rasterDpi: 150, minPageChars: 16 };
const PAGES = [
  ['FIRST PAGE of the production', 'Invoice number 4471 dated 3 March 2024'],
  ['SECOND PAGE of the production', 'Payment received from Acme Holdings'],
  ['THIRD PAGE of the production', 'Signed by the parties in Portland'],
];
const words = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('LocalEngine with a tesseract pool', () => {
  let pdfPool: PdfThreadPool;
  let tesseract: TesseractPool;
  let engine: LocalEngine;

  beforeAll(() => {
    pdfPool = new PdfThreadPool(1, { heapMb: 512 });
    tesseract = new TesseractPool({ size: 2, recyclePages: 1000, initTimeoutMs: 30_000 });
    engine = new LocalEngine(options, pdfPool, tesseract);
  });
  afterAll(async () => {
    await pdfPool.close();
    await tesseract.terminate();
  });

  const extract = (bytes: Buffer, type: DocumentInput['type'], extra: Partial<DocumentInput> = {}, e = engine) =>
    e.extract({ documentUuid: 'test', bytes, type, ...extra });

  /**
   * Holds each recognition until a second one has been asked for (or 20 s passed), so "two pages at once" does not
   * depend on page 1 taking longer than the rendering of page 2: an engine that asks for one page at a time still
   * ends with maxInFlight 1 and fails the test, after the 20 s.
   */
  async function withPairedRecognitions<T>(run: () => Promise<T>): Promise<T> {
    const original = tesseract.recognize.bind(tesseract);
    let asked = 0;
    let release!: () => void;
    const paired = new Promise<void>((r) => (release = r));
    const timer = setTimeout(release, 20_000);
    tesseract.recognize = async (image, timeoutMs) => {
      if (++asked >= 2) release();
      await paired;
      return original(image, timeoutMs);
    };
    try {
      return await run();
    } finally {
      clearTimeout(timer);
      tesseract.recognize = original;
    }
  }

  it('OCRs every page of a 3-page multi-strip TIFF, in order, two pages at once, with progress 1..3', async () => {
    const tiff = await buildTiff(
      PAGES.map((lines) => ({ lines })),
      { stripsPerPage: 5 },
    );
    const progress: Array<[number, number]> = [];
    tesseract.maxInFlight = 0;
    const result = await withPairedRecognitions(() =>
      extract(tiff, 'image/tiff', {
        onProgress: (done, count) => {
          progress.push([done, count]);
          throw new Error('a failing progress reporter is ignored');
        },
      }),
    );
    expect(result.pages.map((p) => p.pageNumber)).toEqual([1, 2, 3]);
    result.pages.forEach((p, i) => {
      expect(p.engine).toBe('tesseract');
      for (const line of PAGES[i]) expect(words(p.text)).toContain(line);
    });
    expect(result.warnings).toEqual([]);
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(tesseract.maxInFlight).toBe(2); // pages of ONE document recognised in parallel
  });

  it.each([['ccittfax4' as const], ['lzw' as const]])('reads a %s TIFF (bilevel Group 4 / LZW with predictor) page by page', async (compression) => {
    const tiff = await buildTiff([{ lines: PAGES[0] }, { lines: PAGES[2] }], { compression, stripsPerPage: 3 });
    const result = await extract(tiff, 'image/tiff');
    expect(result.pages).toHaveLength(2);
    expect(words(result.pages[0].text)).toContain(PAGES[0][1]);
    expect(words(result.pages[1].text)).toContain(PAGES[2][1]);
  });

  it('OCRs the pages of a scanned PDF in parallel (the thread renders ahead) and keeps page order', async () => {
    const pdf = buildMixedPdf([
      { png: renderScanPng(PAGES[0], { fontSize: 14 }).png },
      { lines: ['A typed page between two scans', 'It has a text layer of its own'] },
      { png: renderScanPng(PAGES[1], { fontSize: 14 }).png },
      { png: renderScanPng(PAGES[2], { fontSize: 14 }).png },
    ]);
    tesseract.maxInFlight = 0;
    const progress: number[] = [];
    const result = await withPairedRecognitions(() => extract(pdf, 'application/pdf', { onProgress: (done) => progress.push(done) }));
    expect(result.pages.map((p) => p.engine)).toEqual(['tesseract', 'pdfjs', 'tesseract', 'tesseract']);
    expect(words(result.pages[0].text)).toContain(PAGES[0][1]);
    expect(result.pages[1].text).toContain('A typed page between two scans');
    expect(words(result.pages[2].text)).toContain(PAGES[1][1]);
    expect(words(result.pages[3].text)).toContain(PAGES[2][1]);
    expect(result.details).toMatchObject({ method: 'mixed', ocrPages: 3, textLayerPages: 1 });
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(tesseract.maxInFlight).toBeGreaterThan(1);
  });

  const realScan = join(LEGAL_DIR, 'documents', 'disclosure-statement-scan.pdf');
  if (!existsSync(realScan)) {
    console.log(`real scanned filing skipped: ${realScan} is not there (../shared/fixtures/legal)`);
  }
  (existsSync(realScan) ? it : it.skip)('OCRs the real scanned filing (legal/documents) on the pool, both pages in order', async () => {
    tesseract.maxInFlight = 0;
    const result = await withPairedRecognitions(() => extract(readFileSync(realScan), 'application/pdf'));
    expect(result.pages.map((p) => p.engine)).toEqual(['tesseract', 'tesseract']);
    expect(words(result.pages[0].text)).toContain('DISCLOSURE STATEMENT');
    expect(words(result.pages[0].text)).toContain('Case: 4:24-cv-01277-MTS');
    expect(result.pages[1].text).toMatch(/Page: 2 of 2/);
    expect(tesseract.maxInFlight).toBe(2);
  });

  it('recycles a worker after N pages: new workers, same text', async () => {
    const small = new TesseractPool({ size: 1, recyclePages: 2, initTimeoutMs: 30_000 });
    try {
      const e = new LocalEngine(options, pdfPool, small);
      const tiff = await buildTiff(PAGES.map((lines) => ({ lines })));
      const first = await extract(tiff, 'image/tiff', {}, e);
      const second = await extract(tiff, 'image/tiff', {}, e);
      for (const r of [first, second]) r.pages.forEach((p, i) => expect(words(p.text)).toContain(PAGES[i][1]));
      expect(small.recycled).toBe(3); // after pages 2, 4 and 6
      expect(small.created).toBe(3); // the fourth worker is not started until a page needs it
      expect(small.maxInFlight).toBe(1);
    } finally {
      await small.terminate();
    }
  });

  it('shutdown mid-document rejects with TesseractStoppedError and nothing escapes unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    const pool = new TesseractPool({ size: 2, recyclePages: 1000, initTimeoutMs: 30_000 });
    try {
      const e = new LocalEngine(options, pdfPool, pool);
      const tiff = await buildTiff([...PAGES, ...PAGES].map((lines) => ({ lines })));
      let stopping: Promise<void> | undefined;
      const run = extract(
        tiff,
        'image/tiff',
        {
          onProgress: () => {
            stopping ??= pool.terminate();
          },
        },
        e,
      );
      await expect(run).rejects.toBeInstanceOf(TesseractStoppedError);
      await stopping;
      await new Promise((r) => setTimeout(r, 200));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await pool.terminate();
    }
  });

  it('TIFF limits: too many pages, a page over the pixel limit, a corrupt file; each a readable permanent failure', async () => {
    const tiff = await buildTiff(
      PAGES.map((lines) => ({ lines })),
      { dpi: 100 },
    );
    const few = new LocalEngine({ ...options, maxPages: 2 }, pdfPool, tesseract);
    await expect(extract(tiff, 'image/tiff', {}, few)).rejects.toMatchObject({
      reason: 'too-many-pages',
      message: 'TIFF has 3 pages, more than the limit of 2 (OCR_MAX_PAGES)',
    });
    const tiny = new LocalEngine({ ...options, maxImagePixels: 100_000 }, pdfPool, tesseract);
    await expect(extract(tiff, 'image/tiff', {}, tiny)).rejects.toMatchObject({
      reason: 'image-too-large',
      message: expect.stringContaining('OCR_MAX_IMAGE_PIXELS'),
    });
    const corrupt = Buffer.concat([tiff.subarray(0, 8), Buffer.alloc(200, 0xff)]);
    const err = await extract(corrupt, 'image/tiff').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err).toMatchObject({ reason: 'unreadable-image', message: expect.stringContaining('TIFF page 1 could not be read') });
  });

  describe('an encrypted PDF (RC4 128-bit, V2 R3)', () => {
    const password = 'Tr0ub4dor&3';
    const pdf = buildEncryptedPdf({ password, pages: ['Privileged and confidential\nAttorney work product', 'Settlement terms on page two'] });

    it('without a password: encrypted, telling how to give one', async () => {
      await expect(extract(pdf, 'application/pdf')).rejects.toMatchObject({
        reason: 'encrypted',
        message:
          'PDF is password-protected: retry it with its password (POST /v1/documents/<id>/retry with {"password": "..."}) or upload it with a password field',
      });
    });

    it('with a wrong password: wrong-password, and the password is in no message', async () => {
      const err = (await extract(pdf, 'application/pdf', { password: 'guess-1234' }).catch((e: unknown) => e)) as PermanentError;
      expect(err).toMatchObject({ reason: 'wrong-password', message: 'the password given for this PDF is wrong' });
      expect(JSON.stringify({ message: err.message, stack: err.stack, cause: String(err.cause) })).not.toContain('guess-1234');
      await expect(engine.pdfPageCount(pdf, 'guess-1234')).rejects.toMatchObject({ reason: 'wrong-password' });
    });

    it('with its password: every page read from the text layer', async () => {
      const result = await extract(pdf, 'application/pdf', { password });
      expect(result.pages.map((p) => [p.engine, p.text])).toEqual([
        ['pdfjs', 'Privileged and confidential\nAttorney work product'],
        ['pdfjs', 'Settlement terms on page two'],
      ]);
      expect(await engine.pdfPageCount(pdf, password)).toBe(2);
    });
  });
});
