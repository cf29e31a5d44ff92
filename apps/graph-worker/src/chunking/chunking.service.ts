import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { chunkUuidOf } from '../pipeline/ids';
import { GRAPH_PIPELINE_OPTIONS, GraphPipelineOptions } from '../pipeline/graph-options';
import { DocumentText, pageNumbersOf } from '../text/document-text';
import { chunkText } from './chunker';

export interface ChunkRow {
  chunkUuid: string;
  index: number;
  start: number;
  end: number;
  text: string;
  pageNumbers: number[];
}

/** Stage 1: the document's chunks, with offsets into the full text and page numbers. */
@Injectable()
export class ChunkingService {
  constructor(@Inject(GRAPH_PIPELINE_OPTIONS) private readonly options: GraphPipelineOptions) {}

  chunk(documentUuid: string, doc: DocumentText): ChunkRow[] {
    return chunkText(doc.text, { size: this.options.chunkSize, overlap: this.options.chunkOverlap }).map((c) => ({
      chunkUuid: chunkUuidOf(documentUuid, c.index, c.start, c.end),
      index: c.index,
      start: c.start,
      end: c.end,
      text: c.text,
      pageNumbers: pageNumbersOf(doc, c.start, c.end),
    }));
  }

  /**
   * Replaces the document's chunks (inside the caller's document transaction).
   * `toCodePoint` converts the in-memory UTF-16 offsets to the stored code-point offsets.
   */
  async replace(
    manager: EntityManager,
    projectUuid: string,
    documentUuid: string,
    chunks: ChunkRow[],
    toCodePoint: (i: number) => number = (i) => i,
  ): Promise<void> {
    await manager.query('DELETE FROM document_chunks WHERE document_uuid = $1', [documentUuid]);
    if (!chunks.length) return;
    const rows = chunks.map((c) => ({
      chunk_uuid: c.chunkUuid,
      chunk_index: c.index,
      text: c.text,
      char_start_index: toCodePoint(c.start),
      char_end_index: toCodePoint(c.end),
      page_numbers: c.pageNumbers,
      metadata: { length: c.end - c.start, size: this.options.chunkSize, overlap: this.options.chunkOverlap },
    }));
    await manager.query(
      `INSERT INTO document_chunks
         (chunk_uuid, document_uuid, project_uuid, chunk_index, text, char_start_index, char_end_index, page_numbers, metadata)
       SELECT c.chunk_uuid, $1, $2, c.chunk_index, c.text, c.char_start_index, c.char_end_index, c.page_numbers, c.metadata
         FROM jsonb_to_recordset($3::jsonb) AS c(chunk_uuid uuid, chunk_index int, text text, char_start_index int,
                                                 char_end_index int, page_numbers int[], metadata jsonb)`,
      [documentUuid, projectUuid, JSON.stringify(rows)],
    );
  }
}

/** The chunk a span belongs to: the first chunk that contains it whole, else the chunk it starts in. */
export function chunkOfSpan(chunks: ChunkRow[], start: number, end: number): ChunkRow | undefined {
  let lo = 0;
  let hi = chunks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chunks[mid].start <= start) lo = mid + 1;
    else hi = mid;
  }
  let best: ChunkRow | undefined = chunks[lo - 1];
  for (let i = lo - 1; i >= 0 && chunks[i].end > start; i--) {
    if (chunks[i].start <= start && chunks[i].end >= end) best = chunks[i];
  }
  return best;
}
