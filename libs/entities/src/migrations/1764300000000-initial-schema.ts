import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole pipeline schema, written so that it also ADOPTS a database of the
 * old Python system: every table is created only if missing and every column is
 * added only if missing. `project_uuid` stays nullable here (expand phase);
 * `npm run context -- enforce` adds NOT NULL and the foreign key once the data
 * is healed (contract phase).
 */
const STAGE_COLUMNS = ['ocr', 'chunking', 'entities', 'resolution', 'relationships'].flatMap((s) => [
  [`${s}_status`, `varchar(20) NOT NULL DEFAULT 'pending'`],
  [`${s}_started_at`, 'timestamptz'],
  [`${s}_completed_at`, 'timestamptz'],
]);

const TABLES: Record<string, string[][]> = {
  projects: [
    ['name', `varchar(255) NOT NULL DEFAULT ''`],
    ['project_uuid', 'uuid'],
    ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
    ['updated_at', 'timestamptz NOT NULL DEFAULT now()'],
  ],
  source_documents: [
    ['document_uuid', 'uuid NOT NULL'],
    ['project_fk_id', 'int NOT NULL REFERENCES projects(id) ON DELETE RESTRICT'],
    ['project_uuid', 'uuid'],
    ['batch_id', 'uuid'],
    ['original_file_name', `text NOT NULL DEFAULT ''`],
    ['file_name', 'text'],
    ['s3_bucket', 'text'],
    ['s3_key', 'text'],
    ['file_size_bytes', 'bigint'],
    ['file_type', 'varchar(255)'],
    ['detected_file_type', 'varchar(255)'],
    ['sha256', 'char(64)'],
    ['status', `varchar(20) NOT NULL DEFAULT 'pending'`],
    ['current_stage', 'varchar(20)'],
    ['failed_stage', 'varchar(20)'],
    ['stage_attempts', 'int NOT NULL DEFAULT 0'],
    ['error_message', 'text'],
    ...STAGE_COLUMNS,
    ['processing_completed_at', 'timestamptz'],
    ['raw_extracted_text', 'text'],
    ['ocr_provider', 'varchar(50)'],
    ['ocr_confidence_score', 'real'],
    ['page_count', 'int'],
    ['ocr_metadata', 'jsonb'],
    ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
    ['updated_at', 'timestamptz NOT NULL DEFAULT now()'],
  ],
  document_pages: [
    ['document_uuid', 'uuid NOT NULL'],
    ['page_number', 'int NOT NULL'],
    ['text', 'text NOT NULL'],
    ['confidence', 'real'],
    ['engine', 'varchar(50) NOT NULL'],
    ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
  ],
  document_chunks: [
    ['chunk_uuid', 'uuid NOT NULL'],
    ['document_uuid', 'uuid NOT NULL'],
    ['project_uuid', 'uuid NOT NULL'],
    ['chunk_index', 'int NOT NULL'],
    ['text', 'text NOT NULL'],
    ['char_start_index', 'int NOT NULL'],
    ['char_end_index', 'int NOT NULL'],
    ['page_numbers', `int[] NOT NULL DEFAULT '{}'`],
    ['metadata', 'jsonb'],
    ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
  ],
  entity_mentions: [
    ['mention_uuid', 'uuid NOT NULL'],
    ['document_uuid', 'uuid NOT NULL'],
    ['chunk_uuid', 'uuid'],
    ['project_uuid', 'uuid NOT NULL'],
    ['entity_text', 'text NOT NULL'],
    ['entity_type', 'varchar(32) NOT NULL'],
    ['start_char', 'int NOT NULL'],
    ['end_char', 'int NOT NULL'],
    ['confidence_score', 'real NOT NULL'],
    ['method', 'varchar(64) NOT NULL'],
    ['normalized_key', 'text'],
    ['canonical_entity_uuid', 'uuid'],
    ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
  ],
  canonical_entities: [
    ['canonical_entity_uuid', 'uuid NOT NULL'],
    ['project_uuid', 'uuid NOT NULL'],
    ['entity_type', 'varchar(32) NOT NULL'],
    ['canonical_name', 'text NOT NULL'],
    ['normalized_key', 'text NOT NULL'],
    ['aliases', `text[] NOT NULL DEFAULT '{}'`],
    ['mention_count', 'int NOT NULL DEFAULT 0'],
    ['first_seen_at', 'timestamptz NOT NULL DEFAULT now()'],
    ['last_seen_at', 'timestamptz NOT NULL DEFAULT now()'],
    ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
    ['updated_at', 'timestamptz NOT NULL DEFAULT now()'],
  ],
  relationship_staging: [
    ['relationship_uuid', 'uuid NOT NULL DEFAULT gen_random_uuid()'],
    ['project_uuid', 'uuid NOT NULL'],
    ['source_entity_uuid', 'uuid NOT NULL'],
    ['target_entity_uuid', 'uuid NOT NULL'],
    ['relationship_type', 'varchar(32) NOT NULL'],
    ['confidence_score', 'real NOT NULL DEFAULT 1'],
    ['weight', 'real NOT NULL DEFAULT 0'],
    ['properties', `jsonb NOT NULL DEFAULT '{}'::jsonb`],
    ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
    ['updated_at', 'timestamptz NOT NULL DEFAULT now()'],
  ],
  relationship_contributions: [
    ['project_uuid', 'uuid NOT NULL'],
    ['document_uuid', 'uuid NOT NULL'],
    ['source_entity_uuid', 'uuid NOT NULL'],
    ['target_entity_uuid', 'uuid NOT NULL'],
    ['relationship_type', 'varchar(32) NOT NULL'],
    ['weight', 'real NOT NULL'],
    ['evidence_chunk_uuids', `uuid[] NOT NULL DEFAULT '{}'`],
  ],
  textract_jobs: [
    ['job_id', 'varchar(255) NOT NULL'],
    ['document_uuid', 'uuid NOT NULL'],
    ['project_uuid', 'uuid'],
    ['job_type', `varchar(50) NOT NULL DEFAULT 'DocumentTextDetection'`],
    ['client_request_token', 'varchar(64)'],
    ['job_tag', 'varchar(64)'],
    ['s3_bucket', 'text'],
    ['s3_key', 'text'],
    ['status', `varchar(20) NOT NULL DEFAULT 'SUBMITTED'`],
    ['poll_count', 'int NOT NULL DEFAULT 0'],
    ['pages', 'int'],
    ['warnings', 'jsonb'],
    ['error_message', 'text'],
    ['started_at', 'timestamptz NOT NULL DEFAULT now()'],
    ['completed_at', 'timestamptz'],
    ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
    ['updated_at', 'timestamptz NOT NULL DEFAULT now()'],
  ],
};

const INDEXES = [
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_projects_project_uuid ON projects (project_uuid)',
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_source_documents_document_uuid ON source_documents (document_uuid)',
  'CREATE INDEX IF NOT EXISTS idx_source_documents_project_status ON source_documents (project_fk_id, status)',
  'CREATE INDEX IF NOT EXISTS idx_source_documents_project_uuid ON source_documents (project_uuid)',
  'CREATE INDEX IF NOT EXISTS idx_source_documents_batch ON source_documents (batch_id) WHERE batch_id IS NOT NULL',
  'CREATE INDEX IF NOT EXISTS idx_source_documents_status ON source_documents (status, updated_at)',
  // One processed copy of a file per project: duplicates are found by content hash.
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_source_documents_project_sha256 ON source_documents (project_fk_id, sha256) WHERE sha256 IS NOT NULL',
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_document_pages_document_page ON document_pages (document_uuid, page_number)',
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_document_chunks_chunk_uuid ON document_chunks (chunk_uuid)',
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_document_chunks_document_index ON document_chunks (document_uuid, chunk_index)',
  'CREATE INDEX IF NOT EXISTS idx_document_chunks_project ON document_chunks (project_uuid)',
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_entity_mentions_mention_uuid ON entity_mentions (mention_uuid)',
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_entity_mentions_span ON entity_mentions (document_uuid, entity_type, start_char, end_char)',
  'CREATE INDEX IF NOT EXISTS idx_entity_mentions_canonical ON entity_mentions (canonical_entity_uuid)',
  'CREATE INDEX IF NOT EXISTS idx_entity_mentions_project ON entity_mentions (project_uuid)',
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_canonical_entities_uuid ON canonical_entities (canonical_entity_uuid)',
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_canonical_entities_project_type_key ON canonical_entities (project_uuid, entity_type, normalized_key)',
  'CREATE INDEX IF NOT EXISTS idx_canonical_entities_key_trgm ON canonical_entities USING gin (normalized_key gin_trgm_ops)',
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_relationship_staging_uuid ON relationship_staging (relationship_uuid)',
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_relationship_staging_edge ON relationship_staging (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type)',
  'CREATE INDEX IF NOT EXISTS idx_relationship_staging_target ON relationship_staging (project_uuid, target_entity_uuid)',
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_relationship_contributions ON relationship_contributions (document_uuid, source_entity_uuid, target_entity_uuid, relationship_type)',
  'CREATE INDEX IF NOT EXISTS idx_relationship_contributions_edge ON relationship_contributions (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type)',
  'CREATE UNIQUE INDEX IF NOT EXISTS uq_textract_jobs_job_id ON textract_jobs (job_id)',
  'CREATE INDEX IF NOT EXISTS idx_textract_jobs_document ON textract_jobs (document_uuid)',
];

export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    for (const [table, columns] of Object.entries(TABLES)) {
      await q.query(`CREATE TABLE IF NOT EXISTS ${table} (id serial PRIMARY KEY)`);
      for (const [column, type] of columns) {
        await q.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`);
      }
    }
    for (const statement of INDEXES) await q.query(statement);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of Object.keys(TABLES).reverse()) {
      await q.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
    }
  }
}
