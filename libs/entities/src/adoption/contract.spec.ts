import { adoptedColumnType, INDEXES, createIndexSql, duplicateRowsSql } from '../migrations/1764300000000-initial-schema';
import { withOnDelete } from '../migrations/1764600000000-adopt-legacy-database';
import { CONTRACT, ContractItem, blockersSql, describeItem, notNullCheckName } from './contract';
import { resultRows } from './sql';

const fk: ContractItem = {
  kind: 'foreign-key',
  name: 'fk_x',
  table: 'source_documents',
  columns: ['project_uuid'],
  refTable: 'projects',
  refColumns: ['project_uuid'],
  onDelete: 'RESTRICT',
  fixedBy: 'f',
};

describe('contract SQL builders', () => {
  it('counts NULLs for a NOT NULL item', () => {
    expect(blockersSql({ kind: 'not-null', table: 'entity_mentions', column: 'method', fixedBy: 'f' })).toBe(
      'SELECT count(*)::int AS n FROM entity_mentions WHERE method IS NULL',
    );
  });

  it('counts surplus duplicates among rows whose key columns are all set, inside the partial predicate', () => {
    const sql = blockersSql({
      kind: 'unique',
      name: 'u',
      table: 'source_documents',
      columns: ['project_fk_id', 'sha256'],
      where: 'sha256 IS NOT NULL',
      fixedBy: 'f',
    });
    expect(sql).toBe(
      'SELECT COALESCE(sum(n - 1), 0)::int AS n FROM (SELECT count(*) AS n FROM source_documents ' +
        'WHERE project_fk_id IS NOT NULL AND sha256 IS NOT NULL AND (sha256 IS NOT NULL) GROUP BY project_fk_id, sha256 HAVING count(*) > 1) AS duplicates',
    );
    expect(duplicateRowsSql({ table: 't', columns: ['a'] })).toContain('FROM t WHERE a IS NOT NULL GROUP BY a HAVING');
  });

  it('counts rows whose key has no referenced row for a foreign key (NULL keys are not checked)', () => {
    expect(blockersSql(fk)).toBe(
      'SELECT count(*)::int AS n FROM source_documents t WHERE t.project_uuid IS NOT NULL AND NOT EXISTS ' +
        '(SELECT 1 FROM projects r WHERE r.project_uuid = t.project_uuid)',
    );
  });

  it('describes every item on one line', () => {
    expect(describeItem({ kind: 'not-null', table: 'projects', column: 'project_uuid', fixedBy: 'f' })).toBe('NOT NULL projects.project_uuid');
    expect(describeItem(fk)).toBe('FOREIGN KEY fk_x source_documents (project_uuid) -> projects (project_uuid) ON DELETE RESTRICT');
    expect(describeItem({ kind: 'unique', name: 'u', table: 't', columns: ['a', 'b'], where: 'a > 0', fixedBy: 'f' })).toBe(
      'UNIQUE u ON t (a, b) WHERE a > 0',
    );
    for (const item of CONTRACT) expect(describeItem(item)).not.toMatch(/\n/);
  });

  it('lists every unique index of the initial migration, the NOT NULLs of DESIGN and the project foreign key last', () => {
    const uniques = CONTRACT.filter((i) => i.kind === 'unique').map((i) => (i.kind === 'unique' ? i.name : ''));
    expect(uniques).toEqual(INDEXES.filter((ix) => ix.unique).map((ix) => ix.name));
    const notNulls = CONTRACT.filter((i) => i.kind === 'not-null').map((i) => (i.kind === 'not-null' ? `${i.table}.${i.column}` : ''));
    expect(new Set(notNulls)).toEqual(
      new Set([
        ...['projects', 'source_documents', 'document_chunks', 'entity_mentions', 'canonical_entities', 'relationship_staging'].map(
          (t) => `${t}.project_uuid`,
        ),
        'source_documents.project_fk_id',
        'document_chunks.document_uuid',
        'entity_mentions.document_uuid',
        'entity_mentions.method',
        'canonical_entities.normalized_key',
      ]),
    );
    const last = CONTRACT[CONTRACT.length - 1];
    expect(last).toMatchObject({ kind: 'foreign-key', name: 'fk_source_documents_project_uuid', refTable: 'projects', onDelete: 'RESTRICT' });
    // The unique key the foreign key references comes before it.
    expect(CONTRACT.findIndex((i) => i.kind === 'unique' && i.name === 'uq_projects_project_uuid')).toBeLessThan(CONTRACT.length - 1);
    for (const item of CONTRACT) expect(item.fixedBy).toMatch(/^npm run context -- /);
  });

  it('builds CONCURRENTLY index statements from the structured index list', () => {
    const ix = INDEXES.find((i) => i.name === 'uq_source_documents_project_sha256')!;
    expect(createIndexSql(ix, { concurrently: true })).toBe(
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_source_documents_project_sha256 ON source_documents (project_fk_id, sha256) WHERE sha256 IS NOT NULL',
    );
    const gin = INDEXES.find((i) => i.name === 'idx_canonical_entities_key_trgm')!;
    expect(createIndexSql(gin)).toBe(
      'CREATE INDEX IF NOT EXISTS idx_canonical_entities_key_trgm ON canonical_entities USING gin (normalized_key gin_trgm_ops)',
    );
  });

  it('keeps NOT NULL check names within 63 bytes', () => {
    expect(notNullCheckName('source_documents', 'project_uuid')).toBe('source_documents_project_uuid_not_null');
    expect(notNullCheckName('a'.repeat(60), 'column').length).toBe(63);
  });
});

describe('expand rules and FK adaptation helpers', () => {
  it('adds columns to an adopted table without NOT NULL unless a DEFAULT fills them, and without REFERENCES', () => {
    expect(adoptedColumnType('uuid NOT NULL')).toBe('uuid');
    expect(adoptedColumnType('int NOT NULL REFERENCES projects(id) ON DELETE RESTRICT')).toBe('int');
    expect(adoptedColumnType(`varchar(20) NOT NULL DEFAULT 'pending'`)).toBe(`varchar(20) NOT NULL DEFAULT 'pending'`);
    expect(adoptedColumnType('uuid NOT NULL DEFAULT gen_random_uuid()')).toBe('uuid NOT NULL DEFAULT gen_random_uuid()');
    expect(adoptedColumnType('timestamptz')).toBe('timestamptz');
  });

  it('replaces an FK delete rule, keeping the rest of its definition', () => {
    expect(withOnDelete('FOREIGN KEY (chunk_fk_id) REFERENCES document_chunks(id)', 'CASCADE')).toBe(
      'FOREIGN KEY (chunk_fk_id) REFERENCES document_chunks(id) ON DELETE CASCADE',
    );
    expect(withOnDelete('FOREIGN KEY (a) REFERENCES t(b) ON UPDATE CASCADE ON DELETE RESTRICT DEFERRABLE NOT VALID', 'SET NULL')).toBe(
      'FOREIGN KEY (a) REFERENCES t(b) ON UPDATE CASCADE ON DELETE SET NULL DEFERRABLE',
    );
  });

  it('reads rows from TypeORM and pg results', () => {
    expect(resultRows([{ n: 1 }])).toEqual([{ n: 1 }]);
    expect(resultRows([[{ n: 1 }], 1])).toEqual([{ n: 1 }]);
    expect(resultRows({ rows: [{ n: 2 }] })).toEqual([{ n: 2 }]);
    expect(resultRows(undefined)).toEqual([]);
  });
});
