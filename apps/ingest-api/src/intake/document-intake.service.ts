import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { DocumentStatus } from '@casegraph/contracts';
import { IntakeProject, NewDocument, createdContexts, findIntakeProject, insertDocuments } from '@casegraph/intake';
import { APP_CONFIG } from '@casegraph/platform';
import { ProjectContextService } from '@casegraph/project-context';
import { notFound } from '../common/api-error';
import type { IngestApiConfig } from '../config';
import { ingestMetrics } from '../metrics';
import { JobQueuesService, withTimeout } from './job-queues.service';

export type { IntakeProject, NewDocument };

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
  findProject(projectUuid: string, manager: EntityManager = this.db.manager, lock = false): Promise<IntakeProject | null> {
    return findIntakeProject(manager, projectUuid, lock);
  }

  /**
   * `secrets`: sealed passwords (sealSecret, keyed by the submitted document's UUID) written to document_secrets in
   * the same transaction, for the documents actually created (a duplicate's goes to nobody: the existing document
   * keeps its own state).
   */
  async create(
    projectUuid: string,
    docs: NewDocument[],
    opts: { batchId?: string | null; source: 'upload' | 'batch' | 'production'; secrets?: Map<string, Buffer> },
  ): Promise<IntakeResult> {
    const end = ingestMetrics.intakeSeconds.startTimer({ source: opts.source });
    const { project, inserted, duplicates } = await this.db.transaction(async (m) => {
      const project = await this.findProject(projectUuid, m, true);
      if (!project) throw notFound('Project', projectUuid);
      const { inserted, duplicates } = await insertDocuments(m, project, docs, opts.batchId ?? null);
      const sealed = [...(opts.secrets ?? new Map<string, Buffer>())].filter(([uuid]) => inserted.has(uuid));
      if (sealed.length) await storeSecrets(m, sealed);
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
    const contexts = createdContexts(project, created, inserted);
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
}

/** Upserts sealed passwords (document_secrets) inside the caller's transaction. */
export async function storeSecrets(m: EntityManager, sealed: Array<[documentUuid: string, ciphertext: Buffer]>): Promise<void> {
  if (!sealed.length) return;
  await m.query(
    `INSERT INTO document_secrets (document_uuid, ciphertext)
     SELECT * FROM unnest($1::uuid[], $2::bytea[])
     ON CONFLICT (document_uuid) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, created_at = now()`,
    [sealed.map(([u]) => u), sealed.map(([, c]) => c)],
  );
}
