export * from './insert-documents';
export * from './secrets';
