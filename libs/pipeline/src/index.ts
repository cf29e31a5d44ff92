export * from './queue.module';
export * from './document-state.service';
export * from './document-job-runner';
export * from './errors';
export * from './pipeline.module';
export * from './worker-drain.service';
export * from './queue-metrics';
export * from './queue-observability.module';
