import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { APP_CONFIG, HealthModule, MetricsModule, OPS_HTTP_PORT, OpsHttpServer } from '@casegraph/platform';
import { ProjectContextModule } from '@casegraph/project-context';
import { OcrWorkerConfig } from './config';

@Module({})
export class OcrWorkerModule {
  static forRoot(config: OcrWorkerConfig): DynamicModule {
    return {
      module: OcrWorkerModule,
      imports: [
        TypeOrmModule.forRoot(
          dataSourceOptions(config.databaseUrl, ENTITIES, MIGRATIONS, {
            poolSize: config.dbPoolSize,
            applicationName: 'casegraph-ocr-worker',
          }),
        ),
        ProjectContextModule.forRoot({ redisUrl: config.redisUrl, ttlSeconds: config.cacheTtlSeconds }),
        HealthModule.forRoot({ redisUrl: config.redisUrl }),
        MetricsModule.forRoot(),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: OPS_HTTP_PORT, useValue: config.healthPort },
        OpsHttpServer,
      ],
      exports: [APP_CONFIG],
    };
  }
}
