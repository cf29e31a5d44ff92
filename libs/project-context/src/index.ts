export * from './project-context.types';
export * from './project-context.module';
export * from './project-context.service';
