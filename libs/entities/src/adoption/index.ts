export * from './sql';
export * from './profile';
export * from './contract';
export {
  ADOPTION_ARCHIVE_TABLE,
  AdoptLegacyDatabase1764600000000,
  ADOPTION_LOG_TABLE,
  FK_ADAPTATIONS,
  HEAL_COLUMNS,
  KEEP_UPDATED_AT_TRIGGER,
  PROJECT_UUID_SYNC,
  REASON_FK_ADAPTED,
  REASON_PROJECT_UUID,
} from '../migrations/1764600000000-adopt-legacy-database';
export { DOCUMENT_SOURCE_FK_ADAPTATION, DocumentSourcedEdges1765000000000 } from '../migrations/1765000000000-document-sourced-edges';
export { INDEXES, type IndexSpec, TABLES as SCHEMA_TABLES, createIndexSql, duplicateRowsSql } from '../migrations/1764300000000-initial-schema';
