import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QUEUES } from '@casegraph/contracts';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { PipelineModule, QueueObservabilityModule, WorkerDrainModule, bullRoot, registerQueues } from '@casegraph/pipeline';
import { APP_CONFIG, HealthModule, LoggingModule, MetricsModule, OPS_HTTP_PORT, OpsHttpServer } from '@casegraph/platform';
import { ProjectContextModule } from '@casegraph/project-context';
import { GraphWorkerConfig, llmExtractorOptions } from './config';
import { GraphPipelineModule } from './pipeline/graph-pipeline.module';
import { GRAPH_CONSUMER_OPTIONS, GraphDocumentProcessor } from './pipeline/graph.processor';

/**
 * The graph worker: a Bull consumer of the `graph` queue (no HTTP API; health and
 * metrics on the ops server). Never runs migrations.
 */
@Module({})
export class GraphWorkerModule {
  static forRoot(config: GraphWorkerConfig): DynamicModule {
    const pipeline = GraphPipelineModule.forRoot({
      chunkSize: config.chunkSize,
      chunkOverlap: config.chunkOverlap,
      extractor: config.entityExtractor,
      llm: llmExtractorOptions(config),
      fuzzyThreshold: config.fuzzyThreshold,
      maxEntitiesPerSentence: config.cooccurrenceMaxEntities,
    });
    return {
      module: GraphWorkerModule,
      imports: [
        LoggingModule.forRoot(config, { service: 'graph-worker' }),
        TypeOrmModule.forRoot(
          dataSourceOptions(config.databaseUrl, ENTITIES, MIGRATIONS, {
            poolSize: config.dbPoolSize,
            applicationName: 'casegraph-graph-worker',
          }),
        ),
        ProjectContextModule.forRoot({ redisUrl: config.redisUrl, ttlSeconds: config.cacheTtlSeconds }),
        PipelineModule.forRoot({ redisUrl: config.redisUrl }),
        bullRoot({ redisUrl: config.redisUrl, prefix: config.bullPrefix }),
        registerQueues(QUEUES.GRAPH),
        WorkerDrainModule.forRoot({ queues: [QUEUES.GRAPH], graceMs: config.shutdownGraceMs }),
        QueueObservabilityModule.forRoot({ queues: [QUEUES.GRAPH], jobEvents: true, readiness: true }),
        HealthModule.forRoot({ redisUrl: config.redisUrl }),
        MetricsModule.forRoot(),
        pipeline,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: OPS_HTTP_PORT, useValue: config.healthPort },
        { provide: GRAPH_CONSUMER_OPTIONS, useValue: { concurrency: config.graphConcurrency } },
        OpsHttpServer,
        GraphDocumentProcessor,
      ],
      exports: [APP_CONFIG],
    };
  }
}
