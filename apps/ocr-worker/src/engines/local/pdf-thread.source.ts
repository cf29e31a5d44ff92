/**
 * Source of the PDF.js worker thread, started with `new Worker(source, { eval: true })`.
 *
 * Why a thread and why a string:
 * - pdfjs-dist 5 is ESM only. A real `import()` inside a worker thread runs on
 *   Node's own loader, so the same code works under jest (whose module system
 *   cannot load it), ts-node and the webpack bundle (which would rewrite it).
 * - The legacy build installs core-js polyfills on the GLOBAL objects
 *   (Array.prototype.push, Promise.withResolvers, Set methods, `navigator`,
 *   DOMMatrix...). In a thread they only touch the thread's own realm, never
 *   the worker process.
 * - A thread has its own heap limit (resourceLimits) and can be terminated, so
 *   a hostile PDF is bounded in memory and in time.
 *
 * It is plain JavaScript in a string so that no compiler or bundler rewrites
 * it. Protocol: requests `{ id, op, ... }`, answers `{ id, ok: true, ... }` or
 * `{ id, ok: false, error: { name, message } }`. One document is open at a time.
 */
export const PDF_THREAD_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');

let pdfjs = null;
let createCanvas = null;
let doc = null;

async function load() {
  if (pdfjs) return pdfjs;
  const nativePush = Array.prototype.push;
  pdfjs = await import(pathToFileURL(workerData.pdfjsPath).href);
  // Load PDF.js's "worker" half in this same thread (no nested worker).
  globalThis.pdfjsWorker = await import(pathToFileURL(workerData.pdfjsWorkerPath).href);
  // core-js replaces Array.prototype.push with a slower, spec-pedantic version on
  // V8 builds it considers non-compliant; PDF.js does not need it (~30% faster).
  Array.prototype.push = nativePush;
  createCanvas = require(workerData.canvasPath).createCanvas;
  return pdfjs;
}

function errorOf(err) {
  // code: PDF.js's PasswordException carries 1 (a password is needed) or 2 (the password given is wrong).
  const code = err && typeof err.code === 'number' ? err.code : undefined;
  return { name: (err && err.name) || 'Error', message: String((err && err.message) || err), code };
}

async function open(msg) {
  const lib = await load();
  if (doc) { try { await doc.destroy(); } catch {} doc = null; }
  const task = lib.getDocument({
    data: new Uint8Array(msg.data),
    password: msg.password || undefined,
    standardFontDataUrl: workerData.standardFontDataUrl,
    cMapUrl: workerData.cMapUrl,
    cMapPacked: true,
    wasmUrl: workerData.wasmUrl,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  // Without a password callback PDF.js rejects with a PasswordException.
  doc = await task.promise;
  return { numPages: doc.numPages };
}

function imageCoverage(ops, OPS, pageArea) {
  // Largest fraction of the page covered by one painted image (tracks the CTM).
  let ctm = [1, 0, 0, 1, 0, 0];
  const stack = [];
  let best = 0;
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    if (fn === OPS.save) stack.push(ctm.slice());
    else if (fn === OPS.restore) ctm = stack.pop() || [1, 0, 0, 1, 0, 0];
    else if (fn === OPS.transform) {
      const m = ops.argsArray[i];
      ctm = [
        ctm[0] * m[0] + ctm[2] * m[1], ctm[1] * m[0] + ctm[3] * m[1],
        ctm[0] * m[2] + ctm[2] * m[3], ctm[1] * m[2] + ctm[3] * m[3],
        ctm[0] * m[4] + ctm[2] * m[5] + ctm[4], ctm[1] * m[4] + ctm[3] * m[5] + ctm[5],
      ];
    } else if (fn === OPS.paintImageXObject || fn === OPS.paintInlineImageXObject || fn === OPS.paintImageMaskXObject) {
      const area = Math.abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]);
      best = Math.max(best, area / pageArea);
    }
  }
  return Math.min(1, best);
}

async function text(msg) {
  const page = await doc.getPage(msg.page);
  try {
    const content = await page.getTextContent();
    const items = [];
    for (const it of content.items) {
      if (typeof it.str !== 'string') continue; // marked-content markers
      items.push([it.str, it.transform[4], it.transform[5], it.width, it.height || Math.hypot(it.transform[2], it.transform[3]), it.hasEOL ? 1 : 0]);
    }
    let coverage = null;
    if (msg.withCoverage) {
      const vp = page.getViewport({ scale: 1 });
      const ops = await page.getOperatorList();
      coverage = imageCoverage(ops, pdfjs.OPS, Math.max(1, vp.width * vp.height));
    }
    return { items, coverage };
  } finally {
    page.cleanup();
  }
}

async function raster(msg) {
  const page = await doc.getPage(msg.page);
  let canvas = null;
  try {
    const viewport = page.getViewport({ scale: msg.dpi / 72 });
    const width = Math.max(1, Math.ceil(viewport.width));
    const height = Math.max(1, Math.ceil(viewport.height));
    if (width * height > msg.maxPixels) {
      const e = new Error('page ' + msg.page + ' is ' + width + 'x' + height + ' px at ' + msg.dpi + ' dpi, over the limit of ' + msg.maxPixels + ' px');
      e.name = 'PageTooLargeError';
      throw e;
    }
    canvas = createCanvas(width, height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    await page.render({ canvas, canvasContext: ctx, viewport, background: '#ffffff' }).promise;
    const rgba = ctx.getImageData(0, 0, width, height).data;
    // Binary PGM (P5): tesseract's Leptonica reads it without any encode/decode cost.
    const header = Buffer.from('P5\n' + width + ' ' + height + '\n255\n', 'latin1');
    const out = new Uint8Array(header.length + width * height);
    out.set(header, 0);
    for (let i = 0, o = header.length; i < rgba.length; i += 4, o++) {
      out[o] = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
    }
    return { width, height, image: out.buffer, transfer: [out.buffer] };
  } finally {
    if (canvas) { canvas.width = 0; canvas.height = 0; }
    page.cleanup();
  }
}

async function close() {
  if (doc) { const d = doc; doc = null; await d.destroy(); }
  return {};
}

const handlers = { open, text, raster, close };

parentPort.on('message', async (msg) => {
  try {
    const handler = handlers[msg.op];
    if (!handler) throw new Error('unknown op ' + msg.op);
    if (msg.op !== 'open' && msg.op !== 'close' && !doc) throw new Error('no document is open');
    const result = await handler(msg);
    const transfer = result.transfer || [];
    delete result.transfer;
    parentPort.postMessage({ id: msg.id, ok: true, ...result }, transfer);
  } catch (err) {
    parentPort.postMessage({ id: msg.id, ok: false, error: errorOf(err) });
  }
});
`;
