import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QUEUES } from '@casegraph/contracts';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { PipelineModule, QueueObservabilityModule, bullRoot } from '@casegraph/pipeline';
import { APP_CONFIG, HealthModule, LoggingModule, MetricsModule } from '@casegraph/platform';
import { ProjectContextModule } from '@casegraph/project-context';
import { StorageModule } from '@casegraph/storage';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { BatchesModule } from './batches/batches.module';
import { IngestApiConfig } from './config';
import { CurationModule } from './curation/curation.module';
import { DocumentEntitiesModule } from './document-entities/document-entities.module';
import { DocumentsModule } from './documents/documents.module';
import { GraphModule } from './graph/graph.module';
import { IntakeModule } from './intake/intake.module';
import { ProductionsModule } from './productions/productions.module';
import { ProjectsModule } from './projects/projects.module';
import { SearchModule } from './search/search.module';
import { SweeperModule } from './sweeper/sweeper.module';
import { TimelineModule } from './timeline/timeline.module';
import { WebModule } from './web/web.module';

/**
 * Feature modules of the API. Other owners add their module here with ONE line
 * (e.g. the graph read API: `GraphModule` from './graph/graph.module').
 */
export const FEATURE_MODULES = [
  ProjectsModule,
  DocumentsModule,
  BatchesModule,
  // ── feature modules of other owners below this line ──
  GraphModule,
  SweeperModule,
  CurationModule,
  ProductionsModule,
  SearchModule,
  DocumentEntitiesModule,
  TimelineModule,
  WebModule,
];

@Module({})
class AppConfigModule {}

@Module({})
export class AppModule {
  static forRoot(config: IngestApiConfig): DynamicModule {
    const configProvider = { provide: APP_CONFIG, useValue: config };
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot(config, { service: 'ingest-api', http: true }),
        // APP_CONFIG, visible to every feature module.
        { module: AppConfigModule, global: true, providers: [configProvider], exports: [APP_CONFIG] },
        TypeOrmModule.forRoot(
          dataSourceOptions(config.databaseUrl, ENTITIES, MIGRATIONS, {
            poolSize: config.dbPoolSize,
            applicationName: 'casegraph-ingest-api',
          }),
        ),
        ProjectContextModule.forRoot({ redisUrl: config.redisUrl, ttlSeconds: config.cacheTtlSeconds }),
        PipelineModule.forRoot({ redisUrl: config.redisUrl }),
        StorageModule.forRoot(config),
        bullRoot({ redisUrl: config.redisUrl, prefix: config.bullPrefix }),
        // Redis is reported but never fails readiness: uploads go on during an outage (the reconciler enqueues later).
        HealthModule.forRoot({ redisUrl: config.redisUrl, http: true, redisRequired: false }),
        MetricsModule.forRoot({ http: true }),
        AuthModule.forRoot({ rateLimitPerMinute: config.rateLimitPerMinute }),
        IntakeModule,
        // Queue depth of ocr and graph on /metrics (the API only produces: no job events, no queue readiness).
        QueueObservabilityModule.forRoot({ queues: [QUEUES.OCR, QUEUES.GRAPH], jobEvents: false, readiness: false }),
        AdminModule.forRoot(config),
        ...FEATURE_MODULES,
      ],
    };
  }
}
