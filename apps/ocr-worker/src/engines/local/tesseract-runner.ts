import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import type { Worker as TesseractWorker } from 'tesseract.js';

export interface TesseractRunnerOptions {
  /**
   * Folder with eng.traineddata or eng.traineddata.gz; default: the project's packaged data
   * (apps/ocr-worker/tessdata, tessdata_fast eng; see packagedTessdataDir).
   */
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

/** The runner was terminated (the worker is shutting down) while a page was being recognised. */
export class TesseractStoppedError extends Error {
  constructor() {
    super('tesseract was stopped before the page was recognised (the worker is shutting down)');
    this.name = 'TesseractStoppedError';
  }
}

export interface RecognizeResult {
  text: string;
  confidence: number;
}

interface Running {
  api: TesseractWorker;
  /** The worker_threads Worker behind it (tesseract.js exposes it as `worker`). */
  thread?: ThreadWorker;
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
 * The English model shipped with the OCR worker (apps/ocr-worker/tessdata: tessdata_fast eng, see its README),
 * found from wherever this code runs: the webpack build copies the folder beside main.js
 * (dist/apps/ocr-worker/tessdata), the source tree (ts-node, jest) has it three folders up from this file, and
 * from the repository root it is apps/ocr-worker/tessdata. Undefined when none of them has the model.
 */
export function packagedTessdataDir(): string | undefined {
  const candidates = [
    join(__dirname, 'tessdata'),
    join(__dirname, '..', '..', '..', 'tessdata'),
    join(process.cwd(), 'apps', 'ocr-worker', 'tessdata'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'eng.traineddata')));
}

let lastSpawned: ThreadWorker | undefined;
let tesseractModule: typeof import('tesseract.js') | undefined;

/**
 * Loads tesseract.js with a worker_threads.Worker that records each thread it
 * creates, so a worker whose start-up fails (tesseract.js never hands it out)
 * can still be terminated. tesseract.js takes `Worker` from worker_threads once,
 * when its spawn module loads; the original class is put back right after.
 */
function loadTesseract(req: NodeRequire): typeof import('tesseract.js') {
  if (tesseractModule) return tesseractModule;
  const threads = req('node:worker_threads') as typeof import('node:worker_threads');
  const Original = threads.Worker;
  class RecordedWorker extends Original {
    constructor(...args: ConstructorParameters<typeof Original>) {
      super(...args);
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- records the new thread so a failed start can still terminate it
      lastSpawned = this;
    }
  }
  (threads as { Worker: typeof Original }).Worker = RecordedWorker;
  try {
    tesseractModule = req('tesseract.js') as typeof import('tesseract.js');
  } finally {
    (threads as { Worker: typeof Original }).Worker = Original;
  }
  return tesseractModule;
}

/**
 * Stops a tesseract.js thread for good. Its own message listener is removed
 * first: after a failure tesseract.js can receive answers for jobs it already
 * dropped and then throws inside an event handler, where nothing can catch it.
 */
function retire(thread: ThreadWorker | undefined): void {
  if (!thread) return;
  thread.removeAllListeners('message');
  thread.on('message', () => undefined);
  thread.on('error', () => undefined);
  void thread.terminate().catch(() => undefined);
}

/**
 * ONE long-lived tesseract.js worker per process, created lazily on the first
 * page that needs OCR, with local language data only (no network, no cache
 * writes). Recognitions are serialised (the worker runs one at a time).
 *
 * tesseract.js's createWorker never settles when the language data cannot be
 * initialised, and reports worker errors only through a callback; so start-up
 * is raced against that callback and a timeout, and a failed or timed-out
 * worker thread is terminated (its thread is recorded when spawned). After
 * any failed recognition the worker is replaced: a WASM abort leaves it unusable.
 */
export class TesseractRunner {
  private running?: Promise<Running>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Counts terminate() calls: a recognition asked for before one is stopped by it. */
  private generation = 0;
  /** Rejects the recognitions in flight when terminate() is called. */
  private readonly inFlight = new Set<(err: Error) => void>();
  private readonly req = createRequire(__filename);
  /** Workers created so far (a restart after a failure adds one). */
  created = 0;
  /** Pages recognised at once: one (see TesseractPool for more). */
  readonly size = 1;

  constructor(private readonly options: TesseractRunnerOptions) {}

  /**
   * Language data folder and whether it is gzipped: OCR_TESSDATA_DIR, else the packaged tessdata_fast model,
   * else (a build without the folder) the @tesseract.js-data/eng package's standard model.
   */
  languageData(): { langPath: string; gzip: boolean } {
    const langPath = this.options.langPath ?? packagedTessdataDir() ?? (this.req('@tesseract.js-data/eng') as { langPath: string }).langPath;
    if (existsSync(join(langPath, 'eng.traineddata'))) return { langPath, gzip: false };
    if (existsSync(join(langPath, 'eng.traineddata.gz'))) return { langPath, gzip: true };
    throw new TesseractInitError(`no eng.traineddata(.gz) in ${langPath} (OCR_TESSDATA_DIR)`);
  }

  private start(): Promise<Running> {
    const started = (async (): Promise<Running> => {
      const { langPath, gzip } = this.languageData();
      const tesseract = loadTesseract(this.req);
      let ready = false;
      let running: Running | undefined;
      let failInit!: (err: Error) => void;
      const initFailed = new Promise<never>((_, reject) => (failInit = reject));
      lastSpawned = undefined;
      const pending = tesseract.createWorker('eng', tesseract.OEM.LSTM_ONLY, {
        langPath,
        gzip,
        cacheMethod: 'none',
        errorHandler: (err: unknown) => {
          if (!ready) {
            failInit(new TesseractInitError(`tesseract could not start: ${String((err as Error)?.message ?? err)}`));
            retire(thread);
          } else if (running) {
            // A failed job: the caller sees its rejection; the worker is replaced.
            if (this.runningValue === running) {
              this.running = undefined;
              this.runningValue = undefined;
            }
            retire(running.thread);
          }
        },
      });
      // createWorker spawns its thread synchronously, before its first await.
      const thread = lastSpawned as ThreadWorker | undefined;
      try {
        const api = await withTimeout(
          Promise.race([pending, initFailed]),
          this.options.initTimeoutMs,
          () => new TesseractInitError(`tesseract did not start within ${this.options.initTimeoutMs} ms`),
        );
        ready = true;
        running = { api, thread: thread ?? (api as unknown as { worker?: ThreadWorker }).worker };
        this.runningValue = running;
        this.created++;
        return running;
      } catch (err) {
        retire(thread);
        throw err instanceof TesseractInitError
          ? err
          : new TesseractInitError(`tesseract could not start: ${String((err as Error)?.message ?? err)}`);
      }
    })();
    started.catch(() => {
      if (this.running === started) this.running = undefined;
    });
    this.running = started;
    return started;
  }

  private runningValue?: Running;

  /** Recognises one image (PNG, JPEG, TIFF, BMP or PGM bytes). */
  recognize(image: Buffer | Uint8Array, timeoutMs: number): Promise<RecognizeResult> {
    const generation = this.generation; // asked before a terminate(): stopped by it, even if still queued
    const run = async (): Promise<RecognizeResult> => {
      if (generation !== this.generation) throw new TesseractStoppedError();
      const running = await (this.running ?? this.start());
      if (generation !== this.generation) throw new TesseractStoppedError(); // terminated while starting
      const bytes = Buffer.isBuffer(image) ? image : Buffer.from(image.buffer, image.byteOffset, image.byteLength);
      try {
        const { data } = await withTimeout(this.untilStopped(running.api.recognize(bytes)), timeoutMs, () => new TesseractTimeoutError(timeoutMs));
        return { text: data.text ?? '', confidence: Number.isFinite(data.confidence) ? data.confidence : 0 };
      } catch (err) {
        // Timed out or failed: this worker is done; the next page gets a new one.
        if (this.runningValue === running) {
          this.running = undefined;
          this.runningValue = undefined;
        }
        retire(running.thread);
        if (err instanceof Error) throw err;
        throw new Error(`tesseract failed: ${String(err)}`);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** `p`, or a TesseractStoppedError as soon as terminate() is called. */
  private untilStopped<T>(p: Promise<T>): Promise<T> {
    let stop!: (err: Error) => void;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    this.inFlight.add(stop);
    p.catch(() => undefined); // may settle after the stop, unobserved
    return Promise.race([p, stopped]).finally(() => this.inFlight.delete(stop));
  }

  /**
   * Stops the worker thread. Not through the tesseract.js API: its terminate() nulls the worker, and a
   * recognize() still preparing its image then throws from an unawaited send (an unhandled rejection that
   * kills the process). Ending the thread itself is safe; recognitions in flight reject with TesseractStoppedError.
   */
  async terminate(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    this.runningValue = undefined;
    this.generation++;
    for (const stop of [...this.inFlight]) stop(new TesseractStoppedError());
    if (r) {
      await r
        .then(async (running) => {
          if (running.thread) retire(running.thread);
          else await running.api.terminate().catch(() => undefined); // no thread recorded: only the API can end it
        })
        .catch(() => undefined);
    }
  }
}
