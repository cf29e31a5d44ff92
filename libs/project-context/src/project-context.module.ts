import { DynamicModule, Module } from '@nestjs/common';
import { PROJECT_CONTEXT_OPTIONS, ProjectContextModuleOptions } from './project-context.types';
import { ProjectContextService } from './project-context.service';

@Module({})
export class ProjectContextModule {
  static forRoot(options: ProjectContextModuleOptions): DynamicModule {
    return {
      module: ProjectContextModule,
      global: true,
      providers: [{ provide: PROJECT_CONTEXT_OPTIONS, useValue: options }, ProjectContextService],
      exports: [ProjectContextService],
    };
  }
}
