import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole pipeline schema, written so that it also ADOPTS a database of the
 * old Python system: every table is created only if missing and every column is
 * added only if missing. `project_uuid` stays nullable here (expand phase);
 * `npm run context -- enforce` adds NOT NULL and the foreign key once the data
 * is healed (contract phase).
 *
 * Expand rules for a table that already existed ("adopted", detected with to_regclass): a missing column is added
 * without NOT NULL unless it has a DEFAULT, and without a REFERENCES clause; a unique index is built only when no
 * duplicate rows exist (checked first, never by failing: the migration runs in a transaction), else it is left to
 * backfill and enforce (contract items, libs/entities/src/adoption/contract.ts). A fresh database gets the full schema.
 */
const STAGE_COLUMNS = ['ocr', 'chunking', 'entities', 'resolution', 'relationships'].flatMap((s) => [
  [`${s}_status`, `varchar(20) NOT NULL DEFAULT 'pending'`],
  [`${s}_started_at`, 'timestamptz'],
  [`${s}_completed_at`, 'timestamptz'],
]);

/** Table -> [column, type]: what a fresh database gets (and what an adopted table is expanded to). */
export const TABLES: Record<string, string[][]> = {
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

/** One index of the schema. Unique ones are also contract items (libs/entities/src/adoption/contract.ts). */
export interface IndexSpec {
  name: string;
  table: string;
  /** Column names, or an expression with an operator class for `using` indexes. */
  columns: string[];
  /** Partial index predicate. */
  where?: string;
  using?: string;
  unique: boolean;
}

export const INDEXES: IndexSpec[] = [
  { name: 'uq_projects_project_uuid', table: 'projects', columns: ['project_uuid'], unique: true },
  { name: 'uq_source_documents_document_uuid', table: 'source_documents', columns: ['document_uuid'], unique: true },
  { name: 'idx_source_documents_project_status', table: 'source_documents', columns: ['project_fk_id', 'status'], unique: false },
  { name: 'idx_source_documents_project_uuid', table: 'source_documents', columns: ['project_uuid'], unique: false },
  { name: 'idx_source_documents_batch', table: 'source_documents', columns: ['batch_id'], where: 'batch_id IS NOT NULL', unique: false },
  { name: 'idx_source_documents_status', table: 'source_documents', columns: ['status', 'updated_at'], unique: false },
  // One processed copy of a file per project: duplicates are found by content hash.
  {
    name: 'uq_source_documents_project_sha256',
    table: 'source_documents',
    columns: ['project_fk_id', 'sha256'],
    where: 'sha256 IS NOT NULL',
    unique: true,
  },
  { name: 'uq_document_pages_document_page', table: 'document_pages', columns: ['document_uuid', 'page_number'], unique: true },
  { name: 'uq_document_chunks_chunk_uuid', table: 'document_chunks', columns: ['chunk_uuid'], unique: true },
  { name: 'uq_document_chunks_document_index', table: 'document_chunks', columns: ['document_uuid', 'chunk_index'], unique: true },
  { name: 'idx_document_chunks_project', table: 'document_chunks', columns: ['project_uuid'], unique: false },
  { name: 'uq_entity_mentions_mention_uuid', table: 'entity_mentions', columns: ['mention_uuid'], unique: true },
  { name: 'uq_entity_mentions_span', table: 'entity_mentions', columns: ['document_uuid', 'entity_type', 'start_char', 'end_char'], unique: true },
  { name: 'idx_entity_mentions_canonical', table: 'entity_mentions', columns: ['canonical_entity_uuid'], unique: false },
  { name: 'idx_entity_mentions_project', table: 'entity_mentions', columns: ['project_uuid'], unique: false },
  { name: 'uq_canonical_entities_uuid', table: 'canonical_entities', columns: ['canonical_entity_uuid'], unique: true },
  {
    name: 'uq_canonical_entities_project_type_key',
    table: 'canonical_entities',
    columns: ['project_uuid', 'entity_type', 'normalized_key'],
    unique: true,
  },
  { name: 'idx_canonical_entities_key_trgm', table: 'canonical_entities', columns: ['normalized_key gin_trgm_ops'], using: 'gin', unique: false },
  { name: 'uq_relationship_staging_uuid', table: 'relationship_staging', columns: ['relationship_uuid'], unique: true },
  {
    name: 'uq_relationship_staging_edge',
    table: 'relationship_staging',
    columns: ['project_uuid', 'source_entity_uuid', 'target_entity_uuid', 'relationship_type'],
    unique: true,
  },
  { name: 'idx_relationship_staging_target', table: 'relationship_staging', columns: ['project_uuid', 'target_entity_uuid'], unique: false },
  {
    name: 'uq_relationship_contributions',
    table: 'relationship_contributions',
    columns: ['document_uuid', 'source_entity_uuid', 'target_entity_uuid', 'relationship_type'],
    unique: true,
  },
  {
    name: 'idx_relationship_contributions_edge',
    table: 'relationship_contributions',
    columns: ['project_uuid', 'source_entity_uuid', 'target_entity_uuid', 'relationship_type'],
    unique: false,
  },
  { name: 'uq_textract_jobs_job_id', table: 'textract_jobs', columns: ['job_id'], unique: true },
  { name: 'idx_textract_jobs_document', table: 'textract_jobs', columns: ['document_uuid'], unique: false },
];

export function createIndexSql(ix: IndexSpec, opts: { concurrently?: boolean } = {}): string {
  const using = ix.using ? ` USING ${ix.using}` : '';
  const where = ix.where ? ` WHERE ${ix.where}` : '';
  return `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${opts.concurrently ? 'CONCURRENTLY ' : ''}IF NOT EXISTS ${ix.name} ON ${ix.table}${using} (${ix.columns.join(', ')})${where}`;
}

/**
 * Rows that stand in the way of a unique index: the surplus rows of every group of equal keys (all key columns
 * NOT NULL, as PostgreSQL compares them; the partial predicate respected). 0 = the index can be built.
 */
export function duplicateRowsSql(ix: Pick<IndexSpec, 'table' | 'columns' | 'where'>): string {
  const filter = [...ix.columns.map((c) => `${c} IS NOT NULL`), ...(ix.where ? [`(${ix.where})`] : [])].join(' AND ');
  return (
    `SELECT COALESCE(sum(n - 1), 0)::int AS n FROM ` +
    `(SELECT count(*) AS n FROM ${ix.table} WHERE ${filter} GROUP BY ${ix.columns.join(', ')} HAVING count(*) > 1) AS duplicates`
  );
}

/**
 * The type of a column added to a table that existed before this migration (an adopted table of the old system):
 * no NOT NULL unless a DEFAULT fills the existing rows (the NOT NULL is then a contract item, added by
 * `context enforce` once backfill has healed the rows), and no REFERENCES clause (the old table has its own keys).
 */
/** Columns later migrations add to these tables (so down() still recognises a table it created). */
const LATER_COLUMNS = ['offset_basis'];

export function adoptedColumnType(type: string): string {
  let t = type.replace(/\s+REFERENCES\s.*$/i, '');
  if (!/\bDEFAULT\b/i.test(t)) t = t.replace(/\s+NOT NULL\b/i, '');
  return t.trim();
}

async function columnsOf(q: QueryRunner, table: string): Promise<Set<string>> {
  const rows: Array<{ column_name: string }> = await q.query(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  return new Set(rows.map((r) => r.column_name));
}

async function relationExists(q: QueryRunner, name: string): Promise<boolean> {
  const [r]: Array<{ present: boolean }> = await q.query(`SELECT to_regclass(quote_ident(current_schema()) || '.' || $1) IS NOT NULL AS present`, [
    name,
  ]);
  return r.present;
}

/**
 * Whether the duplicate check must scan: not when the index is already there, when a key column was just added
 * (NULL everywhere: no row takes part), or when the old table already has a valid unique key on the same columns.
 */
async function mayHoldDuplicates(q: QueryRunner, ix: IndexSpec, allNull: Set<string>): Promise<boolean> {
  if (await relationExists(q, ix.name)) return false;
  if (ix.columns.some((c) => allNull.has(`${ix.table}.${c}`))) return false;
  const same: unknown[] = await q.query(
    `SELECT 1 FROM pg_index i
      WHERE i.indrelid = to_regclass(quote_ident(current_schema()) || '.' || $1) AND i.indisunique AND i.indisvalid
        AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnkeyatts = cardinality($2::text[])
        AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey))
            = (SELECT array_agg(x ORDER BY x) FROM unnest($2::text[]) x)`,
    [ix.table, ix.columns],
  );
  return same.length === 0;
}

export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    // Tables that existed before (the old system's): expanded only, never by a step that can fail on their rows.
    const adopted = new Set<string>();
    // Columns just added to an adopted table without a DEFAULT: NULL in every row.
    const allNull = new Set<string>();
    for (const [table, columns] of Object.entries(TABLES)) {
      if (await relationExists(q, table)) {
        adopted.add(table);
        const existing = await columnsOf(q, table);
        for (const [column, type] of columns) {
          if (existing.has(column)) continue;
          const adoptedType = adoptedColumnType(type);
          await q.query(`ALTER TABLE ${table} ADD COLUMN ${column} ${adoptedType}`);
          if (!/\bDEFAULT\b/i.test(adoptedType)) allNull.add(`${table}.${column}`);
        }
        continue;
      }
      await q.query(`CREATE TABLE IF NOT EXISTS ${table} (id serial PRIMARY KEY)`);
      for (const [column, type] of columns) {
        await q.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`);
      }
    }
    for (const ix of INDEXES) {
      if (ix.unique && adopted.has(ix.table) && (await mayHoldDuplicates(q, ix, allNull))) {
        // Old duplicates: the index is a contract item (backfill resolves them, enforce builds it CONCURRENTLY).
        const [d]: Array<{ n: number }> = await q.query(duplicateRowsSql(ix));
        if (d.n > 0) continue;
      }
      await q.query(createIndexSql(ix));
    }
  }

  /**
   * Drops the tables this migration created. A table with columns it does not declare was adopted (it holds the
   * old system's rows): it is left in place, with what was added to it.
   */
  public async down(q: QueryRunner): Promise<void> {
    for (const [table, columns] of Object.entries(TABLES).reverse()) {
      if (!(await relationExists(q, table))) continue;
      const ours = new Set(['id', ...columns.map(([c]) => c), ...LATER_COLUMNS]);
      const foreign = [...(await columnsOf(q, table))].filter((c) => !ours.has(c));
      if (foreign.length) continue;
      await q.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
    }
  }
}
