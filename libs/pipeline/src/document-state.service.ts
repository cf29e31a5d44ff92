import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { DocumentStatus, STAGES, Stage, redisKeys } from '@casegraph/contracts';
import { bindLogContext, redisOptionsFromUrl } from '@casegraph/platform';
import { rowsOf } from './errors';

export const DOCUMENT_STATE_OPTIONS = Symbol('DOCUMENT_STATE_OPTIONS');
export interface DocumentStateOptions {
  redisUrl: string;
  /** TTL of doc:state hashes. Default 7 days. */
  stateTtlSeconds?: number;
}

/** Where a document stands: its status, current stage and the status of every stage. */
export interface DocumentSnapshot {
  status: DocumentStatus;
  currentStage: Stage | null;
  stages: Record<Stage, DocumentStatus>;
}

export interface StageView {
  status: DocumentStatus;
  startedAt: string | null;
  finishedAt: string | null;
}

const STATE_TTL_DEFAULT = 7 * 24 * 3600;

function assertStage(stage: Stage): Stage {
  if (!(STAGES as readonly string[]).includes(stage)) throw new Error(`Unknown stage ${stage}`);
  return stage;
}

/**
 * Records stage transitions of a document: the database row is the truth, and a
 * best-effort mirror goes to the `doc:state:{uuid}` hash in Redis. A Redis
 * failure never fails a transition.
 */
@Injectable()
export class DocumentStateService implements OnApplicationShutdown {
  private readonly logger = new Logger(DocumentStateService.name);
  private readonly redis: Redis;
  private readonly ttl: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Optional() @Inject(DOCUMENT_STATE_OPTIONS) options?: DocumentStateOptions,
  ) {
    this.ttl = options?.stateTtlSeconds ?? STATE_TTL_DEFAULT;
    this.redis = new Redis({
      ...redisOptionsFromUrl(options?.redisUrl ?? 'redis://127.0.0.1:6379'),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 250,
      connectionName: 'casegraph-doc-state',
    });
    this.redis.on('error', () => undefined);
    this.redis.connect().catch(() => undefined);
  }

  /**
   * Marks a stage as processing. Returns false when the document does not exist.
   * `stage_attempts` counts consecutive starts of the same stage (for the sweeper).
   */
  async startStage(documentUuid: string, stage: Stage): Promise<boolean> {
    const s = assertStage(stage);
    const rows: unknown[] = await this.db.query(
      `UPDATE source_documents SET
         status = 'processing',
         stage_attempts = CASE WHEN current_stage = $2 THEN stage_attempts + 1 ELSE 1 END,
         current_stage = $2,
         failed_stage = NULL,
         error_message = NULL,
         ${s}_status = 'processing',
         ${s}_started_at = now(),
         ${s}_completed_at = NULL,
         updated_at = now()
       WHERE document_uuid = $1
       RETURNING id, (SELECT p.project_uuid FROM projects p WHERE p.id = project_fk_id) AS project_uuid`,
      [documentUuid, s],
    );
    const updated = rowsOf<{ project_uuid: string | null }>(rows);
    const found = updated.length > 0;
    // Every later log line of this job says which document, project and stage it is about.
    bindLogContext({ documentUuid, stage: s, projectUuid: updated[0]?.project_uuid ?? undefined });
    if (found) await this.mirror(documentUuid, s, 'processing');
    return found;
  }

  /** Marks a stage completed; `final` also completes the document. */
  async completeStage(documentUuid: string, stage: Stage, opts: { final?: boolean } = {}): Promise<void> {
    const s = assertStage(stage);
    await this.db.query(
      `UPDATE source_documents SET
         ${s}_status = 'completed',
         ${s}_completed_at = now(),
         ${opts.final ? `status = 'completed', current_stage = NULL, processing_completed_at = now(), stage_attempts = 0,` : ''}
         updated_at = now()
       WHERE document_uuid = $1`,
      [documentUuid],
    );
    await this.mirror(documentUuid, s, 'completed');
    if (opts.final) await this.mirrorDocument(documentUuid, 'completed');
  }

  /** Marks the document failed at a stage with a readable reason. Returns false when the document does not exist. */
  async failStage(documentUuid: string, stage: Stage, reason: string): Promise<boolean> {
    const s = assertStage(stage);
    const rows: unknown = await this.db.query(
      `UPDATE source_documents SET
         status = 'failed',
         failed_stage = $2,
         error_message = $3,
         ${s}_status = 'failed',
         ${s}_completed_at = now(),
         updated_at = now()
       WHERE document_uuid = $1
       RETURNING id`,
      [documentUuid, s, reason.slice(0, 4000)],
    );
    // No row, no doc:state hash: a job for a document that does not exist leaves nothing behind.
    if (!rowsOf(rows).length) return false;
    await this.mirror(documentUuid, s, 'failed', reason);
    await this.mirrorDocument(documentUuid, 'failed');
    return true;
  }

  /** The document's status and stage statuses, or null when it does not exist. */
  async snapshot(documentUuid: string): Promise<DocumentSnapshot | null> {
    const rows = rowsOf<Record<string, string | null>>(
      await this.db.query(
        `SELECT status, current_stage, ${STAGES.map((s) => `${s}_status`).join(', ')} FROM source_documents WHERE document_uuid = $1`,
        [documentUuid],
      ),
    );
    const row = rows[0];
    if (!row) return null;
    const stages = Object.fromEntries(STAGES.map((s) => [s, row[`${s}_status`] ?? 'pending'])) as Record<Stage, DocumentStatus>;
    const current = row.current_stage;
    return {
      status: row.status as DocumentStatus,
      currentStage: current && (STAGES as readonly string[]).includes(current) ? (current as Stage) : null,
      stages,
    };
  }

  private async mirror(documentUuid: string, stage: Stage, status: DocumentStatus, error?: string): Promise<void> {
    try {
      const key = redisKeys.docState(documentUuid);
      await this.redis
        .multi()
        .hset(key, stage, JSON.stringify({ status, at: new Date().toISOString(), ...(error ? { error } : {}) }))
        .expire(key, this.ttl)
        .exec();
    } catch (err) {
      this.logger.debug(`doc:state mirror skipped for ${documentUuid}: ${(err as Error).message}`);
    }
  }

  private async mirrorDocument(documentUuid: string, status: DocumentStatus): Promise<void> {
    try {
      await this.redis.hset(redisKeys.docState(documentUuid), 'status', status);
    } catch {
      /* best effort */
    }
  }

  /** After the workers' drain (beforeApplicationShutdown): jobs finishing in the grace still mirror their state. */
  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
