import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { DocumentJobData, JOBS, QUEUES, TextractPollJobData } from '@casegraph/contracts';
import { runJob } from '@casegraph/pipeline';
import type { OcrWorkerConfig } from '../config';
import { OCR_CONFIG } from '../engines/ocr-engines';
import { describeError, isPermanent } from './ocr.errors';
import { ocrMetrics } from './ocr.metrics';
import { DocumentMissingError, OcrOutcome, OcrService } from './ocr.service';

type AnyJob = Job<DocumentJobData | TextractPollJobData>;

/**
 * Bull consumer of the `ocr` queue: JOBS.OCR_DOCUMENT and JOBS.TEXTRACT_POLL.
 *
 * The handler is registered in onModuleInit with queue.process('*',
 * concurrency, fn) because @Process({ concurrency }) is fixed at decoration
 * time, before the validated config exists.
 *
 * Failures: a PermanentError marks the document failed with its readable
 * message and discards the job (no retry). Anything else is rethrown so Bull
 * retries with backoff; on the last attempt the document is marked failed with
 * the cause. The `failed` listener is a second chance for jobs that never
 * reached our handler's catch (a job stalled too often, a DB write that failed).
 */
@Injectable()
export class OcrProcessor implements OnModuleInit {
  private readonly logger = new Logger(OcrProcessor.name);

  constructor(
    private readonly ocr: OcrService,
    @InjectQueue(QUEUES.OCR) private readonly queue: Queue,
    @Inject(OCR_CONFIG) private readonly config: OcrWorkerConfig,
  ) {}

  onModuleInit(): void {
    // One handler for both job names: Bull adds up the concurrency of named handlers, and
    // OCR_CONCURRENCY must bound the jobs of this process as a whole.
    // runJob: every log line of the job carries documentUuid, jobId and stage (and projectUuid once known).
    void this.queue.process('*', this.config.ocrConcurrency, (job: AnyJob) => runJob(QUEUES.OCR, job, () => this.dispatch(job)));
    this.queue.on('failed', (job: AnyJob, err: Error) => void runJob(QUEUES.OCR, job, () => this.onFailed(job, err)));
    this.queue.on('error', (err: Error) => this.logger.warn(`ocr queue error: ${err.message}`));
    // Readiness (queue connection + ping), job metrics and the drain on shutdown are the shared
    // QueueObservabilityModule and WorkerDrainModule of @casegraph/pipeline (see worker.module.ts).
  }

  private dispatch(job: AnyJob): Promise<OcrOutcome> {
    if (job.name === JOBS.OCR_DOCUMENT) {
      const data = job.data as DocumentJobData;
      return this.run(job, 'ocr-document', () => this.ocr.processDocument(data.documentUuid));
    }
    if (job.name === JOBS.TEXTRACT_POLL) {
      const data = job.data as TextractPollJobData;
      return this.run(job, 'textract-poll', () => this.ocr.pollTextract(data));
    }
    job.discard();
    return Promise.reject(new Error(`unknown job ${job.name} on the ocr queue`));
  }

  /** Runs one job with the error taxonomy applied. Exported for tests through the queue only. */
  async run(job: AnyJob, kind: string, fn: () => Promise<OcrOutcome>): Promise<OcrOutcome> {
    const documentUuid = job.data?.documentUuid;
    const end = ocrMetrics.documentSeconds.startTimer({ engine: this.config.ocrEngine });
    try {
      const outcome = await fn();
      ocrMetrics.documents.inc({ engine: this.config.ocrEngine, outcome: outcome.status });
      return outcome;
    } catch (err) {
      if (err instanceof DocumentMissingError) {
        ocrMetrics.documents.inc({ engine: this.config.ocrEngine, outcome: 'missing' });
        this.logger.warn(`${kind} ${job.id}: ${err.message}; dropped without retry`);
        await job.discard();
        throw err;
      }
      if (isPermanent(err)) {
        ocrMetrics.documents.inc({ engine: this.config.ocrEngine, outcome: 'failed' });
        this.logger.warn(`${kind} ${documentUuid}: permanent failure (${err.reason}): ${err.message}`);
        try {
          await this.ocr.failDocument(documentUuid, err.message);
        } catch (e) {
          // Could not record it (database away): keep the job retryable; the re-run fails the same way.
          this.logger.error(`could not mark ${documentUuid} failed: ${describeError(e)}`);
          throw err;
        }
        await job.discard();
        throw err;
      }
      const attempts = job.opts.attempts ?? 1;
      const isLast = job.attemptsMade + 1 >= attempts;
      ocrMetrics.retries.inc({ job: kind });
      this.logger.warn(
        `${kind} ${documentUuid}: attempt ${job.attemptsMade + 1}/${attempts} failed: ${describeError(err)}${isLast ? '' : '; will retry'}`,
      );
      if (isLast) {
        ocrMetrics.documents.inc({ engine: this.config.ocrEngine, outcome: 'failed' });
        await this.ocr
          .failDocument(documentUuid, `${describeError(err)} (failed after ${attempts} attempts)`)
          .catch((e) => this.logger.error(`could not mark ${documentUuid} failed: ${describeError(e)}`));
      }
      throw err;
    } finally {
      end();
    }
  }

  /** Second chance: a job that is finished failing leaves its document failed, with the cause. */
  private async onFailed(job: AnyJob, err: Error): Promise<void> {
    const documentUuid = job?.data?.documentUuid;
    if (!documentUuid || err instanceof DocumentMissingError) return;
    const exhausted = (job as unknown as { isDiscarded(): boolean }).isDiscarded() || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!exhausted) return;
    try {
      const status = await this.ocr.ocrStatus(documentUuid);
      if (status && status !== 'failed' && status !== 'completed') {
        await this.ocr.failDocument(documentUuid, `${describeError(err)} (failed after ${job.attemptsMade} attempts)`);
      }
    } catch (e) {
      this.logger.error(`could not mark ${documentUuid} failed: ${describeError(e)}`);
    }
  }
}
