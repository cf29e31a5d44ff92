import type { Block } from '@aws-sdk/client-textract';
import type { PageText } from '../engine.types';
import { cleanText } from '../local/text-layout';

/** The part of a block we keep between result pages (WORD blocks are dropped early). */
interface KeptBlock {
  id: string;
  type: 'PAGE' | 'LINE';
  page: number;
  text?: string;
  confidence?: number;
  children?: string[];
}

/**
 * Collects PAGE and LINE blocks across the result pages of one Textract job
 * (NextToken), then builds the text of each document page: the LINE blocks in
 * the order of the PAGE's CHILD relationship, which is Textract's reading order
 * (columns are kept together), falling back to the order of the response.
 */
export class TextractPageBuilder {
  private readonly blocks: KeptBlock[] = [];
  private order = 0;
  private readonly position = new Map<string, number>();

  add(blocks: readonly Block[] | undefined): void {
    for (const b of blocks ?? []) {
      if (b.BlockType !== 'PAGE' && b.BlockType !== 'LINE') continue;
      if (!b.Id) continue;
      this.position.set(b.Id, this.order++);
      this.blocks.push({
        id: b.Id,
        type: b.BlockType,
        page: b.Page ?? 1,
        text: b.Text,
        confidence: b.Confidence,
        children: b.BlockType === 'PAGE' ? b.Relationships?.filter((r) => r.Type === 'CHILD').flatMap((r) => r.Ids ?? []) : undefined,
      });
    }
  }

  /** Pages 1..pageCount (pages without lines are empty), engine `textract`. */
  build(pageCount?: number): PageText[] {
    const lines = new Map<string, KeptBlock>();
    const pagesSeen = new Set<number>();
    const pageBlocks = new Map<number, KeptBlock>();
    for (const b of this.blocks) {
      pagesSeen.add(b.page);
      if (b.type === 'LINE') lines.set(b.id, b);
      else pageBlocks.set(b.page, b);
    }
    const last = Math.max(pageCount ?? 0, ...pagesSeen, 0);
    const out: PageText[] = [];
    for (let page = 1; page <= last; page++) {
      const used = new Set<string>();
      const ordered: KeptBlock[] = [];
      for (const id of pageBlocks.get(page)?.children ?? []) {
        const line = lines.get(id);
        if (line && !used.has(id)) {
          used.add(id);
          ordered.push(line);
        }
      }
      // Lines the PAGE block did not list (or no PAGE block): in response order.
      const rest = [...lines.values()]
        .filter((l) => l.page === page && !used.has(l.id))
        .sort((a, b) => this.position.get(a.id)! - this.position.get(b.id)!);
      ordered.push(...rest);
      const confidences = ordered.map((l) => l.confidence).filter((c): c is number => typeof c === 'number');
      out.push({
        pageNumber: page,
        text: cleanText(ordered.map((l) => l.text ?? '').join('\n')),
        confidence: confidences.length ? confidences.reduce((a, b) => a + b, 0) / confidences.length : null,
        engine: 'textract',
      });
    }
    return out;
  }
}

/** Page text of a single response's blocks (DetectDocumentText). */
export function pagesFromBlocks(blocks: readonly Block[] | undefined, pageCount?: number): PageText[] {
  const builder = new TextractPageBuilder();
  builder.add(blocks);
  return builder.build(pageCount);
}
