import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { APP_CONFIG, HealthModule, MetricsModule } from '@casegraph/platform';
import { ProjectContextModule } from '@casegraph/project-context';
import { IngestApiConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: IngestApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(
          dataSourceOptions(config.databaseUrl, ENTITIES, MIGRATIONS, {
            poolSize: config.dbPoolSize,
            applicationName: 'casegraph-ingest-api',
          }),
        ),
        ProjectContextModule.forRoot({ redisUrl: config.redisUrl, ttlSeconds: config.cacheTtlSeconds }),
        HealthModule.forRoot({ redisUrl: config.redisUrl, http: true }),
        MetricsModule.forRoot({ http: true }),
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
