// Hostile inputs of modest size (R1-A, R1-B, R1-G, R1-D) must be read or refused with a readable FormatError within a
// bounded heap. Each case runs in a worker thread whose V8 old generation is capped at HEAP_MB: a reader that builds a
// DOM or a tree of the whole input (as html-to-text and mammoth did: 2.5 GB for 30 MB of unclosed tables) runs out of
// heap there and the worker dies with ERR_WORKER_OUT_OF_MEMORY, failing the test. Inputs are built inside the worker.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CaseResult } from './memory-bounds.cases';

const HEAP_MB = 400;
const ROOT = join(__dirname, '..', '..', '..');

const BOOT = `
const { workerData, parentPort } = require('node:worker_threads');
require(require.resolve('ts-node', { paths: [workerData.root] })).register({ transpileOnly: true, project: workerData.root + '/tsconfig.json' });
process.env.TS_NODE_PROJECT = workerData.root + '/tsconfig.json';
require(require.resolve('tsconfig-paths/register', { paths: [workerData.root] }));
const { runCase } = require(workerData.dir + '/memory-bounds.cases.ts');
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

jest.setTimeout(300_000);

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
