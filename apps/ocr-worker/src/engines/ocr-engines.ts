import { TextractClient } from '@aws-sdk/client-textract';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { OcrWorkerConfig } from '../config';
import { LocalEngine } from './local/local-engine';
import { PdfThreadPool } from './local/pdf-thread';
import { TesseractRunner } from './local/tesseract-runner';
import { TextractEngine } from './textract/textract-engine';

export const OCR_CONFIG = Symbol('OCR_CONFIG');

/**
 * Owns the engines and their long-lived resources: one PDF.js thread per
 * concurrent job, ONE tesseract worker per process (both created lazily), and
 * the Textract client. Everything is released on shutdown.
 */
@Injectable()
export class OcrEngines implements OnApplicationShutdown {
  readonly pdfPool: PdfThreadPool;
  readonly tesseract: TesseractRunner;
  readonly local: LocalEngine;
  private textractEngine?: TextractEngine;

  constructor(@Inject(OCR_CONFIG) private readonly config: OcrWorkerConfig) {
    this.pdfPool = new PdfThreadPool(config.ocrConcurrency, { heapMb: config.ocrPdfThreadHeapMb });
    this.tesseract = new TesseractRunner({ langPath: config.ocrTessdataDir, initTimeoutMs: config.ocrTesseractInitTimeoutMs });
    this.local = new LocalEngine(
      {
        maxPages: config.ocrMaxPages,
        pageTimeoutMs: config.ocrPageTimeoutMs,
        rasterDpi: config.ocrRasterDpi,
        minPageChars: config.ocrMinPageChars,
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
