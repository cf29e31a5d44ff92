import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ProjectContextModuleOptions } from './project-context.types';

/**
 * `ProjectContextModule.forRoot(options)` and `forRootAsync({ useFactory | useClass | useExisting, inject, imports })`.
 * The module is global unless `isGlobal: false` is passed. MODULE_OPTIONS_TOKEN holds the options as given;
 * the providers inject PROJECT_CONTEXT_OPTIONS, the same options with every default applied.
 */
export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<ProjectContextModuleOptions>({
    moduleName: 'ProjectContext',
  })
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
    .build();

/** What `forRoot` accepts: the options, plus `isGlobal` (default true). */
export type ProjectContextModuleForRootOptions = typeof OPTIONS_TYPE;
/** What `forRootAsync` accepts. `useClass` / `useExisting` name a class with `create(): options`. */
export type ProjectContextModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
