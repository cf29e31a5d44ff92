export * from './text/document-text';
export * from './text/sentences';
export * from './text/load-document-text';
export * from './transactions';
export * from './entity-counts';
export * from './relationships/co-occurrence';
export * from './relationships/edge-store';
export * from './curation-rules';
