import { TextractClient } from '@aws-sdk/client-textract';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { OcrWorkerConfig } from '../config';
import { LocalEngine } from './local/local-engine';
import { PdfThreadPool } from './local/pdf-thread';
import { TesseractPool } from './local/tesseract-pool';
import { TextractEngine } from './textract/textract-engine';

export const OCR_CONFIG = Symbol('OCR_CONFIG');

/**
 * Owns the engines and their long-lived resources: one PDF.js thread per
 * concurrent job, ONE bounded pool of tesseract workers per process shared by every job (OCR_TESSERACT_WORKERS,
 * recycled after OCR_TESSERACT_RECYCLE_PAGES pages; both created lazily), and
 * the Textract client. Everything is released on shutdown.
 */
@Injectable()
export class OcrEngines implements OnApplicationShutdown {
  readonly pdfPool: PdfThreadPool;
  readonly tesseract: TesseractPool;
  readonly local: LocalEngine;
  private textractEngine?: TextractEngine;

  constructor(@Inject(OCR_CONFIG) private readonly config: OcrWorkerConfig) {
    this.pdfPool = new PdfThreadPool(config.ocrConcurrency, { heapMb: config.ocrPdfThreadHeapMb });
    this.tesseract = new TesseractPool({
      size: config.ocrTesseractWorkers,
      recyclePages: config.ocrTesseractRecyclePages,
      langPath: config.ocrTessdataDir,
      initTimeoutMs: config.ocrTesseractInitTimeoutMs,
    });
    this.local = new LocalEngine(
      {
        maxPages: config.ocrMaxPages,
        pageTimeoutMs: config.ocrPageTimeoutMs,
        rasterDpi: config.ocrRasterDpi,
        minPageChars: config.ocrMinPageChars,
        maxImagePixels: config.ocrMaxImagePixels,
      },
      this.pdfPool,
      this.tesseract,
    );
  }

  get textract(): TextractEngine {
    this.textractEngine ??= new TextractEngine(
      new TextractClient({
        region: this.config.textractRegion,
        endpoint: this.config.textractEndpoint,
        maxAttempts: this.config.textractSdkMaxAttempts,
      }),
    );
    return this.textractEngine;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.pdfPool.close(), this.tesseract.terminate()]);
    this.textractEngine?.client.destroy();
  }
}
