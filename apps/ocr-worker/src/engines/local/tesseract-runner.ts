import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Worker as TesseractWorker } from 'tesseract.js';

export interface TesseractRunnerOptions {
  /** Folder with eng.traineddata or eng.traineddata.gz; default: the @tesseract.js-data/eng package. */
  langPath?: string;
  /** Longest wait for the worker to start. */
  initTimeoutMs: number;
}

/** Tesseract could not start (missing or unreadable language data, timeout). */
export class TesseractInitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TesseractInitError';
  }
}

/** One recognition exceeded its time limit; the worker was terminated. */
export class TesseractTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`tesseract took longer than ${ms} ms`);
    this.name = 'TesseractTimeoutError';
  }
}

export interface RecognizeResult {
  text: string;
  confidence: number;
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * ONE long-lived tesseract.js worker per process, created lazily on the first
 * page that needs OCR, with local language data only (no network, no cache
 * writes). Recognitions are serialised (the worker runs one at a time). A
 * timeout terminates the worker; the next call creates a new one.
 */
export class TesseractRunner {
  private worker?: Promise<TesseractWorker>;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly req = createRequire(__filename);
  /** Workers created so far (a restart after a timeout adds one). */
  created = 0;

  constructor(private readonly options: TesseractRunnerOptions) {}

  /** Language data folder and whether it is gzipped. */
  languageData(): { langPath: string; gzip: boolean } {
    const langPath =
      this.options.langPath ?? (this.req('@tesseract.js-data/eng') as { langPath: string }).langPath;
    if (existsSync(join(langPath, 'eng.traineddata'))) return { langPath, gzip: false };
    if (existsSync(join(langPath, 'eng.traineddata.gz'))) return { langPath, gzip: true };
    throw new TesseractInitError(`no eng.traineddata(.gz) in ${langPath} (OCR_TESSDATA_DIR)`);
  }

  private start(): Promise<TesseractWorker> {
    const created = (async () => {
      const { langPath, gzip } = this.languageData();
      const tesseract = this.req('tesseract.js') as typeof import('tesseract.js');
      let failure: unknown;
      const pending = tesseract.createWorker('eng', tesseract.OEM.LSTM_ONLY, {
        langPath,
        gzip,
        cacheMethod: 'none',
        // Without a handler tesseract.js throws worker errors where nothing can catch them.
        errorHandler: (err: unknown) => {
          failure = err;
        },
      });
      try {
        const worker = await withTimeout(
          pending,
          this.options.initTimeoutMs,
          () => new TesseractInitError(`tesseract did not start within ${this.options.initTimeoutMs} ms`),
        );
        this.created++;
        return worker;
      } catch (err) {
        pending.then((w) => w.terminate()).catch(() => undefined);
        if (err instanceof TesseractInitError) throw err;
        throw new TesseractInitError(`tesseract could not start: ${String((err as Error)?.message ?? err ?? failure)}`);
      }
    })();
    created.catch(() => {
      if (this.worker === created) this.worker = undefined;
    });
    this.worker = created;
    return created;
  }

  /** Recognises one image (PNG, JPEG, TIFF, BMP or PGM bytes). */
  recognize(image: Buffer | Uint8Array, timeoutMs: number): Promise<RecognizeResult> {
    const run = async (): Promise<RecognizeResult> => {
      const worker = await (this.worker ?? this.start());
      const job = worker.recognize(Buffer.isBuffer(image) ? image : Buffer.from(image.buffer, image.byteOffset, image.byteLength));
      try {
        const { data } = await withTimeout(job, timeoutMs, () => new TesseractTimeoutError(timeoutMs));
        return { text: data.text ?? '', confidence: Number.isFinite(data.confidence) ? data.confidence : 0 };
      } catch (err) {
        if (err instanceof TesseractTimeoutError) await this.terminate();
        if (err instanceof Error) throw err;
        throw new Error(`tesseract failed: ${String(err)}`);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async terminate(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.then((worker) => worker.terminate()).catch(() => undefined);
  }
}
