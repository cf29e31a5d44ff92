import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { DocumentJobData, JOBS, QUEUES, isUuid } from '@casegraph/contracts';
import { DocumentStateService, runJob } from '@casegraph/pipeline';
import { DocumentNotFoundError } from '@casegraph/project-context';
import { PermanentGraphError, StageError, isPermanent, reasonOf } from './errors';
import { graphMetrics } from './graph-metrics';
import { GraphDocumentResult, GraphPipelineService } from './graph-pipeline.service';

export const GRAPH_CONSUMER_OPTIONS = Symbol('GRAPH_CONSUMER_OPTIONS');
export interface GraphConsumerOptions {
  /** GRAPH_CONCURRENCY: jobs processed at once by this process. */
  concurrency: number;
}

/**
 * Bull consumer of QUEUES.GRAPH / JOBS.GRAPH_DOCUMENT. A job carries only
 * {documentUuid}. Unknown documents, documents without text and data the database
 * rejects fail at once (no retry); anything else is retried with the job's backoff,
 * and after the last attempt the stage is marked failed with the cause.
 */
@Injectable()
export class GraphDocumentProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(GraphDocumentProcessor.name);

  constructor(
    @InjectQueue(QUEUES.GRAPH) private readonly queue: Queue<DocumentJobData>,
    @Inject(GRAPH_CONSUMER_OPTIONS) private readonly options: GraphConsumerOptions,
    private readonly pipeline: GraphPipelineService,
    private readonly state: DocumentStateService,
  ) {}

  onApplicationBootstrap(): void {
    // Readiness of the queue connection, job metrics and the drain on shutdown are the shared
    // QueueObservabilityModule and WorkerDrainModule of @casegraph/pipeline (see worker.module.ts).
    // The handler is registered here (not with @Process) so that the concurrency comes from config;
    // runJob binds documentUuid, jobId and stage (projectUuid once known) to every log line of the job.
    void this.queue.process(JOBS.GRAPH_DOCUMENT, this.options.concurrency, (job) => runJob(QUEUES.GRAPH, job, () => this.handle(job))).catch((err: Error) => {
      this.logger.error(`graph consumer stopped: ${err.message}`);
    });
  }

  async handle(job: Job<DocumentJobData>): Promise<GraphDocumentResult> {
    const documentUuid = job.data?.documentUuid;
    try {
      if (!isUuid(documentUuid)) throw new PermanentGraphError(`job ${job.id} has no valid documentUuid`);
      const result = await this.pipeline.process(documentUuid);
      graphMetrics.documents.inc({ outcome: 'completed' });
      this.logger.log(
        `document ${documentUuid} (project ${result.projectUuid}): ${result.chunks} chunks, ${result.mentions} mentions, ` +
          `${result.resolution.entities} entities (${result.resolution.created} new), ${result.relationships.coOccurs} co-occurrence pairs`,
      );
      return result;
    } catch (err) {
      const permanent = isPermanent(err);
      const attempts = job.opts.attempts ?? 1;
      const last = permanent || job.attemptsMade + 1 >= attempts;
      if (permanent) await job.discard();
      graphMetrics.documents.inc({ outcome: last ? 'failed' : 'retry' });
      const reason = reasonOf(err);
      if (last && err instanceof StageError && isUuid(documentUuid)) {
        await this.state.failStage(documentUuid, err.stage, reason).catch((e: Error) => this.logger.warn(`failStage: ${e.message}`));
      }
      const what = err instanceof StageError ? `${err.stage} failed` : (err as Error)?.name ?? 'failed';
      const cause = err instanceof StageError ? err.cause : err;
      if (cause instanceof DocumentNotFoundError) this.logger.warn(`job ${job.id}: document ${documentUuid} not found; not retried`);
      else this.logger[last ? 'error' : 'warn'](`document ${documentUuid}: ${what}: ${reason}${last ? '' : ' (will retry)'}`);
      throw err;
    }
  }
}
