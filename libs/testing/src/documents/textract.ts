/**
 * Textract-shaped responses synthesised from a known text (a generated document's ground truth), so the
 * Textract stand-in and the block parser work without the saved real responses: PAGE blocks whose CHILD
 * relationship lists their LINEs in reading order, LINE blocks with Text and CHILD WORDs, WORD blocks with
 * TextType, and for each a Confidence, a Geometry (BoundingBox and Polygon, page-relative) and a Page
 * number (multi-page responses only, as Textract does). Ids are derived from the text: same input, same
 * response.
 */
import { createHash } from 'node:crypto';

export interface SynthBlock {
  BlockType: 'PAGE' | 'LINE' | 'WORD';
  Id: string;
  Confidence?: number;
  Text?: string;
  TextType?: 'PRINTED';
  Page?: number;
  Geometry: {
    BoundingBox: { Width: number; Height: number; Left: number; Top: number };
    Polygon: Array<{ X: number; Y: number }>;
  };
  Relationships?: Array<{ Type: 'CHILD'; Ids: string[] }>;
}

export interface SynthTextractDocument {
  DocumentMetadata: { Pages: number };
  JobStatus?: 'SUCCEEDED';
  DetectDocumentTextModelVersion: string;
  Blocks: SynthBlock[];
}

function blockId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function geometry(left: number, top: number, width: number, height: number): SynthBlock['Geometry'] {
  const r = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    BoundingBox: { Width: r(width), Height: r(height), Left: r(left), Top: r(top) },
    Polygon: [
      { X: r(left), Y: r(top) },
      { X: r(left + width), Y: r(top) },
      { X: r(left + width), Y: r(top + height) },
      { X: r(left), Y: r(top + height) },
    ],
  };
}

/** Deterministic confidence in [lo, hi) from a seed. */
function confidence(seed: string, lo = 97, hi = 99.95): number {
  const n = createHash('sha256').update(seed).digest().readUInt32BE(0) / 0x1_0000_0000;
  return Math.round((lo + n * (hi - lo)) * 1e4) / 1e4;
}

/**
 * The blocks Textract would return for `pages` (each a text with '\n' between lines; blank lines give
 * no LINE block). `idSeed` makes the ids of two documents with the same text differ.
 */
export function synthTextractBlocks(pages: string[], idSeed = ''): SynthBlock[] {
  const blocks: SynthBlock[] = [];
  const multi = pages.length > 1;
  pages.forEach((pageText, p) => {
    const page = p + 1;
    const lines = pageText.split('\n');
    const pageBlock: SynthBlock = {
      BlockType: 'PAGE',
      Id: blockId(`${idSeed}/p${page}`),
      Geometry: geometry(0, 0, 1, 1),
      Relationships: [{ Type: 'CHILD', Ids: [] }],
    };
    if (multi) pageBlock.Page = page;
    blocks.push(pageBlock);
    const lineHeight = 0.9 / Math.max(lines.length, 40);
    lines.forEach((text, i) => {
      const trimmed = text.trim();
      if (!trimmed) return;
      const indent = text.length - text.trimStart().length;
      const charW = 0.8 / 90;
      const top = 0.05 + i * lineHeight;
      const lineSeed = `${idSeed}/p${page}/l${i}`;
      const words = trimmed.split(/\s+/);
      const wordBlocks: SynthBlock[] = [];
      let col = indent;
      for (const [w, word] of words.entries()) {
        const at = text.indexOf(word, col);
        col = at + word.length;
        const wb: SynthBlock = {
          BlockType: 'WORD',
          Id: blockId(`${lineSeed}/w${w}`),
          Confidence: confidence(`${lineSeed}/w${w}/${word}`),
          Text: word,
          TextType: 'PRINTED',
          Geometry: geometry(0.1 + at * charW, top, word.length * charW, lineHeight * 0.8),
        };
        if (multi) wb.Page = page;
        wordBlocks.push(wb);
      }
      const line: SynthBlock = {
        BlockType: 'LINE',
        Id: blockId(lineSeed),
        Confidence: Math.round((wordBlocks.reduce((s, b) => s + b.Confidence!, 0) / wordBlocks.length) * 1e4) / 1e4,
        Text: words.join(' '),
        Geometry: geometry(0.1 + indent * charW, top, trimmed.length * charW, lineHeight * 0.8),
        Relationships: [{ Type: 'CHILD', Ids: wordBlocks.map((b) => b.Id) }],
      };
      if (multi) line.Page = page;
      pageBlock.Relationships![0].Ids.push(line.Id);
      blocks.push(line, ...wordBlocks);
    });
  });
  return blocks;
}

/** A whole GetDocumentTextDetection (JobStatus SUCCEEDED) or DetectDocumentText (`job: false`) response. */
export function synthTextractResponse(pages: string[], opts: { job?: boolean; idSeed?: string } = {}): SynthTextractDocument {
  const doc: SynthTextractDocument = {
    DocumentMetadata: { Pages: pages.length },
    DetectDocumentTextModelVersion: '1.0',
    Blocks: synthTextractBlocks(pages, opts.idSeed),
  };
  if (opts.job !== false) doc.JobStatus = 'SUCCEEDED';
  return doc;
}

/** The LINE texts of a response, per page (Page defaults to 1), in response order. */
export function textractLines(doc: { Blocks: Array<{ BlockType?: string; Text?: string; Page?: number }> }): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const b of doc.Blocks) if (b.BlockType === 'LINE') out.set(b.Page ?? 1, [...(out.get(b.Page ?? 1) ?? []), b.Text ?? '']);
  return out;
}
