import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { QUEUES, STAGES, Stage, documentJobId, queueForStage, redisKeys } from '@casegraph/contracts';
import { APP_CONFIG } from '@casegraph/platform';
import type { IngestApiConfig } from '../config';
import { ingestMetrics } from '../metrics';
import { DocumentQueue, JobQueuesService, withTimeout } from './job-queues.service';
import { runExclusive } from './replica-lock';

export interface ReconcileReport {
  /** Pending documents looked at. */
  scanned: number;
  /** Documents handed to addBulk (jobs that already existed are no-ops). */
  enqueued: number;
  /** Finished Bull jobs of still-pending documents that were removed so they could be added again. */
  staleJobsRemoved: number;
  /** Set when the tick did nothing or stopped early. */
  skipped?: 'redis-unavailable' | 'locked' | 'error';
  error?: string;
}

interface PendingRow {
  document_uuid: string;
  updated_at: string;
  ocr_status: string;
  chunking_status: string;
  entities_status: string;
  resolution_status: string;
  relationships_status: string;
  original_file_name: string | null;
  project_uuid: string | null;
}

/** The first stage that is not completed: where a pending document starts or resumes. */
export function resumeStage(row: Partial<Record<`${Stage}_status`, string>>): Stage {
  return STAGES.find((s) => row[`${s}_status`] !== 'completed') ?? 'ocr';
}

/**
 * Gives every `pending` document a way forward. Each tick walks the pending
 * documents (older than RECONCILE_MIN_AGE_SECONDS, keyset batches on
 * (updated_at, id)) and addBulk's a job for each with jobId = documentUuid, so a
 * document that already has a waiting/active job is a no-op. A document whose job
 * is finished (completed/failed) but is still pending has that stale job removed
 * first, because a kept job with the same id would make the add a no-op.
 *
 * Runs at start-up and every RECONCILE_INTERVAL_SECONDS; tick() is public so tests
 * and operators can run it directly. One replica at a time (Redis lock).
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  private timer?: NodeJS.Timeout;
  private startup?: NodeJS.Timeout;
  private running?: Promise<ReconcileReport>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: JobQueuesService,
    @Inject(APP_CONFIG) private readonly config: IngestApiConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.reconcileIntervalSeconds;
    if (every <= 0) {
      this.logger.log('reconciler timer off (RECONCILE_INTERVAL_SECONDS=0); tick() still works');
      return;
    }
    const run = () => void this.tick().catch(() => undefined);
    this.startup = setTimeout(run, 1000);
    this.startup.unref();
    this.timer = setInterval(run, every * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.startup);
    clearInterval(this.timer);
    if (this.running) await withTimeout(this.running, 5000, 'reconciler tick').catch(() => undefined);
  }

  /** One pass. Concurrent calls in one process share the running pass. */
  tick(opts: { minAgeSeconds?: number } = {}): Promise<ReconcileReport> {
    if (!this.running) {
      this.running = this.pass(opts.minAgeSeconds ?? this.config.reconcileMinAgeSeconds).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async pass(minAgeSeconds: number): Promise<ReconcileReport> {
    const report: ReconcileReport = { scanned: 0, enqueued: 0, staleJobsRemoved: 0 };
    if (!this.queues.isAvailable(QUEUES.OCR) || !this.queues.isAvailable(QUEUES.GRAPH)) {
      ingestMetrics.reconcilerTicks.inc({ outcome: 'redis-unavailable' });
      return { ...report, skipped: 'redis-unavailable' };
    }
    const locked = await runExclusive(
      this.queues.ocr.client,
      redisKeys.ingestReconcilerLock(this.config.bullPrefix),
      this.config.enqueueTimeoutMs,
      (extend) => this.passLocked(report, extend, minAgeSeconds),
    );
    if (locked.ran) return locked.value;
    ingestMetrics.reconcilerTicks.inc({ outcome: locked.skipped });
    return { ...report, skipped: locked.skipped, ...(locked.error ? { error: locked.error } : {}) };
  }

  private async passLocked(report: ReconcileReport, extend: () => Promise<void>, minAgeSeconds: number): Promise<ReconcileReport> {
    try {
      const [{ cutoff }]: Array<{ cutoff: string }> = await this.db.query(`SELECT (now() - make_interval(secs => $1))::text AS cutoff`, [
        minAgeSeconds,
      ]);
      let after: { updatedAt: string; uuid: string } | null = null;
      for (;;) {
        const rows: PendingRow[] = await this.db.query(
          `SELECT document_uuid, updated_at::text AS updated_at, ocr_status, chunking_status, entities_status,
                  resolution_status, relationships_status, original_file_name, project_uuid
             FROM source_documents
            WHERE status = 'pending' AND updated_at < $1::timestamptz
              AND ($2::timestamptz IS NULL OR (updated_at, document_uuid) > ($2::timestamptz, $3::uuid))
            ORDER BY updated_at, document_uuid
            LIMIT $4`,
          [cutoff, after?.updatedAt ?? null, after?.uuid ?? null, this.config.reconcileBatchSize],
        );
        if (!rows.length) break;
        report.scanned += rows.length;
        const items = rows.map((r) => ({
          documentUuid: r.document_uuid,
          stage: resumeStage(r as never),
          filename: r.original_file_name,
          projectUuid: r.project_uuid,
        }));
        report.staleJobsRemoved += await this.removeStaleJobs(items);
        const outcome = await this.queues.enqueue(items, 'reconciler');
        if (!outcome.enqueued) {
          ingestMetrics.reconcilerTicks.inc({ outcome: 'redis-unavailable' });
          return { ...report, skipped: 'redis-unavailable' };
        }
        report.enqueued += items.length;
        const last = rows[rows.length - 1];
        after = { updatedAt: last.updated_at, uuid: last.document_uuid };
        await extend();
        if (rows.length < this.config.reconcileBatchSize) break;
      }
      ingestMetrics.reconcilerTicks.inc({ outcome: 'ok' });
      if (report.enqueued) {
        this.logger.log(`enqueued ${report.enqueued} pending document(s) (${report.staleJobsRemoved} stale job(s) replaced)`);
      }
      return report;
    } catch (err) {
      ingestMetrics.reconcilerTicks.inc({ outcome: 'error' });
      this.logger.warn(`reconciler tick failed: ${(err as Error).message}`);
      return { ...report, skipped: 'error', error: (err as Error).message };
    }
  }

  /** Jobs of pending documents that sit in completed/failed: remove them so addBulk can add fresh ones. */
  private async removeStaleJobs(items: Array<{ documentUuid: string; stage: Stage }>): Promise<number> {
    const byQueue = new Map<DocumentQueue, string[]>();
    for (const it of items) {
      const q = queueForStage(it.stage);
      byQueue.set(q, [...(byQueue.get(q) ?? []), documentJobId(it.documentUuid)]);
    }
    let removed = 0;
    for (const [name, ids] of byQueue) {
      const queue = this.queues.queue(name);
      const pipe = queue.client.pipeline();
      for (const id of ids) {
        pipe.zscore(queue.toKey('completed'), id);
        pipe.zscore(queue.toKey('failed'), id);
      }
      const res = (await withTimeout(pipe.exec(), this.config.enqueueTimeoutMs, 'stale job check')) ?? [];
      const inSet = (j: number) => {
        const r = res[j];
        return !!r && !r[0] && r[1] !== null && r[1] !== undefined;
      };
      for (let i = 0; i < ids.length; i++) {
        const finished = inSet(2 * i) || inSet(2 * i + 1);
        if (finished && (await this.queues.removeFinishedJob(name, ids[i]))) {
          removed++;
          ingestMetrics.reconcilerStaleJobs.inc();
        }
      }
    }
    return removed;
  }
}
