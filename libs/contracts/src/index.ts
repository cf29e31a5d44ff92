export * from './queues';
export * from './redis-keys';
export * from './stages';
export * from './uuid';
export * from './pages';
export * from './graph';
export * from './entity-key';
export * from './documents';
