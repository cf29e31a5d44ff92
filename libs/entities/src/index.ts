export * from './entities';
export * from './schema';
export * from './database-url';
export * from './data-source-options';
export * from './migrate';
export * from './adoption';
