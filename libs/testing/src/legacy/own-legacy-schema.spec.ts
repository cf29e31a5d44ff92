/**
 * OWN_LEGACY_SCHEMA against the real exporter JSON (gated on the shared seed): the same 14 tables, each kept column
 * with the real type, nullability and default, all 17 foreign keys identical, every kept index/constraint/trigger/
 * function identical, and every column adoption depends on present. Without the seed, the parts that need no file.
 */
import { type LegacySchema, describeWithLegacySeed, requireSharedLegacySchema } from './legacy-schema';
import { OWN_LEGACY_SCHEMA } from './own-legacy-schema';

/** Columns adoption reads or heals (issue 11 / DESIGN.md): they must be in the own schema. */
const ADOPTION_COLUMNS: Record<string, string[]> = {
  projects: ['id', 'project_id', 'name', 'created_at', 'updated_at'],
  source_documents: [
    'id',
    'document_uuid',
    'project_uuid',
    'project_fk_id',
    'original_file_name',
    'file_name',
    's3_key',
    's3_bucket',
    'status',
    'raw_extracted_text',
    'ocr_confidence_score',
    'textract_page_count',
    'created_at',
    'updated_at',
  ],
  document_chunks: [
    'id',
    'chunk_uuid',
    'document_uuid',
    'document_fk_id',
    'chunk_index',
    'text',
    'char_start_index',
    'char_end_index',
    'start_char_index',
    'end_char_index',
    'updated_at',
  ],
  entity_mentions: [
    'id',
    'mention_uuid',
    'document_uuid',
    'chunk_uuid',
    'chunk_fk_id',
    'entity_text',
    'entity_type',
    'start_char',
    'end_char',
    'extraction_method',
    'canonical_entity_uuid',
  ],
  canonical_entities: ['id', 'canonical_entity_uuid', 'entity_type', 'canonical_name', 'mention_count', 'aliases', 'metadata', 'updated_at'],
  relationship_staging: ['id', 'source_entity_uuid', 'target_entity_uuid', 'relationship_type', 'source_chunk_uuid'],
  textract_jobs: ['id', 'job_id', 'document_uuid', 'page_count'],
  processing_tasks: ['id', 'document_id', 'updated_at'],
  import_sessions: ['id', 'project_uuid'],
  chunk_embeddings: ['id', 'chunk_uuid'],
};

const fkCount = (s: LegacySchema) => Object.values(s.tables).reduce((n, t) => n + t.foreign_keys.length, 0);

describe('OWN_LEGACY_SCHEMA', () => {
  it('has 14 tables, 17 foreign keys, 6 triggers, both plpgsql functions and every adoption column', () => {
    expect(Object.keys(OWN_LEGACY_SCHEMA.tables).length).toBe(14);
    expect(fkCount(OWN_LEGACY_SCHEMA)).toBe(17);
    expect(OWN_LEGACY_SCHEMA.triggers.length).toBe(6);
    expect(OWN_LEGACY_SCHEMA.functions.filter((f) => f.external_language === 'PLPGSQL').map((f) => f.routine_name)).toEqual([
      'populate_integer_fks',
      'update_updated_at_column',
    ]);
    for (const [t, cols] of Object.entries(ADOPTION_COLUMNS)) {
      const have = OWN_LEGACY_SCHEMA.tables[t].columns.map((c) => c.name);
      for (const c of cols) expect([t, c, have.includes(c)]).toEqual([t, c, true]);
    }
  });
});

describeWithLegacySeed('OWN_LEGACY_SCHEMA against the real exporter JSON', () => {
  // Loaded in beforeAll: a skipped describe still runs its body.
  let real: LegacySchema;
  const own = OWN_LEGACY_SCHEMA;
  beforeAll(() => {
    real = requireSharedLegacySchema();
  });

  it('the same 14 tables', () => {
    expect(Object.keys(own.tables).sort()).toEqual(Object.keys(real.tables).sort());
  });

  it('every kept column has the real type, nullability and default, in the real order', () => {
    for (const [t, table] of Object.entries(own.tables)) {
      const realCols = real.tables[t].columns;
      const order = table.columns.map((c) => realCols.findIndex((r) => r.name === c.name));
      expect([t, order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]))]).toEqual([t, true]);
      for (const c of table.columns) {
        const r = realCols.find((x) => x.name === c.name)!;
        expect({ t, name: c.name, type: c.type, nullable: c.nullable, default: c.default }).toEqual({
          t,
          name: r.name,
          type: r.type,
          nullable: r.nullable,
          default: r.default,
        });
      }
    }
  });

  it('all foreign keys identical (name, columns, referred, on delete)', () => {
    for (const [t, table] of Object.entries(real.tables)) {
      const norm = (fks: typeof table.foreign_keys) =>
        fks
          .map((f) => [f.name, f.constrained_columns, f.referred_table, f.referred_columns, f.options.ondelete ?? null])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect([t, norm(own.tables[t].foreign_keys)]).toEqual([t, norm(table.foreign_keys)]);
    }
  });

  it('every kept index and unique constraint is the real one; every real unique constraint is kept', () => {
    for (const [t, table] of Object.entries(own.tables)) {
      for (const i of table.indexes) {
        const r = real.tables[t].indexes.find((x) => x.name === i.name);
        expect([t, i.name, r && { unique: r.unique, cols: r.column_names }]).toEqual([t, i.name, { unique: i.unique, cols: i.column_names }]);
      }
      expect(table.constraints.map((c) => c.name).sort()).toEqual(real.tables[t].constraints.map((c) => c.name).sort());
    }
  });

  it('the same triggers, functions (names, language) and extensions', () => {
    const trig = (s: LegacySchema) =>
      s.triggers.map((x) => [x.trigger_name, x.event_object_table, x.event_manipulation, x.action_timing, x.action_statement]).sort();
    expect(trig(own)).toEqual(trig(real));
    const fn = (s: LegacySchema) => s.functions.map((f) => [f.routine_name, f.external_language, f.data_type]).sort();
    expect(fn(own)).toEqual(fn(real));
    expect(own.extensions.map((e) => e.extension_name).sort()).toEqual(real.extensions.map((e) => e.extension_name).sort());
  });
});
