import { RecognizeResult, TesseractRunner, TesseractRunnerOptions, TesseractStoppedError } from './tesseract-runner';

/** What the local engine needs from tesseract: one page at a time, `size` pages at once. */
export interface PageRecognizer {
  /** Pages recognised at once (1 for a single runner). */
  readonly size?: number;
  recognize(image: Buffer | Uint8Array, timeoutMs: number): Promise<RecognizeResult>;
  terminate(): Promise<void>;
}

export interface TesseractPoolOptions extends TesseractRunnerOptions {
  /** tesseract.js workers (each one a thread running one page at a time). */
  size: number;
  /** A worker is replaced after this many pages (tesseract.js's WASM heap only grows). */
  recyclePages: number;
}

interface Slot {
  runner: TesseractRunner;
  pages: number;
}

/**
 * A bounded pool of tesseract.js workers shared by every job of the process: at most `size` pages are
 * recognised at once, whatever the number of jobs (OCR_CONCURRENCY) and of pages each job has ready. Each
 * worker is a TesseractRunner (lazy start, init timeout, replaced after a failure or a timeout); after
 * `recyclePages` pages it is terminated and a new one takes its place. Pages wait in FIFO order for a free
 * worker. terminate() stops the pages being recognised and those waiting (TesseractStoppedError).
 */
export class TesseractPool implements PageRecognizer {
  readonly size: number;
  private readonly idle: Slot[] = [];
  private readonly waiters: Array<{ resolve: (s: Slot) => void; reject: (e: Error) => void }> = [];
  private readonly slots: Slot[] = [];
  private generation = 0;
  /** Workers created by runners already retired (recycled). */
  private retiredCreated = 0;
  /** Workers replaced because they reached recyclePages. */
  recycled = 0;
  /** Pages being recognised now, and the most there have been at once. */
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly options: TesseractPoolOptions) {
    this.size = Math.max(1, Math.floor(options.size));
  }

  /** tesseract.js workers started so far (restarts after failures and recycling included). */
  get created(): number {
    return this.retiredCreated + this.slots.reduce((n, s) => n + s.runner.created, 0);
  }

  private newRunner(): TesseractRunner {
    return new TesseractRunner({ langPath: this.options.langPath, initTimeoutMs: this.options.initTimeoutMs });
  }

  private acquire(): Promise<Slot> {
    const free = this.idle.pop();
    if (free) return Promise.resolve(free);
    if (this.slots.length < this.size) {
      const slot: Slot = { runner: this.newRunner(), pages: 0 };
      this.slots.push(slot);
      return Promise.resolve(slot);
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private release(slot: Slot): void {
    if (slot.pages >= this.options.recyclePages) {
      const old = slot.runner;
      this.retiredCreated += old.created;
      slot.runner = this.newRunner();
      slot.pages = 0;
      this.recycled++;
      void old.terminate();
    }
    const next = this.waiters.shift();
    if (next) next.resolve(slot);
    else this.idle.push(slot);
  }

  async recognize(image: Buffer | Uint8Array, timeoutMs: number): Promise<RecognizeResult> {
    const generation = this.generation;
    const slot = await this.acquire();
    if (generation !== this.generation) {
      this.release(slot);
      throw new TesseractStoppedError();
    }
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await slot.runner.recognize(image, timeoutMs);
    } finally {
      this.inFlight--;
      slot.pages++;
      this.release(slot);
    }
  }

  /** Stops every worker; pages in flight and waiting reject with TesseractStoppedError. The pool can be used again. */
  async terminate(): Promise<void> {
    this.generation++;
    for (const w of this.waiters.splice(0)) w.reject(new TesseractStoppedError());
    await Promise.all(this.slots.map((s) => s.runner.terminate()));
  }
}
