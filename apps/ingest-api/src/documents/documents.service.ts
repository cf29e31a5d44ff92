import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DocumentStatus, STAGES, Stage, isDocumentStatus, isStage, queueForStage } from '@casegraph/contracts';
import { ProjectContextService } from '@casegraph/project-context';
import { apiError, notFound } from '../common/api-error';
import { JobQueuesService } from '../intake/job-queues.service';
import { resumeStage } from '../intake/reconciler.service';
import { DocumentDto, DocumentPageDto, RetryAcceptedDto, StagesDto } from './document.dto';

/** Columns of a document view (one place, used by every read). */
export const DOCUMENT_COLUMNS = `
  d.document_uuid, COALESCE(d.project_uuid, p.project_uuid) AS project_uuid, d.project_uuid AS own_project_uuid,
  d.original_file_name, d.status, d.current_stage, d.failed_stage, d.error_message, d.batch_id,
  d.file_size_bytes, COALESCE(d.detected_file_type, d.file_type) AS file_type, d.sha256, d.page_count,
  d.created_at, d.updated_at, d.processing_completed_at,
  ${STAGES.map((s) => `d.${s}_status, d.${s}_started_at, d.${s}_completed_at`).join(', ')}`;

type Row = Record<string, unknown>;
const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);

export function toDocumentDto(r: Row): DocumentDto {
  const stages = Object.fromEntries(
    STAGES.map((s) => [
      s,
      { status: r[`${s}_status`] as DocumentStatus, startedAt: iso(r[`${s}_started_at`]), finishedAt: iso(r[`${s}_completed_at`]) },
    ]),
  ) as unknown as StagesDto;
  return {
    documentUuid: r.document_uuid as string,
    projectUuid: (r.project_uuid as string | null) ?? null,
    filename: r.original_file_name as string,
    status: r.status as DocumentStatus,
    currentStage: (r.current_stage as Stage | null) ?? null,
    failedStage: (r.failed_stage as Stage | null) ?? null,
    stages,
    error: (r.error_message as string | null) ?? null,
    batchId: (r.batch_id as string | null) ?? null,
    fileSizeBytes: r.file_size_bytes === null || r.file_size_bytes === undefined ? null : Number(r.file_size_bytes),
    fileType: (r.file_type as string | null) ?? null,
    sha256: typeof r.sha256 === 'string' && r.sha256 ? r.sha256.trim() : null,
    // int here; an adopted database's columns may be numeric/bigint (pg returns a string): read as a number.
    pageCount: r.page_count === null || r.page_count === undefined ? null : Number(r.page_count),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    completedAt: iso(r.processing_completed_at),
  };
}

/** Document status, listing and retry. */
@Injectable()
export class DocumentsService {
  private readonly logger = new Logger('Documents');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly contexts: ProjectContextService,
    private readonly queues: JobQueuesService,
  ) {}

  async get(documentUuid: string): Promise<DocumentDto> {
    const rows: Row[] = await this.db.query(
      `SELECT ${DOCUMENT_COLUMNS} FROM source_documents d JOIN projects p ON p.id = d.project_fk_id WHERE d.document_uuid = $1`,
      [documentUuid],
    );
    if (!rows.length) throw notFound('Document', documentUuid);
    const dto = toDocumentDto(rows[0]);
    if (!rows[0].own_project_uuid) {
      // A legacy row without project_uuid: resolving the context heals it (and the project) in PostgreSQL.
      try {
        dto.projectUuid = (await this.contexts.resolve(documentUuid)).projectUuid;
      } catch (err) {
        this.logger.warn(`could not heal the project of ${documentUuid}: ${(err as Error).message}`);
      }
    }
    return dto;
  }

  async listForProject(projectUuid: string, q: { status?: DocumentStatus; page: number; pageSize: number }): Promise<DocumentPageDto> {
    const project: Array<{ id: number }> = await this.db.query(`SELECT id FROM projects WHERE project_uuid = $1`, [projectUuid]);
    if (!project.length) throw notFound('Project', projectUuid);
    const id = project[0].id;
    const [rows, count] = await Promise.all([
      this.db.query<Row[]>(
        `SELECT ${DOCUMENT_COLUMNS} FROM source_documents d JOIN projects p ON p.id = d.project_fk_id
          WHERE d.project_fk_id = $1 AND ($2::text IS NULL OR d.status = $2)
          ORDER BY d.created_at DESC, d.id DESC
          LIMIT $3 OFFSET $4`,
        [id, q.status ?? null, q.pageSize, (q.page - 1) * q.pageSize],
      ),
      this.db.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1 AND ($2::text IS NULL OR status = $2)`,
        [id, q.status ?? null],
      ),
    ]);
    return { items: rows.map(toDocumentDto), page: q.page, pageSize: q.pageSize, total: count[0].n };
  }

  /**
   * Re-runs a failed document from its failed stage: the row goes back to pending
   * (the failed stage and every later one reset) in one locked transaction, so two
   * concurrent retries give one 202 and one 409. Then the kept failed Bull job with
   * the same jobId is removed (otherwise the add would be a no-op) and the job is
   * added to the stage's queue. If Redis is down the document stays pending and the
   * reconciler enqueues it.
   */
  async retry(documentUuid: string): Promise<RetryAcceptedDto> {
    const retried = await this.db.transaction(async (m) => {
      const rows: Row[] = await m.query(
        `SELECT status, failed_stage, original_file_name, project_uuid, ${STAGES.map((s) => `${s}_status`).join(', ')}
           FROM source_documents WHERE document_uuid = $1 FOR UPDATE`,
        [documentUuid],
      );
      if (!rows.length) throw notFound('Document', documentUuid);
      const row = rows[0];
      // A status that is not CaseGraph's (the old system's `ocr_failed`, `ocr_completed`, … on an adopted database)
      // means no CaseGraph stage owns the document: it may be re-run like a failed one.
      if (row.status !== 'failed' && isDocumentStatus(row.status)) {
        throw apiError(HttpStatus.CONFLICT, `Document is ${row.status}; only a failed document can be retried`);
      }
      const from: Stage = isStage(row.failed_stage) ? row.failed_stage : resumeStage(row);
      const reset = STAGES.slice(STAGES.indexOf(from))
        .map((s) => `${s}_status = 'pending', ${s}_started_at = NULL, ${s}_completed_at = NULL`)
        .join(', ');
      await m.query(
        `UPDATE source_documents SET status = 'pending', current_stage = NULL, failed_stage = NULL, error_message = NULL,
                stage_attempts = 0, processing_completed_at = NULL, ${reset}, updated_at = now()
          WHERE document_uuid = $1`,
        [documentUuid],
      );
      // filename/projectUuid: display only, for the job's data in Bull Board.
      return { from, filename: row.original_file_name as string | null, projectUuid: row.project_uuid as string | null };
    });
    const { from: stage, filename, projectUuid } = retried;
    const queue = queueForStage(stage);
    let enqueued = false;
    if (await this.queues.removeFinishedJob(queue, documentUuid)) {
      enqueued = (await this.queues.enqueue([{ documentUuid, stage, filename, projectUuid }], 'retry')).enqueued;
    }
    return { documentUuid, status: 'pending', retryFrom: stage, queue, enqueued };
  }
}
