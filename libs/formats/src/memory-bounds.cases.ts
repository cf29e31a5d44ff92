// Hostile inputs for memory-bounds.int-spec.ts: each case builds its input and runs one reader on it. They run in a
// worker thread whose V8 heap is capped, so a reader that builds a DOM or a tree of the whole input dies there.
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
