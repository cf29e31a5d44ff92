import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { DocumentJobData, JOBS, QUEUES, Stage, documentJobId, jobDisplayFields, queueForStage } from '@casegraph/contracts';
import { APP_CONFIG } from '@casegraph/platform';
import type { IngestApiConfig } from '../config';
import { ingestMetrics } from '../metrics';

export type DocumentQueue = (typeof QUEUES)[keyof typeof QUEUES];

export interface EnqueueRequest {
  documentUuid: string;
  /** The stage the document starts (or resumes) at; decides the queue. */
  stage: Stage;
  /** Display only (Bull Board): copied into the job data, never read by a worker. */
  filename?: string | null;
  projectUuid?: string | null;
}

export interface EnqueueOutcome {
  /** Every document has a job (new, or an existing one with the same jobId). */
  enqueued: boolean;
  /** Why not, when not: the documents stay pending and the reconciler enqueues them later. */
  reason?: 'redis-unavailable' | 'timeout' | 'error';
}

/** Rejects after `ms` (the underlying work keeps running; callers only stop waiting). */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { timeout: true })), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The API's only way into Bull. Bull's client queues commands while Redis is
 * disconnected and would make a request wait forever; here every call is bounded
 * (client status checked first, then raced against ENQUEUE_TIMEOUT_MS) and never
 * throws: a document that could not be enqueued stays `pending` in PostgreSQL and
 * the reconciler enqueues it once Redis is back.
 */
@Injectable()
export class JobQueuesService {
  private readonly logger = new Logger('JobQueues');
  private readonly timeoutMs: number;

  constructor(
    @InjectQueue(QUEUES.OCR) readonly ocr: Queue<DocumentJobData>,
    @InjectQueue(QUEUES.GRAPH) readonly graph: Queue<DocumentJobData>,
    @Inject(APP_CONFIG) config: IngestApiConfig,
  ) {
    this.timeoutMs = config.enqueueTimeoutMs;
  }

  queue(name: DocumentQueue): Queue<DocumentJobData> {
    return name === QUEUES.OCR ? this.ocr : this.graph;
  }

  /** True when the queue's Redis connection is up (commands would not just be buffered). */
  isAvailable(name: DocumentQueue): boolean {
    return this.queue(name).client.status === 'ready';
  }

  /** One addBulk per queue touched (normally one): jobId = documentUuid, payload {documentUuid} plus display-only fields. */
  async enqueue(items: EnqueueRequest[], by: 'request' | 'reconciler' | 'retry' | 'sweeper'): Promise<EnqueueOutcome> {
    if (!items.length) return { enqueued: true };
    const groups = new Map<DocumentQueue, EnqueueRequest[]>();
    for (const it of items) {
      const q = queueForStage(it.stage);
      groups.set(q, [...(groups.get(q) ?? []), it]);
    }
    let outcome: EnqueueOutcome = { enqueued: true };
    for (const [name, group] of groups) {
      const r = await this.addBulk(name, group, by);
      if (!r.enqueued) outcome = r;
    }
    return outcome;
  }

  private async addBulk(name: DocumentQueue, items: EnqueueRequest[], by: string): Promise<EnqueueOutcome> {
    const uuids = items.map((i) => i.documentUuid);
    if (!this.isAvailable(name)) {
      ingestMetrics.enqueueDeferred.inc({ reason: 'redis-unavailable' }, uuids.length);
      return { enqueued: false, reason: 'redis-unavailable' };
    }
    const jobName = name === QUEUES.OCR ? JOBS.OCR_DOCUMENT : JOBS.GRAPH_DOCUMENT;
    const jobs = items.map((it) => ({
      name: jobName,
      data: { documentUuid: it.documentUuid, ...jobDisplayFields(it) },
      opts: { jobId: documentJobId(it.documentUuid) },
    }));
    try {
      await withTimeout(this.queue(name).addBulk(jobs), this.timeoutMs, `addBulk on ${name}`);
      ingestMetrics.enqueued.inc({ queue: name, by }, uuids.length);
      return { enqueued: true };
    } catch (err) {
      const timeout = (err as { timeout?: boolean }).timeout === true;
      ingestMetrics.enqueueDeferred.inc({ reason: timeout ? 'timeout' : 'error' }, uuids.length);
      this.logger.warn(`${uuids.length} document(s) left pending for the reconciler: ${(err as Error).message}`);
      return { enqueued: false, reason: timeout ? 'timeout' : 'error' };
    }
  }

  /**
   * Removes a finished (failed/completed) job so that the same jobId can be added
   * again. Returns false when Redis is unavailable or the job is locked by a worker.
   */
  async removeFinishedJob(name: DocumentQueue, jobId: string): Promise<boolean> {
    if (!this.isAvailable(name)) return false;
    try {
      return await withTimeout(
        (async () => {
          const job = await this.queue(name).getJob(jobId);
          if (!job) return true;
          if (!((await job.isFailed()) || (await job.isCompleted()))) return true;
          await job.remove();
          return true;
        })(),
        this.timeoutMs,
        `remove job ${jobId} from ${name}`,
      );
    } catch (err) {
      this.logger.warn(`could not remove finished job ${jobId} from ${name}: ${(err as Error).message}`);
      return false;
    }
  }
}
