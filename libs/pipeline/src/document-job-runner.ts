import { Injectable, Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { Counter, Histogram, register } from 'prom-client';
import { Stage, isUuid } from '@casegraph/contracts';
import { DocumentSnapshot, DocumentStateService } from './document-state.service';
import { DocumentMissingError, causeOf, describeError, isPermanent, permanentReason, stageOfError } from './errors';
import { runJob } from './queue-observability.module';

/** A job of a document queue: its payload names the document. */
export type DocumentJob = Job<{ documentUuid?: string } & Record<string, unknown>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler types its own job payload
export type DocumentJobHandler = (job: Job<any>) => Promise<unknown>;

/** The message Bull fails a job with once it stalled more than `maxStalledCount` times. */
export const STALLED_OUT_MESSAGE = 'job stalled more than allowable limit';

/** Job outcome labels written by the runner. */
export type DocumentJobOutcome = 'completed' | 'retry' | 'failed' | 'missing';
/** Why the runner failed a document: permanent error, out of attempts, stalled out, or discarded before the handler's catch. */
export type DocumentFailureCause = 'permanent' | 'exhausted' | 'stalled' | 'discarded';

function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  return (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames });
}

/** Metrics of every document worker (prom-client default registry), labelled by queue and stage. */
export const documentJobMetrics = {
  jobs: counter('casegraph_document_jobs_total', 'Document job attempts by outcome (completed, retry, failed, missing)', ['queue', 'outcome']),
  failures: counter(
    'casegraph_document_failures_total',
    'Documents a worker marked failed, by stage and cause (permanent, exhausted, stalled, discarded)',
    ['queue', 'stage', 'cause'],
  ),
};

/** A worker's own metrics, kept under their existing names; the runner feeds them. */
export interface DocumentWorkerMetrics {
  /** Counter with an `outcome` label (plus `labels`): the success outcome, `retry`, `failed`, `missing`. */
  documents?: Counter<string>;
  /** Histogram (labels: `labels`) of the duration of every attempt. */
  seconds?: Histogram<string>;
  /** Counter with a `job` label (the job name): attempts that failed transiently (the last one too). */
  transientFailures?: Counter<string>;
  /** Fixed labels of `documents` and `seconds`, e.g. `{ engine: 'local' }`. */
  labels?: Record<string, string>;
  /** `outcome` of a successful attempt (default `completed`), e.g. OCR's `textract-started`. */
  outcomeOf?: (result: unknown) => string;
}

export interface DocumentWorkerOptions {
  /** Queue name: log context and metric label. */
  queue: string;
  /** Jobs of this queue run at once in this process, whatever their names (one `process('*')` handler). */
  concurrency: number;
  /**
   * Stages this worker runs, in order. A failure that carries no stage (no StageError) is recorded at the
   * worker's open stage: the document's current stage if it is one of these, else the first not completed.
   */
  stages: readonly Stage[];
  /** One handler per job name. A job with another name is discarded and failed. */
  handlers: Record<string, DocumentJobHandler>;
  /** More "the document does not exist" errors (a DocumentMissingError always is). Dropped, nothing written. */
  isMissing?: (err: unknown) => boolean;
  /** More permanent errors (a PermanentError always is), e.g. data PostgreSQL rejects. */
  isPermanent?: (err: unknown) => boolean;
  metrics?: DocumentWorkerMetrics;
  /** Logger context. Default DocumentJobRunner. */
  logger?: string;
}

/** A consumer registered by DocumentJobRunner. */
export interface RegisteredDocumentWorker {
  /** Removes the runner's queue listeners (the queue's own close stops the handler). */
  detach(): void;
}

/**
 * The failure policy of every document worker, in one place. `register(queue, options)` consumes the queue:
 *
 * - every job runs under runJob (documentUuid, jobId, queue and stage on every log line);
 * - success → counted;
 * - document missing (DocumentMissingError, `isMissing`) → job discarded, no retry, nothing written;
 * - permanent (PermanentError, `isPermanent`) → the document's stage `failed` with the error's readable
 *   message, job discarded (no retry). If that cannot be recorded (database away) the job stays retryable;
 * - transient (anything else) → rethrown: Bull retries with the job's backoff; on the last attempt the stage is
 *   `failed` with "<reason> (failed after N attempts)";
 * - a `failed` listener is the second chance for jobs that never reached that catch or whose record failed
 *   (stalled out, discarded, the write refused): once the job has no attempts left and the document is still
 *   not completed or failed, its open stage is `failed` with the last reason.
 *
 * The stage failed is the StageError's when the error says so, else the worker's open stage (see `stages`).
 */
@Injectable()
export class DocumentJobRunner {
  constructor(private readonly state: DocumentStateService) {}

  register(queue: Queue, options: DocumentWorkerOptions): RegisteredDocumentWorker {
    return new DocumentWorker(queue, options, this.state).start();
  }
}

class DocumentWorker implements RegisteredDocumentWorker {
  private readonly logger: Logger;
  private readonly onFailedEvent = (job: DocumentJob | null, err: Error) => {
    if (!job) return;
    // Fire and forget from an event listener: onFailed logs its own failures; anything else is logged here.
    void runJob(this.options.queue, job, () => this.onFailed(job, err)).catch((e) =>
      this.logger.error(`${this.options.queue} failed-job handler for ${job.data?.documentUuid}: ${describeError(e)}`),
    );
  };
  private readonly onError = (err: Error) => this.logger.warn(`${this.options.queue} queue error: ${err?.message}`);

  constructor(
    private readonly queue: Queue,
    private readonly options: DocumentWorkerOptions,
    private readonly state: DocumentStateService,
  ) {
    this.logger = new Logger(options.logger ?? DocumentJobRunner.name);
    if (!options.stages.length) throw new Error(`document worker of queue ${options.queue} has no stages`);
  }

  start(): this {
    // One handler for every job name: Bull adds up the concurrency of named handlers, and the configured
    // concurrency must bound the jobs of this process as a whole.
    void this.queue
      .process('*', this.options.concurrency, (job: DocumentJob) => runJob(this.options.queue, job, () => this.run(job)))
      .catch((err: Error) => this.logger.error(`${this.options.queue} consumer stopped: ${err?.message}`));
    this.queue.on('failed', this.onFailedEvent);
    this.queue.on('error', this.onError);
    return this;
  }

  detach(): void {
    this.queue.removeListener('failed', this.onFailedEvent);
    this.queue.removeListener('error', this.onError);
  }

  private isMissing(err: unknown): boolean {
    const e = causeOf(err);
    return e instanceof DocumentMissingError || (this.options.isMissing?.(e) ?? false);
  }

  private isPermanent(err: unknown): boolean {
    return isPermanent(err) || (this.options.isPermanent?.(err) ?? false);
  }

  private count(outcome: string, kind: DocumentJobOutcome = outcome as DocumentJobOutcome): void {
    const m = this.options.metrics;
    documentJobMetrics.jobs.inc({ queue: this.options.queue, outcome: kind });
    m?.documents?.inc({ ...m.labels, outcome });
  }

  /** One attempt of a job, with the failure policy applied. */
  private async run(job: DocumentJob): Promise<unknown> {
    const handler = Object.prototype.hasOwnProperty.call(this.options.handlers, job.name) ? this.options.handlers[job.name] : undefined;
    if (!handler) {
      await job.discard();
      throw new Error(`unknown job ${job.name} on the ${this.options.queue} queue`);
    }
    const m = this.options.metrics;
    const end = m?.seconds?.startTimer({ ...m.labels });
    const documentUuid = job.data?.documentUuid;
    try {
      const result = await handler(job);
      this.count(m?.outcomeOf?.(result) ?? 'completed', 'completed');
      return result;
    } catch (err) {
      if (this.isMissing(err)) {
        this.count('missing');
        this.logger.warn(`${job.name} ${job.id}: ${describeError(err)}; dropped without retry`);
        await job.discard();
        throw err;
      }
      if (this.isPermanent(err)) {
        const reason = permanentReason(err);
        const code = (causeOf(err) as { reason?: unknown })?.reason;
        this.logger.warn(`${job.name} ${documentUuid}: permanent failure${typeof code === 'string' ? ` (${code})` : ''}: ${reason}`);
        if (isUuid(documentUuid)) {
          try {
            await this.fail(documentUuid, err, reason, 'permanent');
          } catch (e) {
            // Could not record it (database away): keep the job retryable; the re-run fails the same way.
            this.count('retry');
            this.logger.error(`could not mark ${documentUuid} failed: ${describeError(e)}; the job stays retryable`);
            throw err;
          }
        }
        this.count('failed');
        await job.discard();
        throw err;
      }
      const attempts = job.opts.attempts ?? 1;
      const attempt = job.attemptsMade + 1;
      const last = attempt >= attempts;
      m?.transientFailures?.inc({ job: job.name });
      this.count(last ? 'failed' : 'retry');
      this.logger[last ? 'error' : 'warn'](
        `${job.name} ${documentUuid}: attempt ${attempt}/${attempts} failed: ${describeError(err)}${last ? '' : '; will retry'}`,
      );
      if (last && isUuid(documentUuid)) {
        // If this write fails too, the `failed` listener tries again.
        await this.fail(documentUuid, err, `${describeError(err)} (failed after ${attempts} attempts)`, 'exhausted').catch((e) =>
          this.logger.error(`could not mark ${documentUuid} failed: ${describeError(e)}`),
        );
      }
      throw err;
    } finally {
      end?.();
    }
  }

  /** Marks the document failed at the error's stage (or the worker's open stage). */
  private async fail(documentUuid: string, err: unknown, reason: string, cause: DocumentFailureCause): Promise<void> {
    const explicit = stageOfError(err);
    const stage =
      explicit ?? (this.options.stages.length === 1 ? this.options.stages[0] : this.openStage(await this.state.snapshot(documentUuid), err));
    if (!stage) return;
    if (await this.state.failStage(documentUuid, stage, reason)) {
      documentJobMetrics.failures.inc({ queue: this.options.queue, stage, cause });
    }
  }

  /** The stage of this worker the document is still in, or null when it is missing, completed or failed. */
  private openStage(snap: DocumentSnapshot | null, err: unknown): Stage | null {
    if (!snap || snap.status === 'completed' || snap.status === 'failed') return null;
    const open = (s: Stage) => snap.stages[s] !== 'completed' && snap.stages[s] !== 'failed';
    const stages = this.options.stages;
    const explicit = stageOfError(err);
    if (explicit && stages.includes(explicit)) return open(explicit) ? explicit : null;
    if (snap.currentStage && stages.includes(snap.currentStage) && open(snap.currentStage)) return snap.currentStage;
    return stages.find((s) => snap.stages[s] !== 'completed') ?? null;
  }

  /** Second chance: a job that is finished failing leaves its document failed, with the last reason. */
  private async onFailed(job: DocumentJob, err: Error): Promise<void> {
    const documentUuid = job.data?.documentUuid;
    if (!isUuid(documentUuid) || this.isMissing(err)) return;
    const stalled = err?.message === STALLED_OUT_MESSAGE;
    const discarded = (job as unknown as { isDiscarded?: () => boolean }).isDiscarded?.() ?? false;
    if (!stalled && !discarded && job.attemptsMade < (job.opts?.attempts ?? 1)) return; // Bull retries it
    try {
      const stage = this.openStage(await this.state.snapshot(documentUuid), err);
      if (!stage) return;
      const reason = stalled
        ? `${describeError(err)}: its worker died or stopped renewing the job's lock too often (after ${job.attemptsMade} failed attempts)`
        : this.isPermanent(err)
          ? permanentReason(err)
          : `${describeError(err)} (failed after ${job.attemptsMade} attempts)`;
      if (!(await this.state.failStage(documentUuid, stage, reason))) return;
      const cause: DocumentFailureCause = stalled ? 'stalled' : discarded ? 'discarded' : 'exhausted';
      documentJobMetrics.failures.inc({ queue: this.options.queue, stage, cause });
      // A stalled-out job never reached the handler's catch: count it here.
      if (stalled) this.count('failed');
      this.logger.warn(`${job.name} ${documentUuid}: ${stage} failed after the job ended: ${reason}`);
    } catch (e) {
      this.logger.error(`could not mark ${documentUuid} failed: ${describeError(e)}`);
    }
  }
}
