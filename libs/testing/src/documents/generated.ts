/**
 * The documents the test suites use by default, all made by the project itself (no ../shared needed):
 * text-layer PDFs of three filings written for the tests, a scanned (image-only) PDF, a PNG scan, a large
 * incompressible PNG and a corrupt PDF, each with its ground-truth text. Built once per process, in
 * memory; the same bytes on every run. `generatedDocumentPath` writes them to a temporary folder for
 * tests that need files on disk (CLI, storage drivers).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  complaintParagraphs,
  demandLetterPages,
  motionParagraphs,
  noticeOfAppearanceLines,
  paginate,
  schedulingOrderParagraphs,
  wrapParagraphs,
} from './filings';
import { buildMixedPdf, buildTextPdf } from './pdf';
import { noisePng, renderScanPng } from './scan';

export const GENERATED_DOCUMENT_NAMES = [
  'complaint.pdf',
  'motion.pdf',
  'order.pdf',
  'scanned-letter.pdf',
  'scanned-notice.png',
  'photo-noise.png',
  'corrupt.pdf',
] as const;
export type GeneratedDocumentName = (typeof GENERATED_DOCUMENT_NAMES)[number];

export interface GeneratedDocument {
  name: GeneratedDocumentName;
  bytes: Buffer;
  type: 'application/pdf' | 'image/png';
  /** Ground truth, page by page (lines joined by '\n'); [] for documents without text. */
  pages: string[];
  /** Ground truth of the whole document: the pages joined by '\n'. */
  text: string;
  /** Text layer (pdfjs reads it) or image only (needs OCR). */
  textLayer: boolean;
  /** Image size in pixels, for PNGs. */
  width?: number;
  height?: number;
}

/** Lines a text-layer page holds (11 pt on 14 pt leading, 1-inch margins). */
export const TEXT_PDF_LINES_PER_PAGE = 48;

/**
 * A deliberately broken PDF: a valid header and the start of an object, then the file stops (no
 * endobj, no xref table, no trailer, no %%EOF), padded with bytes that are no PDF syntax.
 */
export function corruptPdf(): Buffer {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n', 'latin1');
  const junk = Buffer.alloc(2048);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 131 + 7) & 0xff;
  return Buffer.concat([head, junk]);
}

function textPdf(name: 'complaint.pdf' | 'motion.pdf' | 'order.pdf', paragraphs: string[]): GeneratedDocument {
  const pages = paginate(wrapParagraphs(paragraphs), TEXT_PDF_LINES_PER_PAGE);
  const texts = pages.map((p) => p.join('\n'));
  return { name, bytes: buildTextPdf(pages), type: 'application/pdf', pages: texts, text: texts.join('\n'), textLayer: true };
}

const BUILDERS: Record<GeneratedDocumentName, () => GeneratedDocument> = {
  'complaint.pdf': () => textPdf('complaint.pdf', complaintParagraphs()),
  'motion.pdf': () => textPdf('motion.pdf', motionParagraphs()),
  'order.pdf': () => textPdf('order.pdf', schedulingOrderParagraphs()),
  'scanned-letter.pdf': () => {
    const letter = demandLetterPages();
    const pages = letter.map((l) => l.join('\n'));
    const bytes = buildMixedPdf(letter.map((lines) => ({ png: renderScanPng(lines).png })));
    return { name: 'scanned-letter.pdf', bytes, type: 'application/pdf', pages, text: pages.join('\n'), textLayer: false };
  },
  'scanned-notice.png': () => {
    const notice = noticeOfAppearanceLines();
    const scan = renderScanPng(notice);
    const text = notice.join('\n');
    return {
      name: 'scanned-notice.png',
      bytes: scan.png,
      type: 'image/png',
      pages: [text],
      text,
      textLayer: false,
      width: scan.width,
      height: scan.height,
    };
  },
  'photo-noise.png': () => ({
    name: 'photo-noise.png',
    bytes: noisePng(800, 600),
    type: 'image/png',
    pages: [],
    text: '',
    textLayer: false,
    width: 800,
    height: 600,
  }),
  'corrupt.pdf': () => ({ name: 'corrupt.pdf', bytes: corruptPdf(), type: 'application/pdf', pages: [], text: '', textLayer: false }),
};

const cache = new Map<GeneratedDocumentName, GeneratedDocument>();

/** One generated document (built on first use, then cached for the process). */
export function generatedDocument(name: GeneratedDocumentName): GeneratedDocument {
  let doc = cache.get(name);
  if (!doc) {
    const build = BUILDERS[name];
    if (!build) throw new Error(`no generated document ${name}; there are ${GENERATED_DOCUMENT_NAMES.join(', ')}`);
    doc = build();
    cache.set(name, doc);
  }
  return doc;
}

export function isGeneratedDocumentName(name: string): name is GeneratedDocumentName {
  return (GENERATED_DOCUMENT_NAMES as readonly string[]).includes(name);
}

/** The bytes of a generated document. */
export const generatedBytes = (name: GeneratedDocumentName): Buffer => generatedDocument(name).bytes;

let dir: string | undefined;

/** The path of a generated document written to this process's temporary folder (removed at exit). */
export function generatedDocumentPath(name: GeneratedDocumentName): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'casegraph-documents-'));
    const made = dir;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  const path = join(dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, generatedDocument(name).bytes);
  return path;
}

/** Writes the generated documents (default: all) into `target`, with their ground truth as <name>.txt if `text`; returns the paths. */
export function writeGeneratedDocuments(
  target: string,
  names: readonly GeneratedDocumentName[] = GENERATED_DOCUMENT_NAMES,
  opts: { text?: boolean } = {},
): string[] {
  mkdirSync(target, { recursive: true });
  const out: string[] = [];
  for (const name of names) {
    const d = generatedDocument(name);
    writeFileSync(join(target, name), d.bytes);
    out.push(join(target, name));
    if (opts.text && d.text) writeFileSync(join(target, `${name}.txt`), `${d.text}\n`);
  }
  return out;
}
