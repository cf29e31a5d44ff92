import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { DocumentJobData, JOBS, QUEUES, STAGES, TYPED_RELATIONSHIP_TYPES, isUuid, queueForStage } from '@casegraph/contracts';
import { DocumentJobRunner, PermanentError } from '@casegraph/pipeline';
import { isDocumentNotFound, isRejectedData } from './errors';
import { graphMetrics } from './graph-metrics';
import { GraphDocumentResult, GraphPipelineService } from './graph-pipeline.service';

export const GRAPH_CONSUMER_OPTIONS = Symbol('GRAPH_CONSUMER_OPTIONS');
export interface GraphConsumerOptions {
  /** GRAPH_CONCURRENCY: jobs processed at once by this process. */
  concurrency: number;
}

/** The stages run on the graph queue, in order: chunking, entities, resolution, relationships. */
export const GRAPH_STAGES = STAGES.filter((s) => queueForStage(s) === QUEUES.GRAPH);

/**
 * Bull consumer of QUEUES.GRAPH / JOBS.GRAPH_DOCUMENT. A job carries only {documentUuid}. The failure
 * policy is the shared DocumentJobRunner's (libs/pipeline), as for the OCR worker: unknown documents are
 * dropped without retry; documents without text and data the database rejects fail their stage at once
 * (no retry); anything else is retried with the job's backoff, and after the last attempt (or once the job
 * stalled out) the stage is marked failed with the cause.
 */
@Injectable()
export class GraphDocumentProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(GraphDocumentProcessor.name);

  constructor(
    @InjectQueue(QUEUES.GRAPH) private readonly queue: Queue<DocumentJobData>,
    @Inject(GRAPH_CONSUMER_OPTIONS) private readonly options: GraphConsumerOptions,
    private readonly pipeline: GraphPipelineService,
    private readonly runner: DocumentJobRunner,
  ) {}

  onApplicationBootstrap(): void {
    // Readiness of the queue connection, queue metrics and the drain on shutdown are the shared
    // QueueObservabilityModule and WorkerDrainModule of @casegraph/pipeline (see worker.module.ts).
    // The handler is registered here (not with @Process) so that the concurrency comes from config.
    this.runner.register(this.queue, {
      queue: QUEUES.GRAPH,
      concurrency: this.options.concurrency,
      stages: GRAPH_STAGES,
      logger: GraphDocumentProcessor.name,
      handlers: { [JOBS.GRAPH_DOCUMENT]: (job: Job<DocumentJobData>) => this.handle(job) },
      isMissing: isDocumentNotFound,
      isPermanent: isRejectedData,
      metrics: { documents: graphMetrics.documents },
    });
  }

  async handle(job: Job<DocumentJobData>): Promise<GraphDocumentResult> {
    const documentUuid = job.data?.documentUuid;
    if (!isUuid(documentUuid)) throw new PermanentError(`job ${job.id} has no valid documentUuid`, 'bad-payload');
    const result = await this.pipeline.process(documentUuid);
    this.logger.log(
      `document ${documentUuid} (project ${result.projectUuid}): ${result.chunks} chunks, ${result.mentions} mentions, ` +
        `${result.resolution.entities} entities (${result.resolution.created} new), ${result.relationships.coOccurs} co-occurrence pairs, ` +
        `${typedEdges(result)} typed edges`,
    );
    return result;
  }
}

/** The document's typed contributions (CITES, PARTY_TO, …): everything but MENTIONED_IN and CO_OCCURS. */
function typedEdges(result: GraphDocumentResult): number {
  const { byType } = result.relationships;
  return TYPED_RELATIONSHIP_TYPES.reduce((n, t) => n + (byType[t] ?? 0), 0);
}
