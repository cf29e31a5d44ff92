import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { QUEUES, STAGES, Stage, documentJobId, isStage, queueForStage, redisKeys } from '@casegraph/contracts';
import { DocumentStateService } from '@casegraph/pipeline';
import { APP_CONFIG } from '@casegraph/platform';
import type { IngestApiConfig } from '../config';
import { DocumentQueue, JobQueuesService, withTimeout } from '../intake/job-queues.service';
import { runExclusive } from '../intake/replica-lock';
import { resumeStage } from '../intake/reconciler.service';
import { sweeperMetrics } from './sweeper.metrics';
import { decide, stageTimeoutSeconds } from './sweeper.policy';

export interface SweepReport {
  /** Documents past their stage timeout that were looked at. */
  scanned: number;
  /** Left alone: their job is still active/waiting/delayed. */
  alive: number;
  /** Enqueued again (a finished job with the same id was removed first). */
  requeued: number;
  /** Marked failed ("stuck in <stage> since …"). */
  failed: number;
  skipped?: 'redis-unavailable' | 'locked' | 'error';
  error?: string;
}

interface StuckRow {
  document_uuid: string;
  current_stage: string | null;
  stage_attempts: number;
  since: string;
  ocr_status: string;
  chunking_status: string;
  entities_status: string;
  resolution_status: string;
  relationships_status: string;
}

/**
 * Brings home documents stuck in `processing`: a stage that has been processing
 * longer than its timeout (STAGE_TIMEOUT_SECONDS, per-stage overrides) while no
 * Bull job with jobId = documentUuid is active/waiting/delayed on the stage's
 * queue (worker died and the job was lost, Redis restarted empty, …). Such a
 * document is enqueued again at the stage it stopped in, until the stage has been
 * started MAX_STAGE_ATTEMPTS times; then it is marked failed with
 * "stuck in <stage> since <iso time>". `pending` documents are the reconciler's.
 *
 * Runs every SWEEP_INTERVAL_SECONDS; tick() is public for tests and operators.
 * One replica at a time (Redis lock per Bull prefix), keyset batches.
 */
@Injectable()
export class SweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sweeper');
  private timer?: NodeJS.Timeout;
  private running?: Promise<SweepReport>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queues: JobQueuesService,
    private readonly state: DocumentStateService,
    @Inject(APP_CONFIG) private readonly config: IngestApiConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.sweepIntervalSeconds;
    if (every <= 0) {
      this.logger.log('sweeper timer off (SWEEP_INTERVAL_SECONDS=0); tick() still works');
      return;
    }
    this.timer = setInterval(() => void this.tick().catch(() => undefined), every * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.running) await withTimeout(this.running, 5000, 'sweeper tick').catch(() => undefined);
  }

  /** One pass. Concurrent calls in one process share the running pass. */
  tick(): Promise<SweepReport> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async pass(): Promise<SweepReport> {
    const report: SweepReport = { scanned: 0, alive: 0, requeued: 0, failed: 0 };
    if (!this.queues.isAvailable(QUEUES.OCR) || !this.queues.isAvailable(QUEUES.GRAPH)) {
      sweeperMetrics.ticks.inc({ outcome: 'redis-unavailable' });
      return { ...report, skipped: 'redis-unavailable' };
    }
    const locked = await runExclusive(
      this.queues.ocr.client,
      redisKeys.ingestSweeperLock(this.config.bullPrefix),
      this.config.enqueueTimeoutMs,
      (extend) => this.passLocked(report, extend),
    );
    if (locked.ran) return locked.value;
    sweeperMetrics.ticks.inc({ outcome: locked.skipped });
    return { ...report, skipped: locked.skipped, ...(locked.error ? { error: locked.error } : {}) };
  }

  private async passLocked(report: SweepReport, extend: () => Promise<void>): Promise<SweepReport> {
    try {
      const timeouts = STAGES.map((s) => stageTimeoutSeconds(this.config, s));
      let after: string | null = null;
      for (;;) {
        const rows = await this.stuckBatch(timeouts, after);
        if (!rows.length) break;
        report.scanned += rows.length;
        for (const row of rows) {
          const outcome = await this.handle(row);
          if (outcome === 'redis-unavailable') {
            sweeperMetrics.ticks.inc({ outcome: 'redis-unavailable' });
            return { ...report, skipped: 'redis-unavailable' };
          }
          report[outcome]++;
          sweeperMetrics.documents.inc({ action: outcome });
        }
        after = rows[rows.length - 1].document_uuid;
        await extend();
        if (rows.length < this.config.sweepBatchSize) break;
      }
      sweeperMetrics.ticks.inc({ outcome: 'ok' });
      if (report.requeued || report.failed) {
        this.logger.warn(`stuck documents: ${report.requeued} re-enqueued, ${report.failed} failed (${report.alive} still have a job)`);
      }
      return report;
    } catch (err) {
      sweeperMetrics.ticks.inc({ outcome: 'error' });
      this.logger.warn(`sweeper tick failed: ${(err as Error).message}`);
      return { ...report, skipped: 'error', error: (err as Error).message };
    }
  }

  /**
   * `processing` documents whose current stage started (or, without a start time,
   * whose row changed) longer ago than that stage's timeout. Keyset on document_uuid.
   */
  private stuckBatch(timeouts: number[], after: string | null): Promise<StuckRow[]> {
    const stageCase = (col: (s: Stage) => string) => `CASE current_stage ${STAGES.map((s) => `WHEN '${s}' THEN ${col(s)}`).join(' ')} END`;
    return this.db.query(
      `SELECT document_uuid, current_stage, stage_attempts, since::text AS since, ocr_status, chunking_status,
              entities_status, resolution_status, relationships_status
         FROM (SELECT d.*, COALESCE(${stageCase((s) => `${s}_started_at`)}, updated_at) AS since,
                      COALESCE(${stageCase((s) => `$${STAGES.indexOf(s) + 1}::int`)}, $1::int) AS timeout_s
                 FROM source_documents d
                WHERE status = 'processing'
                  AND ($6::uuid IS NULL OR document_uuid > $6::uuid)) x
        WHERE since < now() - make_interval(secs => timeout_s)
        ORDER BY document_uuid
        LIMIT $7`,
      [...timeouts, after, this.config.sweepBatchSize],
    );
  }

  private async handle(row: StuckRow): Promise<'alive' | 'requeued' | 'failed' | 'redis-unavailable'> {
    // The stage to resume: the current one, or the next one when the current one completed but
    // its hand-off job to the next queue was lost.
    const stage: Stage = isStage(row.current_stage) && row[`${row.current_stage}_status`] !== 'completed' ? row.current_stage : resumeStage(row);
    const queueName = queueForStage(stage);
    const since = new Date(row.since);
    let jobState: string | null;
    try {
      jobState = await this.liveJobState(queueName, row.document_uuid);
    } catch {
      return 'redis-unavailable';
    }
    const d = decide({ stage, since, attempts: row.stage_attempts, jobState, maxAttempts: this.config.maxStageAttempts });
    if (d.action === 'leave') return 'alive';
    if (d.action === 'fail') {
      // Only if nothing moved since we read the row (a worker may have just picked it up).
      const rows: unknown[] = await this.db.query(
        `SELECT 1 FROM source_documents
          WHERE document_uuid = $1 AND status = 'processing' AND current_stage IS NOT DISTINCT FROM $2
            AND stage_attempts = $3`,
        [row.document_uuid, row.current_stage, row.stage_attempts],
      );
      if (!rows.length) return 'alive';
      await this.state.failStage(row.document_uuid, stage, d.reason);
      this.logger.warn(`document ${row.document_uuid}: ${d.reason}`);
      return 'failed';
    }
    if (jobState && !(await this.queues.removeFinishedJob(queueName, documentJobId(row.document_uuid)))) {
      return 'redis-unavailable';
    }
    const outcome = await this.queues.enqueue([{ documentUuid: row.document_uuid, stage }], 'sweeper');
    if (!outcome.enqueued) return 'redis-unavailable';
    this.logger.warn(`document ${row.document_uuid} stuck in ${stage} since ${since.toISOString()}: enqueued again`);
    return 'requeued';
  }

  /**
   * State of the document's job on the queue (null: none). An OCR document waiting on an
   * asynchronous Textract job counts as alive while its poll job is scheduled.
   */
  private async liveJobState(queueName: DocumentQueue, documentUuid: string): Promise<string | null> {
    const queue = this.queues.queue(queueName);
    const ms = this.config.enqueueTimeoutMs;
    const job = await withTimeout(queue.getJob(documentJobId(documentUuid)), ms, 'getJob');
    const state = job ? await withTimeout(job.getState(), ms, 'getState') : null;
    if (queueName !== QUEUES.OCR || (state && state !== 'completed' && state !== 'failed')) return state;
    const open: Array<{ job_id: string; poll_count: number }> = await this.db.query(
      `SELECT job_id, poll_count FROM textract_jobs WHERE document_uuid = $1 AND status IN ('SUBMITTED', 'IN_PROGRESS')`,
      [documentUuid],
    );
    for (const t of open) {
      for (const poll of [t.poll_count, t.poll_count + 1]) {
        const pj = await withTimeout(queue.getJob(`textract-poll:${t.job_id}:${poll}`), ms, 'getJob');
        const ps = pj ? await withTimeout(pj.getState(), ms, 'getState') : null;
        if (ps && ps !== 'completed' && ps !== 'failed') return ps;
      }
    }
    return state;
  }
}
