export * from './project-context.types';
export * from './project-context.module';
export type { ProjectContextModuleAsyncOptions, ProjectContextModuleForRootOptions } from './project-context.module-definition';
export * from './project-context.service';
export {
  encodeEntry,
  decodeEntry,
  jitteredTtlMs,
  isValidContext,
  type CacheEntryJson,
  type DecodedEntry,
  type LegacyShape,
  type PartialContext,
} from './cache-entry';
export {
  loadContexts,
  healRows,
  needsHeal,
  rowToContext,
  rowsOf,
  SELECT_ONE_SQL,
  SELECT_MANY_SQL,
  HEAL_PROJECTS_SQL,
  HEAL_DOCUMENTS_SQL,
  type Queryable,
  HEAL_DOCUMENTS_LOGGED_SQL,
  PROJECT_JOIN_SQL,
  CONTEXT_COLUMNS_SQL,
  FILE_NAME_SQL,
  isOrphan,
  healOverwrites,
  type ContextRow,
  type HealCounts,
  type EnsuredProject,
} from './context-repository';
export { docKeys, invalidateDocuments, withContextScripts, VERSION_TTL_SECONDS, type ContextRedis } from './context-cache';
