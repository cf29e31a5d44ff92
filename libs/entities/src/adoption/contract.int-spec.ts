import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../migrate';
import { CONTRACT, ContractItem, ContractItemBlockedError, applyItem, countBlockers, itemState } from './contract';

// A private database per file (this project cannot use @casegraph/testing: it imports the entities).
const serverUrl = (db: string) => process.env.DATABASE_URL!.replace(/\/[^/]+$/, `/${db}`);

async function onAdmin(sql: string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

const item = (pred: (i: ContractItem) => boolean): ContractItem => {
  const found = CONTRACT.find(pred);
  if (!found) throw new Error('no such contract item');
  return found;
};
const notNull = (table: string, column: string) => item((i) => i.kind === 'not-null' && i.table === table && i.column === column);
const unique = (name: string) => item((i) => i.kind === 'unique' && i.name === name);
const projectFk = item((i) => i.kind === 'foreign-key');

describe('contract items on a real database', () => {
  const name = `casegraph_x_contract_${randomUUID().slice(0, 8)}`;
  let c: Client;

  beforeAll(async () => {
    await onAdmin(`CREATE DATABASE ${name}`);
    await migrate(serverUrl(name), () => undefined);
    c = new Client({ connectionString: serverUrl(name) });
    await c.connect();
  }, 60_000);

  afterAll(async () => {
    await c?.end();
    await onAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('a fresh database has every item in force but the two project_uuid NOT NULLs and the project foreign key', async () => {
    const open: string[] = [];
    for (const i of CONTRACT) {
      const state = await itemState(c, i);
      if (state !== 'done') open.push(`${i.kind === 'not-null' ? `${i.table}.${i.column}` : i.name}:${state}`);
    }
    expect(open.sort()).toEqual([
      'fk_source_documents_project_uuid:possible',
      'projects.project_uuid:possible',
      'source_documents.project_uuid:possible',
    ]);
  });

  it('NOT NULL: blocked while a NULL is left (with the count and the command), then set, then idempotent', async () => {
    const projects = notNull('projects', 'project_uuid');
    await c.query(`INSERT INTO projects (name) VALUES ('a'), ('b')`);
    expect(await itemState(c, projects)).toBe('blocked');
    expect(await countBlockers(c, projects)).toBe(2);
    const err = await applyItem(c, projects).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractItemBlockedError);
    expect((err as Error).message).toBe('NOT NULL projects.project_uuid: blocked by 2 row(s); fixed by `npm run context -- backfill`');

    await c.query(`UPDATE projects SET project_uuid = gen_random_uuid()`);
    expect(await itemState(c, projects)).toBe('possible');
    expect(await applyItem(c, projects)).toBe('NOT NULL projects.project_uuid: set');
    expect(await itemState(c, projects)).toBe('done');
    expect(await applyItem(c, projects)).toBe('NOT NULL projects.project_uuid (already in force)');
    const r = await c.query(`SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'projects_project_uuid_not_null'`);
    expect(r.rows).toEqual([{ n: 0 }]); // the helper CHECK is gone
    const lock = await c.query(`SHOW lock_timeout`);
    expect(lock.rows[0].lock_timeout).toBe('0'); // reset after the step
  });

  it('unique: blocked by duplicates, an INVALID leftover of an interrupted build is dropped and rebuilt CONCURRENTLY', async () => {
    const chunks = unique('uq_document_chunks_document_index');
    await c.query('DROP INDEX uq_document_chunks_document_index');
    const doc = randomUUID();
    const [p] = (await c.query(`SELECT id, project_uuid FROM projects ORDER BY id LIMIT 1`)).rows;
    await c.query(`INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid) VALUES ($1, $2, $3)`, [doc, p.id, p.project_uuid]);
    for (let k = 0; k < 3; k++) {
      await c.query(
        `INSERT INTO document_chunks (chunk_uuid, document_uuid, project_uuid, chunk_index, text, char_start_index, char_end_index)
         VALUES (gen_random_uuid(), $1, $2, 0, 'same chunk', 0, 10)`,
        [doc, p.project_uuid],
      );
    }
    expect(await itemState(c, chunks)).toBe('blocked');
    expect(await countBlockers(c, chunks)).toBe(2);
    // An interrupted build: CONCURRENTLY fails on the duplicates and leaves an INVALID index behind.
    await expect(
      c.query('CREATE UNIQUE INDEX CONCURRENTLY uq_document_chunks_document_index ON document_chunks (document_uuid, chunk_index)'),
    ).rejects.toThrow(/could not create unique index/);
    const leftover = await c.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'uq_document_chunks_document_index'::regclass`);
    expect(leftover.rows).toEqual([{ indisvalid: false }]);
    expect(await itemState(c, chunks)).toBe('blocked');

    await c.query(`DELETE FROM document_chunks WHERE document_uuid = $1 AND id <> (SELECT min(id) FROM document_chunks WHERE document_uuid = $1)`, [
      doc,
    ]);
    expect(await itemState(c, chunks)).toBe('possible');
    expect(await applyItem(c, chunks)).toBe('UNIQUE uq_document_chunks_document_index ON document_chunks (document_uuid, chunk_index): built');
    const built = await c.query(`SELECT indisvalid, indisunique FROM pg_index WHERE indexrelid = 'uq_document_chunks_document_index'::regclass`);
    expect(built.rows).toEqual([{ indisvalid: true, indisunique: true }]);
    expect(await itemState(c, chunks)).toBe('done');
  });

  it('foreign key: blocked by a dangling project_uuid, then added NOT VALID and validated', async () => {
    await c.query(
      `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid) SELECT gen_random_uuid(), id, gen_random_uuid() FROM projects LIMIT 1`,
    );
    expect(await itemState(c, projectFk)).toBe('blocked');
    expect(await countBlockers(c, projectFk)).toBe(1);
    await c.query(`UPDATE source_documents d SET project_uuid = p.project_uuid FROM projects p WHERE p.id = d.project_fk_id`);
    expect(await itemState(c, projectFk)).toBe('possible');
    expect(await applyItem(c, projectFk)).toBe(
      'FOREIGN KEY fk_source_documents_project_uuid source_documents (project_uuid) -> projects (project_uuid) ON DELETE RESTRICT: added and validated',
    );
    const fk = await c.query(`SELECT convalidated, confdeltype FROM pg_constraint WHERE conname = 'fk_source_documents_project_uuid'`);
    expect(fk.rows).toEqual([{ convalidated: true, confdeltype: 'r' }]);
    await expect(
      c.query(
        `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid) SELECT gen_random_uuid(), id, gen_random_uuid() FROM projects LIMIT 1`,
      ),
    ).rejects.toThrow(/fk_source_documents_project_uuid/);
  });

  it('a foreign key is blocked while the referenced unique key is missing; a missing column is reported as such', async () => {
    const other = { ...projectFk, name: 'fk_probe', refColumns: ['name'] } as ContractItem;
    expect(await itemState(c, other)).toBe('blocked'); // projects(name) has no unique key
    const missing: ContractItem = { kind: 'not-null', table: 'projects', column: 'no_such_column', fixedBy: 'npm run context -- backfill' };
    expect(await itemState(c, missing)).toBe('missing-column');
    await expect(applyItem(c, missing)).rejects.toThrow(
      'NOT NULL projects.no_such_column: the table or column is missing; run `npm run db:migrate` first',
    );
  });

  it('NOT NULL behind a long writer transaction: the step gives up after lock_timeout instead of queueing; a re-run completes', async () => {
    const sd = notNull('source_documents', 'project_uuid');
    expect(await itemState(c, sd)).toBe('possible');
    const writer = new Client({ connectionString: serverUrl(name) });
    await writer.connect();
    try {
      // A writer transaction still open on the table while the step runs.
      await writer.query('BEGIN');
      await writer.query(`UPDATE source_documents SET status = 'pending'`);
      const applying = applyItem(c, sd, { lockTimeout: '2s' });
      // ADD CONSTRAINT / SET NOT NULL need a brief ACCESS EXCLUSIVE: with lock_timeout the step fails instead of
      // waiting (and making every later reader and writer of the table wait behind it).
      await expect(applying).rejects.toThrow(/lock timeout/);
      await writer.query('ROLLBACK');
    } finally {
      await writer.end();
    }
    // Whatever the interrupted step left (at most its CHECK) a new run finishes.
    expect(await itemState(c, sd)).toBe('possible');
    expect(await applyItem(c, sd)).toBe('NOT NULL source_documents.project_uuid: set');
    expect(await itemState(c, sd)).toBe('done');
  });

  it('two appliers of the same items at once: each item is applied once, the other caller finds it in force', async () => {
    const items = [unique('uq_entity_mentions_span'), notNull('canonical_entities', 'project_uuid')];
    await c.query('DROP INDEX uq_entity_mentions_span');
    await c.query('ALTER TABLE canonical_entities ALTER COLUMN project_uuid DROP NOT NULL');
    for (const i of items) expect(await itemState(c, i)).toBe('possible');
    const other = new Client({ connectionString: serverUrl(name) });
    await other.connect();
    try {
      const inTurn = async (client: Client) => {
        const out: string[] = [];
        for (const i of items) out.push(await applyItem(client, i));
        return out;
      };
      const [a, b] = await Promise.all([inTurn(c), inTurn(other)]);
      // Per item: one "built"/"set", one "(already in force)".
      items.forEach((_, k) => {
        const results = [a[k], b[k]];
        expect(results.filter((r) => r.endsWith('(already in force)'))).toHaveLength(1);
        expect(results.filter((r) => /: (built|set)$/.test(r))).toHaveLength(1);
      });
    } finally {
      await other.end();
    }
    for (const i of items) expect(await itemState(c, i)).toBe('done');
  }, 30_000);
});
