/**
 * Hostile files through the real OCR worker (OcrWorkerModule, real Bull consumer on a private
 * prefix, private storage folder, real PostgreSQL and Redis): a 2,000-page PDF with bounded
 * memory, a PDF over OCR_MAX_PAGES, a decompression-bomb PNG header and a stored object whose
 * type changes between upload and processing.
 */
import { crc32, deflateSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { cleanupProjects } from '../../apps/graph-worker/src/testing/graph-test-kit';
import {
  CreatedDocument,
  WorkerHandle,
  createDocument,
  enqueueOcr,
  pages,
  startWorker,
  waitForOcr,
} from '../../apps/ocr-worker/src/testing/ocr-test-kit';
import { buildMixedPdf } from '../../apps/ocr-worker/src/testing/test-pdfs';
import { generatedBytes, generatedDocument } from '../../libs/testing/src/documents';

jest.setTimeout(120_000);

/** A PNG signature + IHDR claiming width × height + IEND: a few dozen bytes that decode to gigabytes. */
function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, data, Buffer.alloc(4)]); // CRC left zero: we never get as far as checking it
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from('789c030000000001', 'hex')),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid grey PNG of width × height zero pixels (correct CRCs, real zlib stream): what a decoder would inflate. */
function zeroPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // depth, colour type 0 (grey)
  // Rows of (filter byte 0 + width zero bytes): ~100 MB raw for 10,000², about 100 KB deflated.
  const idat = deflateSync(Buffer.alloc((width + 1) * height), { level: 9 });
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

const textPages = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    lines: [
      `Page ${i + 1} of the exhibit bundle`,
      `Case No. 1:23-cv-${String(4000 + (i % 900)).padStart(5, '0')} filed by Acme Corp.`,
      'The parties agree as follows.',
    ],
  }));

describe('hostile files through the OCR worker', () => {
  let w: WorkerHandle;
  const docs: CreatedDocument[] = [];

  beforeAll(async () => {
    w = await startWorker({ OCR_MAX_PAGES: '2000', OCR_MAX_IMAGE_PIXELS: '60000000' });
  });

  afterAll(async () => {
    if (w) {
      const projects = [...new Map(docs.map((d) => [d.projectId, { id: d.projectId, projectUuid: d.projectUuid, name: '' }])).values()];
      await cleanupProjects(w.db, projects);
      await w.close();
    }
  });

  const track = async (file: Parameters<typeof createDocument>[1]) => {
    const d = await createDocument(w, file);
    docs.push(d);
    return d;
  };

  it('a 2,000-page PDF (at the OCR_MAX_PAGES limit) completes with bounded memory', async () => {
    const pdf = buildMixedPdf(textPages(2000));
    const d = await track({ name: 'bundle-2000.pdf', bytes: pdf });
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const t0 = Date.now();
    try {
      await enqueueOcr(w, d.documentUuid);
      const s = await waitForOcr(w, d.documentUuid, 110_000);
      expect({ ocr: s.ocr_status, error: s.error_message }).toEqual({ ocr: 'completed', error: null });
      expect(s.page_count).toBe(2000);
    } finally {
      clearInterval(sampler);
    }
    const ms = Date.now() - t0;
    const stored = await pages(w, d.documentUuid);
    expect(stored).toHaveLength(2000);
    expect(stored[1999].text).toContain('Page 2000 of the exhibit bundle');
    const growthMb = (peak - before) / 2 ** 20;
    // PDF.js keeps one page at a time in its thread; the text of 2,000 pages is ~200 KB. A generous bound that a
    // worker holding every page's operator list / canvas (tens of MB a page) would blow at once.
    process.stdout.write(
      `[hostile] 2,000-page PDF (${(pdf.length / 1024).toFixed(0)} KiB): ${ms} ms, RSS before ${(before / 2 ** 20).toFixed(0)} MiB, peak growth ${growthMb.toFixed(0)} MiB\n`,
    );
    expect(growthMb).toBeLessThan(400);
  });

  it('a PDF over OCR_MAX_PAGES fails fast with a reason, without extracting a page', async () => {
    const small = await startWorker({ OCR_MAX_PAGES: '50' });
    try {
      const d = await createDocument(small, { name: 'too-long.pdf', bytes: buildMixedPdf(textPages(51)) });
      docs.push(d);
      await enqueueOcr(small, d.documentUuid);
      const s = await waitForOcr(small, d.documentUuid);
      expect(s.ocr_status).toBe('failed');
      expect(s.error_message).toMatch(/PDF has 51 pages, more than the limit of 50 \(OCR_MAX_PAGES\)/);
      expect(await pages(small, d.documentUuid)).toEqual([]);
      const job = (await small.ocrQueue.getJob(d.documentUuid))!;
      expect(job.attemptsMade).toBe(1); // permanent: not retried
    } finally {
      await small.close();
    }
  });

  it('a PNG whose header claims 50,000 × 50,000 pixels is refused before decoding, with a reason', async () => {
    const bomb = bombPng(50_000, 50_000);
    expect(bomb.length).toBeLessThan(100);
    const d = await track({ name: 'bomb.png', bytes: bomb });
    await enqueueOcr(w, d.documentUuid);
    const s = await waitForOcr(w, d.documentUuid);
    expect(s.ocr_status).toBe('failed');
    expect(s.error_message).toMatch(/50000 × 50000 pixels, more than the limit of 60000000 \(OCR_MAX_IMAGE_PIXELS\)/);
    expect(await pages(w, d.documentUuid)).toEqual([]);
    // The worker is still healthy: a real scan right after it goes through.
    const ok = await track({ name: 'scanned-notice.png', bytes: generatedBytes('scanned-notice.png') });
    await enqueueOcr(w, ok.documentUuid);
    const s2 = await waitForOcr(w, ok.documentUuid);
    expect(s2.ocr_status).toBe('completed');
    expect(s2.raw_extracted_text).toMatch(/NOTICE OF APPEARANCE/);
  });

  it('a real decompression bomb (valid 10,000 × 10,000 PNG of ~100 KB) is refused before decoding', async () => {
    // Without the check, tesseract inflates it: a 20,000² one took 15 s and ~1.1 GB of RSS on this machine.
    const bomb = zeroPng(10_000, 10_000);
    expect(bomb.length).toBeLessThan(200_000);
    const d = await track({ name: 'scan.png', bytes: bomb });
    const t0 = Date.now();
    await enqueueOcr(w, d.documentUuid);
    const s = await waitForOcr(w, d.documentUuid);
    process.stdout.write(`[hostile] ${bomb.length}-byte PNG claiming 10,000 × 10,000: ${s.ocr_status} after ${Date.now() - t0} ms\n`);
    expect(s.ocr_status).toBe('failed');
    expect(s.error_message).toMatch(/10000 × 10000 pixels, more than the limit of 60000000 \(OCR_MAX_IMAGE_PIXELS\); refused before decoding/);
  });

  it('a stored object whose type changes after upload is processed by its real type, or failed with a reason', async () => {
    const png = generatedBytes('scanned-notice.png');
    // PNG uploaded, replaced by a text PDF before the worker reads it: processed as the PDF it now is.
    const toPdf = await track({ name: 'scan.png', bytes: png });
    await w.storage.put(toPdf.key, Readable.from([generatedBytes('complaint.pdf')]));
    // PNG uploaded, replaced by garbage: failed with a readable reason.
    const toJunk = await track({ name: 'scan2.png', bytes: png });
    // Bytes of no type (plain text would now be read as a text document).
    await w.storage.put(toJunk.key, Readable.from([Buffer.concat([Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0x00]), Buffer.alloc(4096, 0x07)])]));
    // PDF uploaded, replaced by a truncated copy of itself: failed as corrupt, not a crash.
    const pdf = generatedBytes('motion.pdf');
    const toTruncated = await track({ name: 'motion.pdf', bytes: pdf });
    await w.storage.put(toTruncated.key, Readable.from([pdf.subarray(0, 600)]));

    for (const d of [toPdf, toJunk, toTruncated]) await enqueueOcr(w, d.documentUuid);
    const [a, b, c] = await Promise.all([toPdf, toJunk, toTruncated].map((d) => waitForOcr(w, d.documentUuid)));
    expect({ ocr: a.ocr_status, type: a.detected_file_type, pages: a.page_count }).toEqual({
      ocr: 'completed',
      type: 'application/pdf',
      pages: generatedDocument('complaint.pdf').pages.length,
    });
    expect(a.raw_extracted_text).toMatch(/COMPLAINT FOR BREACH OF CONTRACT/);
    expect(b.ocr_status).toBe('failed');
    expect(b.error_message).toMatch(/"scan2\.png" is not a supported document type \(judged from its content, not its name\)/);
    expect(c.ocr_status).toBe('failed');
    expect(c.error_message).toMatch(/PDF|corrupt|pages/i);
  });
});
