/**
 * The local engine on generated documents (text-layer filings, a 150 dpi scanned letter, a PNG scan, a
 * corrupt PDF; their ground truth is known) and, when ../shared/fixtures is there, on the real licence
 * PDFs and scans: PDF.js in its thread, tesseract.js with the packaged language data. Quality is measured
 * as CER after whitespace folding. Tesseract pages are slow (~4-8 s here), so there are only four by default.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sniffFileType } from '@casegraph/storage';
import { GeneratedDocumentName, buildMixedPdf, buildPdf, describeWithFixtures, fixtureDocument, generatedDocument } from '@casegraph/testing';
import { PermanentError } from '../../ocr/ocr.errors';
import { characterErrorRate } from '../../quality/cer';
import { LocalEngine, LocalEngineOptions } from './local-engine';
import { PdfThread, PdfThreadPool } from './pdf-thread';
import { TesseractInitError, TesseractRunner, TesseractStoppedError } from './tesseract-runner';

jest.setTimeout(120_000);

const read = (name: string) => readFileSync(fixtureDocument(name));
const gen = (name: GeneratedDocumentName) => generatedDocument(name);
const options: LocalEngineOptions = { maxPages: 2000, pageTimeoutMs: 60_000, rasterDpi: 150, minPageChars: 16 };

describe('LocalEngine (PDF.js thread + tesseract.js)', () => {
  let pool: PdfThreadPool;
  let tesseract: TesseractRunner;
  let engine: LocalEngine;

  beforeAll(() => {
    pool = new PdfThreadPool(1, { heapMb: 512 });
    tesseract = new TesseractRunner({ initTimeoutMs: 30_000 });
    engine = new LocalEngine(options, pool, tesseract);
  });
  afterAll(async () => {
    await pool.close();
    await tesseract.terminate();
  });

  const extract = (bytes: Buffer, e = engine) => e.extract({ documentUuid: 'test', bytes, type: sniffFileType(bytes)! });

  it.each([['complaint.pdf' as const], ['motion.pdf' as const]])(
    '%s: text layer, one page per PDF page, CER <= 0.5%% against its ground truth',
    async (name) => {
      const doc = gen(name);
      const result = await extract(doc.bytes);
      expect(result.pages.map((p) => p.pageNumber)).toEqual(doc.pages.map((_, i) => i + 1));
      expect(result.pages.every((p) => p.engine === 'pdfjs' && p.confidence === 100)).toBe(true);
      const cer = characterErrorRate(result.pages.map((p) => p.text).join('\n'), doc.text);
      expect(cer).toBeLessThanOrEqual(0.005);
      // Line breaks are kept: the text has about as many lines as the source, page by page.
      result.pages.forEach((p, i) => {
        const lines = p.text.split('\n').filter((l) => l.trim()).length;
        const truthLines = doc.pages[i].split('\n').filter((l) => l.trim()).length;
        expect(Math.abs(lines - truthLines)).toBeLessThanOrEqual(Math.ceil(truthLines * 0.02));
      });
      expect(result.pages[0].text).toContain('Case No. 3:24-cv-01187-JR');
    },
  );

  it('OCRs the scanned letter (image-only PDF, 150 dpi) with CER <= 2%', async () => {
    const doc = gen('scanned-letter.pdf');
    const result = await extract(doc.bytes);
    expect(result.pages.map((p) => p.engine)).toEqual(['tesseract', 'tesseract']);
    expect(result.details).toMatchObject({ method: 'tesseract', ocrPages: 2 });
    const cer = characterErrorRate(result.pages.map((p) => p.text).join('\n'), doc.text);
    expect(cer).toBeLessThanOrEqual(0.02);
    expect(result.pages[0].confidence).toBeGreaterThan(80);
    expect(result.pages[0].text).toContain('$1,284,500.00');
  });

  it('OCRs scanned-notice.png with CER <= 2%, and a mixed PDF page by page (stamped scan OCRd)', async () => {
    const notice = gen('scanned-notice.png');
    const image = await extract(notice.bytes);
    expect(image.pages).toHaveLength(1);
    expect(image.pages[0].engine).toBe('tesseract');
    expect(characterErrorRate(image.pages[0].text, notice.text)).toBeLessThanOrEqual(0.02);

    const mixed = buildMixedPdf([
      { lines: ['Exhibit A: typed cover page', 'Signed by both parties on 3 March 2024'] },
      { png: notice.bytes, stamp: 'ACME-000123' },
    ]);
    const result = await extract(mixed);
    expect(result.pages.map((p) => p.engine)).toEqual(['pdfjs', 'tesseract']);
    expect(result.details).toMatchObject({ method: 'mixed', textLayerPages: 1, ocrPages: 1 });
    expect(result.pages[0].text).toBe('Exhibit A: typed cover page\nSigned by both parties on 3 March 2024');
    // The scan page is OCR'd although its text layer holds a stamp; the rendered page equals the PNG.
    expect(characterErrorRate(result.pages[1].text, notice.text)).toBeLessThanOrEqual(0.03);
    expect(tesseract.created).toBe(1); // one long-lived worker for every page so far
  });

  describeWithFixtures('on the real fixtures (licence PDFs and their scans)', () => {
    it.each([
      ['GPL-3.pdf', 'GPL-3.txt', 10],
      ['Apache-2.0.pdf', 'Apache-2.0.txt', 3],
      ['MPL-2.0.pdf', 'MPL-2.0.txt', 6],
    ])('%s: text layer, one page per PDF page, CER <= 0.5%% against %s', async (pdf, truth, pageCount) => {
      const result = await extract(read(pdf));
      expect(result.pages.map((p) => p.pageNumber)).toEqual(Array.from({ length: pageCount }, (_, i) => i + 1));
      expect(result.pages.every((p) => p.engine === 'pdfjs' && p.confidence === 100)).toBe(true);
      const cer = characterErrorRate(result.pages.map((p) => p.text).join('\n'), read(truth).toString('utf8'));
      expect(cer).toBeLessThanOrEqual(0.005);
      const lines = result.pages.flatMap((p) => p.text.split('\n')).filter((l) => l.trim()).length;
      const truthLines = read(truth)
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim()).length;
      expect(Math.abs(lines - truthLines)).toBeLessThanOrEqual(truthLines * 0.02);
    });

    it('OCRs the scanned Apache-2.0 pages with CER <= 2%', async () => {
      const result = await extract(read('Apache-2.0-scanned.pdf'));
      expect(result.pages.map((p) => p.engine)).toEqual(['tesseract', 'tesseract']);
      expect(result.details).toMatchObject({ method: 'tesseract', ocrPages: 2 });
      const cer = characterErrorRate(result.pages.map((p) => p.text).join('\n'), read('Apache-2.0-scanned.gt.txt').toString('utf8'));
      expect(cer).toBeLessThanOrEqual(0.02);
      expect(result.pages[0].confidence).toBeGreaterThan(80);
    });

    it('OCRs BSD-scanned.png with CER <= 2%', async () => {
      const image = await extract(read('BSD-scanned.png'));
      expect(image.pages).toHaveLength(1);
      expect(image.pages[0].engine).toBe('tesseract');
      expect(characterErrorRate(image.pages[0].text, read('BSD.txt').toString('utf8'))).toBeLessThanOrEqual(0.02);
    });
  });

  it('fails permanently on a corrupt PDF, with a readable reason', async () => {
    await expect(extract(gen('corrupt.pdf').bytes)).rejects.toMatchObject({
      name: 'PermanentError',
      reason: 'corrupt',
      message: expect.stringContaining('corrupt'),
    });
  });

  it('fails permanently on a password-protected PDF (a real RC4 Standard-handler file)', async () => {
    const encrypted = buildPdf(['Privileged and confidential'], { userPassword: 'secret' });
    await expect(extract(encrypted)).rejects.toMatchObject({ reason: 'encrypted', message: expect.stringContaining('password') });
    // The file is genuinely encrypted: with the password PDF.js opens it and reads the text.
    const thread = new PdfThread({ heapMb: 256 });
    try {
      const copy = Uint8Array.from(encrypted);
      const opened = await thread.request<{ numPages: number }>('open', { data: copy.buffer, password: 'secret' }, 10_000, [copy.buffer]);
      expect(opened.numPages).toBe(1);
      const { items } = await thread.request<{ items: Array<[string]> }>('text', { page: 1 }, 10_000);
      expect(items.map((i) => i[0]).join('')).toContain('Privileged and confidential');
    } finally {
      await thread.terminate();
    }
  });

  it('refuses a PDF over OCR_MAX_PAGES before extracting any page', async () => {
    const spy = jest.spyOn(PdfThread.prototype, 'request');
    try {
      const small = new LocalEngine({ ...options, maxPages: 5 }, pool, tesseract);
      const complaint = gen('complaint.pdf');
      expect(complaint.pages.length).toBeGreaterThan(5);
      await expect(extract(complaint.bytes, small)).rejects.toMatchObject({
        reason: 'too-many-pages',
        message: expect.stringContaining(`${complaint.pages.length} pages`),
      });
      expect(spy.mock.calls.map((c) => c[0])).toEqual(['open', 'close']);
    } finally {
      spy.mockRestore();
    }
  });

  it('stops a page that exceeds the time limit, and the pool recovers for the next document', async () => {
    const hasty = new LocalEngine({ ...options, pageTimeoutMs: 1 }, pool, tesseract);
    await expect(extract(gen('complaint.pdf').bytes, hasty)).rejects.toMatchObject({ reason: 'page-timeout' });
    const again = await extract(gen('motion.pdf').bytes);
    expect(again.pages).toHaveLength(gen('motion.pdf').pages.length);
  });

  it('reports missing language data as a (retryable) init error instead of hanging', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessdata-'));
    try {
      const none = new TesseractRunner({ langPath: dir, initTimeoutMs: 5000 });
      await expect(none.recognize(gen('scanned-notice.png').bytes, 10_000)).rejects.toBeInstanceOf(TesseractInitError);
      writeFileSync(join(dir, 'eng.traineddata'), Buffer.from('not a model'));
      const broken = new TesseractRunner({ langPath: dir, initTimeoutMs: 5000 });
      await expect(broken.recognize(gen('scanned-notice.png').bytes, 10_000)).rejects.toBeInstanceOf(TesseractInitError);
      await broken.terminate();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('terminate() while a page is being recognised rejects it with TesseractStoppedError and nothing escapes unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      const runner = new TesseractRunner({ initTimeoutMs: 30_000 });
      await runner.recognize(gen('scanned-notice.png').bytes, 60_000); // started and warm
      // tesseract.js's own terminate() here used to crash the process from an unawaited send().
      for (const delay of [0, 1, 5, 20]) {
        const page = runner.recognize(gen('scanned-notice.png').bytes, 60_000);
        await new Promise((r) => setTimeout(r, delay));
        await runner.terminate();
        await expect(page).rejects.toBeInstanceOf(TesseractStoppedError);
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('treats an undecodable image as permanent', async () => {
    const fake = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
    await expect(extract(fake)).rejects.toBeInstanceOf(PermanentError);
  });
});
