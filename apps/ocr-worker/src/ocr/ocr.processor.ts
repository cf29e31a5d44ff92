import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { DocumentJobData, JOBS, QUEUES, TextractPollJobData } from '@casegraph/contracts';
import { DocumentJobRunner, STALLED_OUT_MESSAGE, isPermanent } from '@casegraph/pipeline';
import { DocumentNotFoundError } from '@casegraph/project-context';
import type { OcrWorkerConfig } from '../config';
import { OCR_CONFIG } from '../engines/ocr-engines';
import { ocrMetrics } from './ocr.metrics';
import { OcrOutcome, OcrService } from './ocr.service';

/**
 * Bull consumer of the `ocr` queue: JOBS.OCR_DOCUMENT and JOBS.TEXTRACT_POLL.
 *
 * The handlers are registered in onModuleInit because @Process({ concurrency }) is fixed at decoration
 * time, before the validated config exists. The failure policy, the `failed` listener, log context and
 * the job metrics are the shared DocumentJobRunner's (libs/pipeline): a PermanentError fails the document
 * at `ocr` with its readable message and discards the job; anything else is retried by Bull with backoff
 * and fails the document with the cause after the last attempt; a missing document is dropped.
 */
@Injectable()
export class OcrProcessor implements OnModuleInit {
  constructor(
    private readonly ocr: OcrService,
    private readonly runner: DocumentJobRunner,
    @InjectQueue(QUEUES.OCR) private readonly queue: Queue,
    @Inject(OCR_CONFIG) private readonly config: OcrWorkerConfig,
  ) {}

  onModuleInit(): void {
    // One handler for both job names (the runner registers '*'): OCR_CONCURRENCY bounds the process as a whole.
    // Readiness (queue connection + ping), queue metrics and the drain on shutdown are the shared
    // QueueObservabilityModule and WorkerDrainModule of @casegraph/pipeline (see worker.module.ts).
    this.runner.register(this.queue, {
      queue: QUEUES.OCR,
      concurrency: this.config.ocrConcurrency,
      stages: ['ocr'],
      logger: OcrProcessor.name,
      // The project context of a document deleted while it was read: dropped like a missing row.
      isMissing: (err) => err instanceof DocumentNotFoundError,
      handlers: {
        [JOBS.OCR_DOCUMENT]: (job: Job<DocumentJobData>) => this.keepingNoSecret(job, () => this.ocr.processDocument(job.data.documentUuid)),
        [JOBS.TEXTRACT_POLL]: (job: Job<TextractPollJobData>) => this.keepingNoSecret(job, () => this.ocr.pollTextract(job.data)),
      },
      metrics: {
        documents: ocrMetrics.documents,
        seconds: ocrMetrics.documentSeconds,
        transientFailures: ocrMetrics.retries,
        labels: { engine: this.config.ocrEngine },
        outcomeOf: (outcome) => (outcome as OcrOutcome | undefined)?.status ?? 'completed',
      },
    });
    // A job that stalled out never reached the handler's catch: its document's password goes too.
    this.queue.on('failed', (job: Job<DocumentJobData> | null, err: Error) => {
      if (job?.data?.documentUuid && err?.message === STALLED_OUT_MESSAGE) void this.ocr.forgetPassword(job.data.documentUuid).catch(() => undefined);
    });
  }

  /**
   * The sealed password (document_secrets) is kept only while the stage can still use it: a permanent failure (of
   * any reason, not only a wrong password) or the last attempt's failure deletes it. A retry brings it again.
   */
  private async keepingNoSecret<T>(job: Job<{ documentUuid: string }>, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (isPermanent(err) || last) await this.ocr.forgetPassword(job.data.documentUuid).catch(() => undefined);
      throw err;
    }
  }
}
