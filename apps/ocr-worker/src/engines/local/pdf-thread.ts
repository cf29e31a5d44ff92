import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PDF_THREAD_SOURCE } from './pdf-thread.source';

/** A text item of PDF.js, compacted: [str, x, y, width, height, hasEOL]. */
export type RawTextItem = [string, number, number, number, number, 0 | 1];

/** Error raised in the PDF thread, with PDF.js's exception name (PasswordException, InvalidPDFException...). */
export class PdfThreadError extends Error {
  constructor(
    name: string,
    message: string,
    /** PDF.js's numeric code, where it has one (PasswordException: 1 = password needed, 2 = wrong password). */
    readonly code?: number,
  ) {
    super(message);
    this.name = name;
  }
}

/** The thread did not answer within the time limit and was terminated. */
export class PdfThreadTimeoutError extends Error {
  constructor(
    readonly op: string,
    readonly ms: number,
  ) {
    super(`PDF ${op} took longer than ${ms} ms`);
    this.name = 'PdfThreadTimeoutError';
  }
}

/** The thread died (out of memory, crash) while working. */
export class PdfThreadExitError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'PdfThreadExitError';
  }
}

export interface PdfThreadOptions {
  /** Old-space limit of the thread in MiB. */
  heapMb: number;
}

/**
 * Paths of pdfjs-dist and @napi-rs/canvas, resolved by Node's real resolver from
 * this file. `__filename` is the real file under ts-node and jest, and the bundle
 * under webpack (Nest's config keeps `__filename`), so all three find node_modules.
 */
function modulePaths() {
  const req = createRequire(__filename);
  const pdfjsPath = req.resolve('pdfjs-dist/legacy/build/pdf.mjs');
  const root = dirname(dirname(dirname(pdfjsPath)));
  const dir = (name: string) => join(root, name) + '/';
  return {
    pdfjsPath,
    pdfjsWorkerPath: join(dirname(pdfjsPath), 'pdf.worker.mjs'),
    canvasPath: req.resolve('@napi-rs/canvas'),
    standardFontDataUrl: dir('standard_fonts'),
    cMapUrl: dir('cmaps'),
    wasmUrl: dir('wasm'),
  };
}

let cachedPaths: ReturnType<typeof modulePaths> | undefined;

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
  op: string;
}

/**
 * One PDF.js thread. Requests are answered in order; a request that exceeds its
 * time limit terminates the thread (the only way to stop PDF.js mid-page) and
 * the thread is replaced on the next use.
 */
export class PdfThread {
  private worker?: Worker;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: PdfThreadOptions) {}

  get alive(): boolean {
    return !!this.worker;
  }

  private spawn(): Worker {
    cachedPaths ??= modulePaths();
    const worker = new Worker(PDF_THREAD_SOURCE, {
      eval: true,
      workerData: cachedPaths,
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    worker.on('message', (msg: { id: number; ok: boolean; error?: { name: string; message: string; code?: number } }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg);
      else p.reject(new PdfThreadError(msg.error?.name ?? 'Error', msg.error?.message ?? 'unknown error', msg.error?.code));
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        this.pending.delete(id);
        p.reject(err);
      }
    };
    worker.on('error', (err: Error & { code?: string }) =>
      fail(
        new PdfThreadExitError(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `the PDF needs more memory than the thread's limit of ${this.options.heapMb} MiB`
            : `PDF thread crashed: ${err.message}`,
          err.code,
        ),
      ),
    );
    worker.on('exit', (code) => fail(new PdfThreadExitError(`PDF thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  /** Sends one request; `timeoutMs` terminates the thread when exceeded. */
  request<T extends Record<string, unknown>>(
    op: string,
    payload: Record<string, unknown>,
    timeoutMs: number,
    transfer: ArrayBuffer[] = [],
  ): Promise<T> {
    const worker = this.worker ?? this.spawn();
    worker.ref();
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { resolve: resolve as Pending['resolve'], reject, op };
      entry.timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new PdfThreadTimeoutError(op, timeoutMs));
        void this.terminate();
      }, timeoutMs);
      this.pending.set(id, entry);
      worker.postMessage({ id, op, ...payload }, transfer);
    }).finally(() => {
      if (!this.pending.size) this.worker?.unref();
    });
  }

  async terminate(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate().catch(() => undefined);
  }
}

/**
 * A fixed set of PDF threads, one per concurrent job. A job leases a thread for
 * the whole document and gives it back afterwards; threads stay warm between
 * documents (loading PDF.js costs ~200 ms).
 */
export class PdfThreadPool {
  private readonly idle: PdfThread[] = [];
  private readonly waiters: Array<(t: PdfThread) => void> = [];
  private readonly all: PdfThread[] = [];
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly options: PdfThreadOptions,
  ) {}

  async lease(): Promise<PdfThread> {
    if (this.closed) throw new Error('PDF thread pool is closed');
    const t = this.idle.pop();
    if (t) return t;
    if (this.all.length < this.size) {
      const created = new PdfThread(this.options);
      this.all.push(created);
      return created;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(thread: PdfThread): void {
    const next = this.waiters.shift();
    if (next) next(thread);
    else this.idle.push(thread);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((t) => t.terminate()));
  }
}
