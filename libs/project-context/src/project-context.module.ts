import { DynamicModule, Module } from '@nestjs/common';
import {
  PROJECT_CONTEXT_OPTIONS,
  ProjectContextModuleAsyncOptions,
  ProjectContextModuleOptions,
  resolveOptions,
} from './project-context.types';
import { ProjectContextService } from './project-context.service';

/**
 * `TypeOrmModule.forRoot(...)` + `ProjectContextModule.forRoot({ redisUrl })` is
 * a working app: the module uses the host's default TypeORM DataSource, opens
 * its own Redis connection and needs no other module. Global, so any feature
 * module can inject ProjectContextService.
 */
@Module({})
export class ProjectContextModule {
  static forRoot(options: ProjectContextModuleOptions): DynamicModule {
    const resolved = resolveOptions(options);
    return {
      module: ProjectContextModule,
      global: true,
      providers: [{ provide: PROJECT_CONTEXT_OPTIONS, useValue: resolved }, ProjectContextService],
      exports: [ProjectContextService],
    };
  }

  /** For options that come from another provider (e.g. ConfigService). */
  static forRootAsync(options: ProjectContextModuleAsyncOptions): DynamicModule {
    return {
      module: ProjectContextModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: PROJECT_CONTEXT_OPTIONS,
          useFactory: async (...args: unknown[]) => resolveOptions(await options.useFactory(...args)),
          inject: options.inject ?? [],
        },
        ProjectContextService,
      ],
      exports: [ProjectContextService],
    };
  }
}
