import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DocumentText, pageNumbersOf, recountMentions } from '@casegraph/graph';
import { rowsOf } from '@casegraph/pipeline';
import { chunkUuidOf } from '../pipeline/ids';
import { GRAPH_PIPELINE_OPTIONS, GraphPipelineOptions } from '../pipeline/graph-options';
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
  /** Whether document_chunks has the old system's document_fk_id (an adopted database); read once. */
  private legacyDocumentFk?: Promise<boolean>;

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
   *
   * In an adopted database the old foreign keys from entity_mentions to document_chunks (chunk_uuid, chunk_fk_id)
   * are ON DELETE CASCADE: deleting the chunks also deletes the document's mentions. The entities whose mention
   * count that changes are recounted here, in the same transaction (the entities stage then finds nothing to
   * delete). Old chunks that name their document only by document_fk_id (document_uuid NULL until backfill) are
   * the document's chunks too and are replaced as well (found through the document_uuid index's NULL entries).
   */
  async replace(
    manager: EntityManager,
    projectUuid: string,
    documentUuid: string,
    chunks: ChunkRow[],
    toCodePoint: (i: number) => number = (i) => i,
  ): Promise<void> {
    const linked = () =>
      manager
        .query(
          `SELECT canonical_entity_uuid AS u, count(*)::int AS n FROM entity_mentions
            WHERE document_uuid = $1 AND canonical_entity_uuid IS NOT NULL GROUP BY 1`,
          [documentUuid],
        )
        .then((r) => new Map(rowsOf<{ u: string; n: number }>(r).map((x) => [x.u, x.n])));
    const before = await linked();
    await manager.query('DELETE FROM document_chunks WHERE document_uuid = $1', [documentUuid]);
    if (await this.hasLegacyDocumentFk(manager)) {
      await manager.query(
        `DELETE FROM document_chunks
          WHERE document_uuid IS NULL AND document_fk_id = (SELECT id FROM source_documents WHERE document_uuid = $1)`,
        [documentUuid],
      );
    }
    if (before.size) {
      const after = await linked();
      const changed = [...before].filter(([u, n]) => after.get(u) !== n).map(([u]) => u);
      await recountMentions(manager, changed);
    }
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

  private hasLegacyDocumentFk(manager: EntityManager): Promise<boolean> {
    this.legacyDocumentFk ??= manager
      .query(
        `SELECT 1 FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = 'document_chunks' AND column_name = 'document_fk_id'`,
      )
      .then((r) => rowsOf(r).length > 0);
    // A failed look is not kept: the next document asks again.
    this.legacyDocumentFk.catch(() => (this.legacyDocumentFk = undefined));
    return this.legacyDocumentFk;
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
