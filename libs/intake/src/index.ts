export * from './insert-documents';
