import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QUEUES } from '@casegraph/contracts';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { PipelineModule, QueueObservabilityModule, WorkerDrainModule, bullRoot } from '@casegraph/pipeline';
import { APP_CONFIG, HealthModule, LoggingModule, MetricsModule, OPS_HTTP_PORT, OpsHttpServer } from '@casegraph/platform';
import { ProjectContextModule, ProjectContextModuleOptions } from '@casegraph/project-context';
import { StorageModule } from '@casegraph/storage';
import { OcrWorkerConfig } from './config';
import { OcrModule } from './ocr/ocr.module';

export interface OcrWorkerModuleOverrides {
  /** Options of the project-context cache (tests point it at a dead or hung Redis). */
  projectContext?: Partial<ProjectContextModuleOptions>;
}

/**
 * The OCR worker: a Bull consumer of the `ocr` queue (no HTTP API; health and
 * metrics on the ops server). Never runs migrations.
 */
@Module({})
export class OcrWorkerModule {
  static forRoot(config: OcrWorkerConfig, overrides: OcrWorkerModuleOverrides = {}): DynamicModule {
    return {
      module: OcrWorkerModule,
      imports: [
        LoggingModule.forRoot(config, { service: 'ocr-worker' }),
        TypeOrmModule.forRoot(
          dataSourceOptions(config.databaseUrl, ENTITIES, MIGRATIONS, {
            poolSize: config.dbPoolSize,
            applicationName: 'casegraph-ocr-worker',
          }),
        ),
        ProjectContextModule.forRoot({
          redisUrl: config.redisUrl,
          ttlSeconds: config.cacheTtlSeconds,
          ...overrides.projectContext,
        }),
        PipelineModule.forRoot({ redisUrl: config.redisUrl }),
        StorageModule.forRoot(config),
        bullRoot({ redisUrl: config.redisUrl, prefix: config.bullPrefix }),
        HealthModule.forRoot({ redisUrl: config.redisUrl }),
        MetricsModule.forRoot(),
        OcrModule.forRoot(config),
        // On SIGTERM: stop taking ocr jobs, let active ones finish up to SHUTDOWN_GRACE_MS, then close.
        WorkerDrainModule.forRoot({ queues: [QUEUES.OCR], graceMs: config.shutdownGraceMs }),
        QueueObservabilityModule.forRoot({ queues: [QUEUES.OCR], jobEvents: true, readiness: true }),
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: OPS_HTTP_PORT, useValue: config.healthPort }, OpsHttpServer],
      exports: [APP_CONFIG],
    };
  }
}
