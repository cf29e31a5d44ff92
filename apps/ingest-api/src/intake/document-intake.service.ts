import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { DocumentStatus } from '@casegraph/contracts';
import { APP_CONFIG } from '@casegraph/platform';
import { ProjectContext, ProjectContextService } from '@casegraph/project-context';
import { notFound } from '../common/api-error';
import type { IngestApiConfig } from '../config';
import { ingestMetrics } from '../metrics';
import { JobQueuesService, withTimeout } from './job-queues.service';

/** One document to create; its bytes are already in storage. */
export interface NewDocument {
  documentUuid: string;
  /** Sanitised file name (safeFilename). */
  filename: string;
  s3Bucket: string | null;
  s3Key: string;
  fileSizeBytes: number | null;
  /** Type the client declared (multipart part / manifest mimeType). */
  fileType: string | null;
  /** Type sniffed from the bytes (uploads only). */
  detectedFileType: string | null;
  /** Content hash (uploads only); duplicates within a project are found by it. */
  sha256: string | null;
}

export interface IntakeProject {
  id: number;
  projectUuid: string;
  name: string;
}

export interface IntakeItem {
  /** The new document, or for a duplicate the existing document it duplicates. */
  documentUuid: string;
  filename: string;
  status: DocumentStatus;
  /** Set when the same bytes already exist in this project: that document's UUID. Nothing new was created. */
  duplicateOf?: string;
  /** The submitted document's storage key (the caller deletes it for duplicates). */
  submittedKey: string;
}

export interface IntakeResult {
  project: IntakeProject;
  items: IntakeItem[];
  /** Documents created (duplicates excluded). */
  created: number;
  /** Jobs were added for every created document (false: left pending for the reconciler). */
  enqueued: boolean;
}

/**
 * Creates documents in the order that keeps every one of them reachable:
 *  1. ONE transaction: look up the project, ONE multi-row INSERT (unnest) of every
 *     row with both project_fk_id and project_uuid, status pending; duplicates
 *     (same sha256 in the project) are skipped by ON CONFLICT and looked up.
 *  2. after commit: the project contexts go to Redis in one pipeline (best effort);
 *  3. one addBulk with jobId = documentUuid (best effort, bounded in time).
 * If Redis is down at 2–3 the documents stay pending and the reconciler enqueues
 * them; if PostgreSQL is down at 1 nothing was written at all.
 */
@Injectable()
export class DocumentIntakeService {
  private readonly logger = new Logger('DocumentIntake');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly contexts: ProjectContextService,
    private readonly queues: JobQueuesService,
    @Inject(APP_CONFIG) private readonly config: IngestApiConfig,
  ) {}

  /** The project with this UUID, or null. */
  async findProject(projectUuid: string, manager: EntityManager = this.db.manager, lock = false): Promise<IntakeProject | null> {
    const rows: Array<{ id: number; project_uuid: string; name: string }> = await manager.query(
      `SELECT id, project_uuid, name FROM projects WHERE project_uuid = $1 ${lock ? 'FOR KEY SHARE' : ''}`,
      [projectUuid],
    );
    return rows.length ? { id: Number(rows[0].id), projectUuid: rows[0].project_uuid, name: rows[0].name } : null;
  }

  async create(projectUuid: string, docs: NewDocument[], opts: { batchId?: string | null; source: 'upload' | 'batch' }): Promise<IntakeResult> {
    const end = ingestMetrics.intakeSeconds.startTimer({ source: opts.source });
    const { project, inserted, duplicates } = await this.db.transaction(async (m) => {
      const project = await this.findProject(projectUuid, m, true);
      if (!project) throw notFound('Project', projectUuid);
      const inserted = await this.insertRows(m, project, docs, opts.batchId ?? null);
      const insertedSet = new Set(inserted.keys());
      const missingHashes = docs.filter((d) => !insertedSet.has(d.documentUuid) && d.sha256).map((d) => d.sha256!);
      const duplicates = missingHashes.length ? await this.findByHash(m, project.id, missingHashes) : new Map();
      return { project, inserted, duplicates };
    });

    const items: IntakeItem[] = docs.map((d) => {
      if (inserted.has(d.documentUuid)) {
        return { documentUuid: d.documentUuid, filename: d.filename, status: 'pending', submittedKey: d.s3Key };
      }
      const existing = d.sha256 ? duplicates.get(d.sha256) : undefined;
      if (!existing) throw new Error(`document ${d.documentUuid} was neither inserted nor a duplicate`);
      return {
        documentUuid: existing.documentUuid,
        filename: d.filename,
        status: existing.status,
        duplicateOf: existing.documentUuid,
        submittedKey: d.s3Key,
      };
    });
    const created = docs.filter((d) => inserted.has(d.documentUuid));
    ingestMetrics.documentsCreated.inc({ source: opts.source }, created.length);
    ingestMetrics.duplicates.inc(docs.length - created.length);

    // 2. After commit: cache the contexts (one pipeline). Never fails the request.
    const contexts: ProjectContext[] = created.map((d) => ({
      documentUuid: d.documentUuid,
      projectUuid: project.projectUuid,
      projectId: project.id,
      documentMetadata: {
        filename: d.filename,
        s3Bucket: d.s3Bucket ?? undefined,
        s3Key: d.s3Key,
        uploadedAt: inserted.get(d.documentUuid)!.toISOString(),
      },
    }));
    if (contexts.length) {
      await withTimeout(this.contexts.rememberMany(contexts), this.config.enqueueTimeoutMs, 'rememberMany').catch((err) => {
        ingestMetrics.cacheWriteFailures.inc();
        this.logger.warn(`project contexts not cached (workers will load them from PostgreSQL): ${(err as Error).message}`);
      });
    }

    // 3. One addBulk. Never fails the request.
    const outcome = await this.queues.enqueue(
      created.map((d) => ({ documentUuid: d.documentUuid, stage: 'ocr' as const, filename: d.filename, projectUuid: project.projectUuid })),
      'request',
    );
    end();
    return { project, items, created: created.length, enqueued: outcome.enqueued };
  }

  /** ONE statement for any number of rows: arrays in, unnest, ON CONFLICT on the per-project content hash. */
  private async insertRows(m: EntityManager, project: IntakeProject, docs: NewDocument[], batchId: string | null): Promise<Map<string, Date>> {
    const rows: Array<{ document_uuid: string; created_at: Date }> = await m.query(
      `INSERT INTO source_documents
         (document_uuid, project_fk_id, project_uuid, batch_id, original_file_name, file_name, s3_bucket, s3_key,
          file_size_bytes, file_type, detected_file_type, sha256, status)
       SELECT t.document_uuid, $1, $2, $3, t.filename, t.filename, t.s3_bucket, t.s3_key,
              t.file_size_bytes, t.file_type, t.detected_file_type, t.sha256, 'pending'
         FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[])
              WITH ORDINALITY AS t(document_uuid, filename, s3_bucket, s3_key, file_size_bytes, file_type,
                                   detected_file_type, sha256, ord)
        ORDER BY t.ord
       ON CONFLICT (project_fk_id, sha256) WHERE sha256 IS NOT NULL DO NOTHING
       RETURNING document_uuid, created_at`,
      [
        project.id,
        project.projectUuid,
        batchId,
        docs.map((d) => d.documentUuid),
        docs.map((d) => d.filename),
        docs.map((d) => d.s3Bucket),
        docs.map((d) => d.s3Key),
        docs.map((d) => (d.fileSizeBytes === null ? null : String(d.fileSizeBytes))),
        docs.map((d) => d.fileType),
        docs.map((d) => d.detectedFileType),
        docs.map((d) => d.sha256),
      ],
    );
    return new Map(rows.map((r) => [r.document_uuid, new Date(r.created_at)]));
  }

  private async findByHash(
    m: EntityManager,
    projectId: number,
    hashes: string[],
  ): Promise<Map<string, { documentUuid: string; status: DocumentStatus }>> {
    const rows: Array<{ document_uuid: string; sha256: string; status: DocumentStatus }> = await m.query(
      `SELECT document_uuid, sha256, status FROM source_documents
        WHERE project_fk_id = $1 AND sha256 = ANY($2::char(64)[])`,
      [projectId, hashes],
    );
    return new Map(rows.map((r) => [r.sha256, { documentUuid: r.document_uuid, status: r.status }]));
  }
}
