/**
 * PDF.js, loaded when a PDF is first shown: the library runs without eval (isEvalSupported: false) and its worker
 * is the built copy served from /assets (same origin), so it works under the app's Content-Security-Policy. The
 * bytes are fetched with the session cookie (same origin) and handed over as data: PDF.js never fetches a URL.
 */
import type { PDFDocumentProxy } from 'pdfjs-dist';

export const PDF_WORKER_SRC = '/assets/pdf.worker.min.mjs';

export interface PdfPageSize {
  width: number;
  height: number;
}

export interface PdfDocument {
  pageCount: number;
  /** Page `n`'s size at scale 1 (CSS pixels). */
  pageSize(n: number): Promise<PdfPageSize>;
  /** Draws page `n` into `canvas`, `cssWidth` pixels wide (sharp on high-density screens). */
  render(n: number, canvas: HTMLCanvasElement, cssWidth: number): Promise<void>;
  destroy(): void;
}

let library: Promise<typeof import('pdfjs-dist')> | null = null;

function load(): Promise<typeof import('pdfjs-dist')> {
  library ??= import('pdfjs-dist').then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = PDF_WORKER_SRC;
    return pdfjs;
  });
  return library;
}

/** The drawing in progress on each canvas: a new one cancels it first (PDF.js refuses two on one canvas). */
const drawing = new WeakMap<HTMLCanvasElement, { cancel(): void; promise: Promise<void> }>();

export async function openPdf(url: string, signal?: AbortSignal): Promise<PdfDocument> {
  const [pdfjs, bytes] = await Promise.all([
    load(),
    fetch(url, { credentials: 'same-origin', signal, cache: 'no-store' }).then(async (res) => {
      if (!res.ok) throw new Error(`The original could not be loaded (${res.status})`);
      return new Uint8Array(await res.arrayBuffer());
    }),
  ]);
  const task = pdfjs.getDocument({ data: bytes, isEvalSupported: false, enableXfa: false });
  signal?.addEventListener('abort', () => void task.destroy());
  const doc: PDFDocumentProxy = await task.promise;
  return {
    pageCount: doc.numPages,
    async pageSize(n) {
      const page = await doc.getPage(n);
      const v = page.getViewport({ scale: 1 });
      return { width: v.width, height: v.height };
    },
    render(n, canvas, cssWidth) {
      const previous = drawing.get(canvas);
      previous?.cancel();
      let cancelled = false;
      let task: { cancel(): void } | undefined;
      const promise = (async () => {
        await previous?.promise.catch(() => undefined);
        if (cancelled) return;
        const page = await doc.getPage(n);
        if (cancelled) return;
        const base = page.getViewport({ scale: 1 });
        const ratio = window.devicePixelRatio || 1;
        const viewport = page.getViewport({ scale: (cssWidth / base.width) * ratio });
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
        canvas.style.height = `${Math.floor(viewport.height / ratio)}px`;
        const rendering = page.render({ canvas, viewport });
        task = rendering;
        try {
          await rendering.promise;
        } finally {
          page.cleanup();
        }
      })();
      const entry = {
        cancel() {
          cancelled = true;
          task?.cancel();
        },
        promise,
      };
      drawing.set(canvas, entry);
      return promise.finally(() => {
        if (drawing.get(canvas) === entry) drawing.delete(canvas);
      });
    },
    destroy() {
      void doc.destroy();
    },
  };
}
