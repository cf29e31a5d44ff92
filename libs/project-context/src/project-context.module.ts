import { DynamicModule, Module } from '@nestjs/common';
import { ContextCacheGateway } from './context-cache-gateway';
import { ContextRepository } from './context-repository';
import { InvalidationBus } from './invalidation-bus';
import { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, ProjectContextModuleForRootOptions } from './project-context.module-definition';
import { ProjectContextService } from './project-context.service';
import { PROJECT_CONTEXT_OPTIONS, resolveOptions } from './project-context.types';

/**
 * `TypeOrmModule.forRoot(...)` + `ProjectContextModule.forRoot({ redisUrl })` is
 * a working app: the module uses the host's default TypeORM DataSource, opens
 * its own Redis connections and needs no other module. Global (unless
 * `isGlobal: false`), so any feature module can inject ProjectContextService.
 * `forRootAsync({ useFactory, inject, imports })` for options that come from
 * another provider (e.g. ConfigService).
 *
 * Providers, one owner of each piece of state, no cycles:
 * ProjectContextService (facade, single-flight) → InvalidationBus (subscriber,
 * L1, epoch, acks, pending invalidations) → ContextCacheGateway (cache
 * connection, breaker, write-back); ProjectContextService → ContextRepository
 * (SQL, DB lookup bound). The gateway reports "Redis is back" and the bus
 * reports "document dropped" through callbacks, never by importing back.
 */
@Module({
  providers: [
    { provide: PROJECT_CONTEXT_OPTIONS, useFactory: resolveOptions, inject: [MODULE_OPTIONS_TOKEN] },
    ContextCacheGateway,
    InvalidationBus,
    ContextRepository,
    ProjectContextService,
  ],
  exports: [ProjectContextService],
})
export class ProjectContextModule extends ConfigurableModuleClass {
  /** Validates the options at the call site (a bad option fails where it is written, not at DI time). */
  static forRoot(options: ProjectContextModuleForRootOptions): DynamicModule {
    resolveOptions(options);
    return super.forRoot(options);
  }
}
