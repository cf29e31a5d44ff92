// Hostile inputs of modest size (R1-A, R1-B, R1-G, R1-D) must be read or refused with a readable FormatError within a
// bounded heap. Each case runs in a worker thread whose V8 old generation is capped at HEAP_MB: a reader that builds a
// DOM or a tree of the whole input (as html-to-text and mammoth did: 2.5 GB for 30 MB of unclosed tables) runs out of
// heap there and the worker dies with ERR_WORKER_OUT_OF_MEMORY, failing the test. Inputs are built inside the worker.
// The cases are in this file too (the worker requires it: the jest part below runs only under jest), so that the
// library's build, which leaves specs out, never sees them.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildDocx } from './testing/docx';
import { buildEml, buildMsg } from './testing/mail';
import { DEFAULT_FORMAT_LIMITS, FormatError } from './types';

/** What a case ended with: the text it read, or the FormatError it refused with. */
export type CaseResult = { ok: true; chars: number } | { ok: false; code: string; message: string };

/** Formats sources resolved relative to `dir` (the current sources unless a measurement points elsewhere). */
type Loader = (module: string) => Record<string, (...args: unknown[]) => Promise<{ pages: Array<{ text: string }> }>>;

const datWithField = (chars: number): Buffer =>
  Buffer.concat([
    Buffer.from('\u00FEBEGDOC\u00FE\x14\u00FETEXT\u00FE\r\n\u00FEABC0001\u00FE\x14\u00FE', 'utf8'),
    Buffer.alloc(chars, 'x'),
    Buffer.from('\u00FE\r\n'),
  ]);

export const CASES: Record<string, (load: Loader) => Promise<unknown>> = {
  /** R1-A: 2,000,000 unclosed table cells (30 MB). */
  'html-unclosed-tables': (load) =>
    load('web').readHtml(Buffer.from('<html><body>' + '<table><tr><td>'.repeat(2_000_000) + 'x'), DEFAULT_FORMAT_LIMITS),
  /** R1-A: 5,000,000 nested <div>s (25 MB). */
  'html-nested-divs': (load) => load('web').readHtml(Buffer.from('<div>'.repeat(5_000_000) + 'deep'), DEFAULT_FORMAT_LIMITS),
  /** R1-A through e-mail: an EML whose HTML-only body is 3,000,000 nested <div>s. */
  'eml-html-divs': (load) =>
    load('mail').readEml(
      buildEml({ from: 'a@example.com', to: ['b@example.com'], subject: 'divs', html: '<div>'.repeat(3_000_000) + 'hello' }),
      DEFAULT_FORMAT_LIMITS,
    ),
  /** R1-B: 100,000 paragraphs (a ~270 KB DOCX). */
  'docx-paragraphs': async (load) =>
    load('office').readDocx(await buildDocx({ body: Array.from({ length: 100_000 }, (_, i) => `Paragraph ${i}`) }), DEFAULT_FORMAT_LIMITS),
  /** R1-G: an MSG whose HTML body is 3,000,000 <div>s. */
  'msg-html-divs': (load) =>
    load('mail').readMsg(
      buildMsg({ from: 'a@example.com', to: ['b@example.com'], subject: 'divs', html: '<div>'.repeat(3_000_000) + 'hello' }),
      DEFAULT_FORMAT_LIMITS,
    ),
  /** R1-G: an MSG of 25 M characters of plain body (50 MB UTF-16), over maxTextChars. */
  'msg-big-text': (load) =>
    load('mail').readMsg(
      buildMsg({ from: 'a@example.com', to: ['b@example.com'], subject: 'big', text: 'word '.repeat(5_000_000) }),
      DEFAULT_FORMAT_LIMITS,
    ),
  /** R1-D: a DAT whose one field is 100 MB. */
  'dat-huge-field': async (load) => (load('load-file') as unknown as { parseDat: (b: Buffer) => unknown }).parseDat(datWithField(100_000_000)),
};

/** Runs `name` and says how it ended (text length, or the refusal); anything but a FormatError is rethrown. */
export async function runCase(name: string, load: Loader): Promise<CaseResult> {
  try {
    const out = await CASES[name](load);
    const pages = (out as { pages?: Array<{ text: string }> }).pages;
    if (pages) return { ok: true, chars: pages.reduce((n, p) => n + p.text.length, 0) };
    const dat = out as { records: unknown[]; errors: Array<{ line: number; reason: string }> };
    return { ok: true, chars: dat.records.length, ...(dat.errors.length ? { errors: dat.errors } : {}) };
  } catch (err) {
    if (err instanceof FormatError || (err instanceof Error && err.name === 'FormatError')) {
      return { ok: false, code: (err as FormatError).code, message: err.message };
    }
    throw err;
  }
}

const HEAP_MB = 400;
const ROOT = join(__dirname, '..', '..', '..');

const BOOT = `
const { workerData, parentPort } = require('node:worker_threads');
require(require.resolve('ts-node', { paths: [workerData.root] })).register({ transpileOnly: true, project: workerData.root + '/tsconfig.json' });
process.env.TS_NODE_PROJECT = workerData.root + '/tsconfig.json';
require(require.resolve('tsconfig-paths/register', { paths: [workerData.root] }));
const { runCase } = require(workerData.dir + '/memory-bounds.int-spec.ts');
runCase(workerData.name, (m) => require(workerData.dir + '/' + m)).then(
  (r) => parentPort.postMessage(r),
  (e) => parentPort.postMessage({ thrown: String(e && e.stack || e) }),
);
`;

/** Runs one case in a heap-capped worker; rejects when the worker runs out of heap or the reader throws a non-FormatError. */
function inBoundedHeap(name: string): Promise<CaseResult & { errors?: Array<{ line: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, {
      eval: true,
      workerData: { root: ROOT, dir: __dirname, name },
      resourceLimits: { maxOldGenerationSizeMb: HEAP_MB, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    worker.once('message', (r: CaseResult & { thrown?: string }) => {
      settled = true;
      void worker.terminate();
      if (r.thrown) reject(new Error(`${name}: the reader threw something other than a FormatError: ${r.thrown}`));
      else resolve(r);
    });
    worker.once('error', (err) => {
      settled = true;
      reject(new Error(`${name}: the worker died (${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}): heap over ${HEAP_MB} MB?`));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`${name}: the worker exited with ${code} before answering`));
    });
  });
}

if (typeof jest !== 'undefined') jest.setTimeout(300_000);

if (typeof describe === 'function')
  describe(`readers stay within a ${HEAP_MB} MB heap on hostile inputs`, () => {
    it('R1-A: 30 MB of unclosed table cells (2,000,000 <table><tr><td>) is read', async () => {
      expect(await inBoundedHeap('html-unclosed-tables')).toEqual({ ok: true, chars: 1 });
    });

    it('R1-A: 5,000,000 nested <div>s is read, nesting irrelevant', async () => {
      expect(await inBoundedHeap('html-nested-divs')).toEqual({ ok: true, chars: 'deep'.length });
    });

    it('R1-A via e-mail: an EML whose HTML-only body is 3,000,000 nested <div>s', async () => {
      const r = await inBoundedHeap('eml-html-divs');
      expect(r.ok).toBe(true);
    });

    it('R1-B: a DOCX of 100,000 paragraphs is read (every paragraph, in order)', async () => {
      const r = await inBoundedHeap('docx-paragraphs');
      // "Paragraph i" for i < 100,000, each followed by a blank line in the body page (trimmed at the end).
      const expected = Array.from({ length: 100_000 }, (_, i) => `Paragraph ${i}`).join('\n\n').length;
      expect(r).toEqual({ ok: true, chars: expected });
    });

    it('R1-G: an MSG whose HTML body is 3,000,000 <div>s is read', async () => {
      const r = await inBoundedHeap('msg-html-divs');
      expect(r.ok).toBe(true);
    });

    it('R1-G: an MSG with 25 M characters of body is refused (too-large) before msgreader decodes it', async () => {
      const r = await inBoundedHeap('msg-big-text');
      expect(r).toMatchObject({ ok: false, code: 'too-large' });
      expect(r.ok === false && r.message).toMatch(/body holds 2500000[01] characters of text, over the 20000000 limit/);
    });

    it('R1-D: a DAT with one 100 MB field: that record is unreadable, with its line', async () => {
      const r = await inBoundedHeap('dat-huge-field');
      expect(r).toMatchObject({ ok: true, chars: 0 });
      expect(r.errors).toEqual([{ line: 2, reason: expect.stringMatching(/field "TEXT" is over 1 MiB/) as unknown }]);
    });
  });
