import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Stage } from '@casegraph/contracts';
import type { EmailMetadata } from '@casegraph/contracts';
import { DocumentText, codePointOffsets, emailMetadataOf, inDocumentTransaction, loadDocumentText } from '@casegraph/graph';
import { DocumentMissingError, DocumentStateService, PermanentError, StageError, rowsOf } from '@casegraph/pipeline';
import { ProjectContextService } from '@casegraph/project-context';
import { ChunkingService } from '../chunking/chunking.service';
import { ExtractionService } from '../extraction/extraction.service';
import { RelationshipResult, RelationshipsService } from '../relationships/relationships.service';
import { ResolutionResult, ResolutionService } from '../resolution/resolution.service';
import { graphMetrics } from './graph-metrics';

export interface GraphDocumentResult {
  documentUuid: string;
  projectUuid: string;
  characters: number;
  chunks: number;
  mentions: number;
  resolution: ResolutionResult;
  relationships: RelationshipResult;
}

/**
 * Runs the four graph stages for one document: chunking, entities, resolution,
 * relationships. The project comes from ProjectContextService.resolve(), checked
 * against the document row. The CPU work (chunking, extraction) happens outside any
 * transaction; each stage's writes happen in one transaction under the document's
 * advisory lock, and each stage replaces or recomputes what it owns, so a re-run (or
 * two runs at once) leaves the same rows. The mentions are written and linked in one
 * transaction (resolution's), so other documents never see them unlinked. Stage transitions go through
 * DocumentStateService; the last one completes the document.
 */
@Injectable()
export class GraphPipelineService {
  private readonly logger = new Logger(GraphPipelineService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly context: ProjectContextService,
    private readonly state: DocumentStateService,
    private readonly chunking: ChunkingService,
    private readonly extraction: ExtractionService,
    private readonly resolution: ResolutionService,
    private readonly relationships: RelationshipsService,
  ) {}

  async process(documentUuid: string): Promise<GraphDocumentResult> {
    const projectUuid = await this.projectOf(documentUuid);
    // In memory, offsets are JavaScript (UTF-16) indexes; stored offsets are code points.
    const { doc, chunks, toCodePoint } = await this.stage(documentUuid, 'chunking', async () => {
      const text = await this.loadText(documentUuid);
      const cp = codePointOffsets(text.text);
      const rows = this.chunking.chunk(documentUuid, text);
      await this.write(documentUuid, (m) => this.chunking.replace(m, projectUuid, documentUuid, rows, cp));
      graphMetrics.chunks.inc(rows.length);
      return { doc: text, chunks: rows, toCodePoint: cp };
    });

    const mentions = await this.stage(documentUuid, 'entities', async () => {
      const meta = await this.emailOf(documentUuid);
      const rows = await this.extraction.extract(documentUuid, doc.text, chunks, meta ? { doc, meta } : null);
      for (const r of rows) graphMetrics.mentions.inc({ type: r.type });
      return rows;
    });

    // The mentions are replaced in resolution's transaction, never committed unlinked: another document resolved
    // meanwhile finds this one's variants still linked ("known variant"), not a window in which they are not,
    // which had it create a second entity for a short name that nothing merges back.
    const resolution = await this.stage(documentUuid, 'resolution', async () => {
      const r = await this.write(documentUuid, async (m) => {
        const unlinked = await this.extraction.replace(m, projectUuid, documentUuid, mentions, toCodePoint, { recount: false });
        return this.resolution.resolve(m, projectUuid, documentUuid, unlinked);
      });
      graphMetrics.entitiesCreated.inc(r.created);
      graphMetrics.fuzzyMatches.inc(r.fuzzyMatches);
      return r;
    });

    const relationships = await this.stage(
      documentUuid,
      'relationships',
      () => this.write(documentUuid, (m) => this.relationships.recompute(m, projectUuid, documentUuid, doc)),
      { final: true },
    );

    return { documentUuid, projectUuid, characters: doc.text.length, chunks: chunks.length, mentions: mentions.length, resolution, relationships };
  }

  /**
   * The document's project from the context service (Redis cache over PostgreSQL).
   * A cached value that disagrees with the document row is treated as wrong: it is
   * invalidated and resolved again, so a bad cache entry never writes into the wrong project.
   */
  private async projectOf(documentUuid: string): Promise<string> {
    let ctx = await this.context.resolve(documentUuid);
    const rows = rowsOf<{ project_uuid: string | null }>(
      await this.db.query('SELECT project_uuid FROM source_documents WHERE document_uuid = $1', [documentUuid]),
    );
    const truth = rows[0]?.project_uuid;
    if (truth && truth !== ctx.projectUuid) {
      this.logger.warn(`context of ${documentUuid} said project ${ctx.projectUuid}, the database says ${truth}: re-resolving`);
      await this.context.invalidate(documentUuid).catch(() => undefined);
      ctx = await this.context.resolve(documentUuid);
      if (ctx.projectUuid !== truth) throw new Error(`project context of ${documentUuid} disagrees with the database`);
    }
    return ctx.projectUuid;
  }

  /**
   * A stage's writes: under the document's advisory lock, and only while its row exists. A document deleted
   * meanwhile (DELETE /v1/documents, which takes the same lock) gets nothing written: DocumentMissingError,
   * and the job is dropped.
   */
  private write<T>(documentUuid: string, fn: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inDocumentTransaction(this.db, documentUuid, async (m) => {
      const rows = rowsOf(await m.query('SELECT 1 FROM source_documents WHERE document_uuid = $1', [documentUuid]));
      if (!rows.length) throw new DocumentMissingError(documentUuid);
      return fn(m);
    });
  }

  /** The e-mail headers the OCR stage stored (document_metadata.email), read defensively; null for other documents. */
  private async emailOf(documentUuid: string): Promise<EmailMetadata | null> {
    const rows = rowsOf<{ m: unknown }>(
      await this.db.query('SELECT document_metadata AS m FROM source_documents WHERE document_uuid = $1', [documentUuid]),
    );
    return rows.length ? emailMetadataOf(rows[0].m) : null;
  }

  /** Page text (document_pages, joined as the OCR worker joins it), else raw_extracted_text as one page. */
  private async loadText(documentUuid: string): Promise<DocumentText> {
    const text = await loadDocumentText(this.db.manager, documentUuid);
    if (!text) {
      // Deleted since its stage started: missing, not textless.
      const row = rowsOf(await this.db.query('SELECT 1 FROM source_documents WHERE document_uuid = $1', [documentUuid]));
      if (!row.length) throw new DocumentMissingError(documentUuid);
      throw new PermanentError('the document has no extracted text (no document_pages and no raw_extracted_text): run OCR first', 'no-text');
    }
    return text;
  }

  private async stage<T>(
    documentUuid: string,
    stage: Stage,
    fn: () => Promise<T>,
    opts: { start?: boolean; complete?: boolean; final?: boolean } = {},
  ): Promise<T> {
    const timer = graphMetrics.stageSeconds.startTimer({ stage });
    try {
      if (opts.start !== false && !(await this.state.startStage(documentUuid, stage))) {
        throw new DocumentMissingError(documentUuid);
      }
      const result = await fn();
      if (opts.complete !== false) await this.state.completeStage(documentUuid, stage, { final: opts.final });
      return result;
    } catch (err) {
      throw err instanceof StageError ? err : new StageError(stage, err);
    } finally {
      timer();
    }
  }
}
