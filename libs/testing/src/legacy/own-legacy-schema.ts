/**
 * OWN_LEGACY_SCHEMA: a project-owned, hand-written model of the old system's database, in the exporter's format
 * (see legacy-schema.ts), for the default suites (which must not need ../shared). It has the same 14 tables, a
 * subset of their columns - every column adoption reads or heals, with the real type, nullability and default -
 * all 17 foreign keys with their ON DELETE, the unique constraints, the indexes on the kept columns (both expression
 * GIN indexes included), the six updated_at triggers, both plpgsql functions and the uuid-ossp extension.
 * own-legacy-schema.spec.ts checks it against the real file (when present): a faithful subset, every FK kept.
 */
import type { LegacyColumn, LegacyForeignKey, LegacyIndex, LegacySchema, LegacyTable } from './legacy-schema';

const TS = 'TIMESTAMP';
const NOW = 'CURRENT_TIMESTAMP';

/** A column (nullable unless notNull). */
function c(name: string, type: string, notNull = false, dflt: string | null = null): LegacyColumn {
  return { name, type, nullable: !notNull, default: dflt, autoincrement: false, comment: null };
}
/** The serial key of a table. */
function serial(table: string): LegacyColumn {
  return { name: 'id', type: 'INTEGER', nullable: false, default: `nextval('${table}_id_seq'::regclass)`, autoincrement: true, comment: null };
}
function fk(name: string, cols: string[], table: string, refCols: string[], ondelete?: string): LegacyForeignKey {
  return {
    name,
    constrained_columns: cols,
    referred_schema: null,
    referred_table: table,
    referred_columns: refCols,
    options: ondelete ? { ondelete } : {},
  };
}
function ix(name: string, cols: (string | null)[], unique = false): LegacyIndex {
  return { name, unique, column_names: cols, type: null };
}
/** A table; every unique index is also listed as a unique constraint (as the exporter does). */
function table(columns: LegacyColumn[], foreign_keys: LegacyForeignKey[], indexes: LegacyIndex[], row_count: number): LegacyTable {
  const constraints = indexes.filter((i) => i.unique).map((i) => ({ name: i.name, type: 'unique', column_names: i.column_names as string[] }));
  return { columns, primary_key: [], foreign_keys, indexes, constraints, row_count };
}

const tables: Record<string, LegacyTable> = {
  canonical_entities: table(
    [
      serial('canonical_entities'),
      c('canonical_entity_uuid', 'UUID', true, 'gen_random_uuid()'),
      c('entity_type', 'TEXT', true),
      c('canonical_name', 'TEXT', true),
      c('mention_count', 'INTEGER', false, '1'),
      c('confidence_score', 'DOUBLE PRECISION', false, '0.0'),
      c('aliases', 'JSONB', false, "'[]'::jsonb"),
      c('metadata', 'JSONB', false, "'{}'::jsonb"),
      c('created_at', TS, false, NOW),
      c('updated_at', TS, false, NOW),
    ],
    [],
    [ix('canonical_entities_canonical_entity_uuid_key', ['canonical_entity_uuid'], true), ix('idx_canonical_entities_name', ['canonical_name'])],
    66,
  ),
  canonical_entity_embeddings: table(
    [
      serial('canonical_entity_embeddings'),
      c('canonical_entity_uuid', 'UUID'),
      c('embedding_vector', 'ARRAY', true),
      c('model_name', 'TEXT', true),
      c('created_at', TS, false, NOW),
    ],
    [
      fk(
        'canonical_entity_embeddings_canonical_entity_uuid_fkey',
        ['canonical_entity_uuid'],
        'canonical_entities',
        ['canonical_entity_uuid'],
        'CASCADE',
      ),
    ],
    [ix('canonical_entity_embeddings_canonical_entity_uuid_model_nam_key', ['canonical_entity_uuid', 'model_name'], true)],
    0,
  ),
  chunk_embeddings: table(
    [
      serial('chunk_embeddings'),
      c('chunk_uuid', 'UUID'),
      c('embedding_vector', 'ARRAY', true),
      c('model_name', 'TEXT', true),
      c('created_at', TS, false, NOW),
    ],
    [fk('chunk_embeddings_chunk_uuid_fkey', ['chunk_uuid'], 'document_chunks', ['chunk_uuid'], 'CASCADE')],
    [ix('chunk_embeddings_chunk_uuid_model_name_key', ['chunk_uuid', 'model_name'], true)],
    0,
  ),
  document_chunks: table(
    [
      serial('document_chunks'),
      c('chunk_uuid', 'UUID', true, 'gen_random_uuid()'),
      c('document_uuid', 'UUID'),
      c('document_fk_id', 'INTEGER'),
      c('chunk_index', 'INTEGER', true),
      c('text', 'TEXT', true),
      c('char_start_index', 'INTEGER'),
      c('char_end_index', 'INTEGER'),
      c('start_page', 'INTEGER'),
      c('metadata_json', 'JSONB', false, "'{}'::jsonb"),
      c('embedding_vector', 'ARRAY'),
      c('created_at', TS, false, NOW),
      c('updated_at', TS, false, NOW),
      c('start_char_index', 'INTEGER'),
      c('end_char_index', 'INTEGER'),
    ],
    [
      fk('document_chunks_document_fk_id_fkey', ['document_fk_id'], 'source_documents', ['id']),
      fk('document_chunks_document_uuid_fkey', ['document_uuid'], 'source_documents', ['document_uuid'], 'CASCADE'),
    ],
    [
      ix('document_chunks_chunk_uuid_key', ['chunk_uuid'], true),
      ix('idx_document_chunks_chunk_index', ['document_uuid', 'chunk_index']),
      ix('idx_document_chunks_text_search', [null]),
    ],
    24,
  ),
  document_processing_history: table(
    [serial('document_processing_history'), c('document_uuid', 'UUID'), c('event_type', 'TEXT', true), c('created_at', TS, false, NOW)],
    [fk('document_processing_history_document_uuid_fkey', ['document_uuid'], 'source_documents', ['document_uuid'], 'CASCADE')],
    [],
    0,
  ),
  entity_mentions: table(
    [
      serial('entity_mentions'),
      c('mention_uuid', 'UUID', true, 'gen_random_uuid()'),
      c('document_uuid', 'UUID'),
      c('chunk_uuid', 'UUID'),
      c('chunk_fk_id', 'INTEGER'),
      c('entity_text', 'TEXT', true),
      c('entity_type', 'TEXT', true),
      c('start_char', 'INTEGER'),
      c('end_char', 'INTEGER'),
      c('confidence_score', 'DOUBLE PRECISION', false, '0.0'),
      c('extraction_method', 'TEXT'),
      c('canonical_entity_uuid', 'UUID'),
      c('created_at', TS, false, NOW),
    ],
    [
      fk('entity_mentions_chunk_fk_id_fkey', ['chunk_fk_id'], 'document_chunks', ['id']),
      fk('entity_mentions_chunk_uuid_fkey', ['chunk_uuid'], 'document_chunks', ['chunk_uuid'], 'CASCADE'),
      fk('entity_mentions_document_uuid_fkey', ['document_uuid'], 'source_documents', ['document_uuid'], 'CASCADE'),
    ],
    [
      ix('entity_mentions_mention_uuid_key', ['mention_uuid'], true),
      ix('idx_entity_mentions_canonical', ['canonical_entity_uuid']),
      ix('idx_entity_mentions_chunk_uuid', ['chunk_uuid']),
    ],
    98,
  ),
  import_sessions: table(
    [
      serial('import_sessions'),
      c('session_uuid', 'UUID', true, 'gen_random_uuid()'),
      c('project_uuid', 'UUID'),
      c('manifest_data', 'JSONB', true),
      c('created_at', TS, false, NOW),
    ],
    [fk('import_sessions_project_uuid_fkey', ['project_uuid'], 'projects', ['project_id'])],
    [ix('import_sessions_session_uuid_key', ['session_uuid'], true)],
    0,
  ),
  neo4j_documents: table(
    [serial('neo4j_documents'), c('document_uuid', 'UUID'), c('title', 'TEXT'), c('created_at', TS, false, NOW), c('updated_at', TS, false, NOW)],
    [fk('neo4j_documents_document_uuid_fkey', ['document_uuid'], 'source_documents', ['document_uuid'], 'CASCADE')],
    [],
    0,
  ),
  processing_tasks: table(
    [
      c('id', 'UUID', true, 'gen_random_uuid()'),
      c('document_id', 'UUID', true),
      c('task_type', 'VARCHAR(50)', true),
      c('status', 'VARCHAR(50)', true, "'pending'::character varying"),
      c('retry_count', 'INTEGER', false, '0'),
      c('created_at', TS, false, NOW),
      c('updated_at', TS, false, NOW),
    ],
    [fk('processing_tasks_document_id_fkey', ['document_id'], 'source_documents', ['document_uuid'], 'CASCADE')],
    [ix('idx_processing_tasks_document_id', ['document_id'])],
    5,
  ),
  projects: table(
    [
      serial('projects'),
      c('project_id', 'UUID', true, 'gen_random_uuid()'),
      c('name', 'TEXT', true),
      c('client_name', 'TEXT'),
      c('matter_type', 'TEXT'),
      c('active', 'BOOLEAN', false, 'true'),
      c('created_at', TS, false, NOW),
      c('updated_at', TS, false, NOW),
      c('status', 'VARCHAR(50)', false, "'active'::character varying"),
      c('matter_number', 'VARCHAR(100)'),
    ],
    [],
    [ix('idx_projects_project_id', ['project_id']), ix('projects_project_uuid_key', ['project_id'], true)],
    16,
  ),
  relationship_staging: table(
    [
      serial('relationship_staging'),
      c('source_entity_uuid', 'UUID'),
      c('target_entity_uuid', 'UUID'),
      c('relationship_type', 'TEXT', true),
      c('confidence_score', 'DOUBLE PRECISION', false, '0.0'),
      c('source_chunk_uuid', 'UUID'),
      c('properties', 'JSONB', false, "'{}'::jsonb"),
      c('created_at', TS, false, NOW),
    ],
    [
      fk('relationship_staging_source_chunk_uuid_fkey', ['source_chunk_uuid'], 'document_chunks', ['chunk_uuid']),
      fk('relationship_staging_source_entity_uuid_fkey', ['source_entity_uuid'], 'canonical_entities', ['canonical_entity_uuid']),
      fk('relationship_staging_target_entity_uuid_fkey', ['target_entity_uuid'], 'canonical_entities', ['canonical_entity_uuid']),
    ],
    [
      ix('idx_relationship_staging_source', ['source_entity_uuid']),
      ix('relationship_staging_source_entity_uuid_target_entity_uuid__key', ['source_entity_uuid', 'target_entity_uuid', 'relationship_type'], true),
    ],
    330,
  ),
  schema_version: table([c('version', 'INTEGER', true), c('applied_at', TS, false, 'now()'), c('description', 'TEXT')], [], [], 2),
  source_documents: table(
    [
      serial('source_documents'),
      c('document_uuid', 'UUID', true, 'gen_random_uuid()'),
      c('project_uuid', 'UUID'),
      c('project_fk_id', 'INTEGER'),
      c('import_session_id', 'UUID'),
      c('file_name', 'TEXT'),
      c('original_file_name', 'TEXT'),
      c('file_type', 'TEXT'),
      c('file_size_bytes', 'BIGINT'),
      c('s3_key', 'TEXT'),
      c('s3_bucket', 'TEXT'),
      c('s3_region', 'TEXT', false, "'us-east-1'::text"),
      c('status', 'TEXT', false, "'pending'::text"),
      c('raw_extracted_text', 'TEXT'),
      c('ocr_provider', 'TEXT'),
      c('ocr_completed_at', TS),
      c('ocr_confidence_score', 'NUMERIC'),
      c('textract_job_id', 'TEXT'),
      c('textract_page_count', 'INTEGER'),
      c('created_at', TS, false, NOW),
      c('updated_at', TS, false, NOW),
      c('error_message', 'TEXT'),
    ],
    [
      fk('source_documents_project_fk_id_fkey', ['project_fk_id'], 'projects', ['id']),
      fk('source_documents_project_uuid_fkey', ['project_uuid'], 'projects', ['project_id'], 'CASCADE'),
    ],
    [
      ix('idx_source_documents_project_fk_id', ['project_fk_id']),
      ix('idx_source_documents_project_uuid', ['project_uuid']),
      ix('idx_source_documents_status', ['status']),
      ix('idx_source_documents_text_search', [null]),
      ix('source_documents_document_uuid_key', ['document_uuid'], true),
    ],
    12,
  ),
  textract_jobs: table(
    [
      serial('textract_jobs'),
      c('job_id', 'TEXT', true),
      c('document_uuid', 'UUID'),
      c('status', 'TEXT', false, "'IN_PROGRESS'::text"),
      c('created_at', TS, false, NOW),
      c('page_count', 'INTEGER'),
    ],
    [fk('textract_jobs_document_uuid_fkey', ['document_uuid'], 'source_documents', ['document_uuid'])],
    [ix('textract_jobs_job_id_key', ['job_id'], true)],
    6,
  ),
};

const UPDATED_AT_TABLES = ['canonical_entities', 'document_chunks', 'neo4j_documents', 'processing_tasks', 'projects', 'source_documents'];

export const OWN_LEGACY_SCHEMA: LegacySchema = {
  metadata: { generated_at: 'hand-written', engine_name: 'postgresql', schema_version: 'casegraph-own-legacy-model' },
  tables,
  triggers: UPDATED_AT_TABLES.map((t) => ({
    trigger_name: `update_${t}_updated_at`,
    event_manipulation: 'UPDATE',
    event_object_table: t,
    action_timing: 'BEFORE',
    action_statement: 'EXECUTE FUNCTION update_updated_at_column()',
    action_orientation: 'ROW',
    action_condition: null,
    trigger_schema: 'public',
  })),
  functions: [
    {
      routine_name: 'populate_integer_fks',
      routine_type: 'FUNCTION',
      routine_definition: '\nBEGIN\n  -- a no-op the old system kept installed\n  RETURN NEW;\nEND;\n',
      external_language: 'PLPGSQL',
      data_type: 'trigger',
      routine_schema: 'public',
    },
    {
      routine_name: 'update_updated_at_column',
      routine_type: 'FUNCTION',
      routine_definition: '\nBEGIN\n  NEW.updated_at = CURRENT_TIMESTAMP;\n  RETURN NEW;\nEND;\n',
      external_language: 'PLPGSQL',
      data_type: 'trigger',
      routine_schema: 'public',
    },
    // uuid-ossp's functions (the extension creates them).
    ...[
      'uuid_generate_v1',
      'uuid_generate_v1mc',
      'uuid_generate_v3',
      'uuid_generate_v4',
      'uuid_generate_v5',
      'uuid_nil',
      'uuid_ns_dns',
      'uuid_ns_oid',
      'uuid_ns_url',
      'uuid_ns_x500',
    ].map((routine_name) => ({
      routine_name,
      routine_type: 'FUNCTION',
      routine_definition: null,
      external_language: 'C',
      data_type: 'uuid',
      routine_schema: 'public',
    })),
  ],
  sequences: Object.entries(tables)
    .filter(([, t]) => t.columns.some((col) => col.autoincrement))
    .map(([name]) => ({
      sequence_name: `${name}_id_seq`,
      sequence_schema: 'public',
      data_type: 'integer',
      start_value: '1',
      minimum_value: '1',
      maximum_value: '2147483647',
      increment: '1',
      cycle_option: 'NO',
    })),
  extensions: [
    { extension_name: 'plpgsql', version: '1.0', schema_name: 'pg_catalog' },
    { extension_name: 'uuid-ossp', version: '1.1', schema_name: 'public' },
  ],
};
