import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PrivateDataSource, createPrivateDataSource, spawnApp } from '@casegraph/testing';
import { backfill, countSick } from './backfill';
import { FK_NAME, enforce } from './enforce';

/** The old system's data: projects and documents without UUIDs, plus one document pointing at the wrong project. */
async function seedLegacy(ds: DataSource, projects: number, docsPerProject: number) {
  const ids: number[] = [];
  for (let i = 0; i < projects; i++) {
    const [p] = await ds.query(`INSERT INTO projects (name) VALUES ($1) RETURNING id`, [`legacy-${i}`]);
    ids.push(p.id);
    await ds.query(
      `INSERT INTO source_documents (document_uuid, project_fk_id, original_file_name)
       SELECT gen_random_uuid(), $1, 'old-' || g || '.pdf' FROM generate_series(1, $2) g`,
      [p.id, docsPerProject],
    );
  }
  const [healthy] = await ds.query(
    `INSERT INTO projects (name, project_uuid) VALUES ('healthy', gen_random_uuid()) RETURNING id, project_uuid::text AS u`,
  );
  await ds.query(
    `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name) VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'wrong.pdf')`,
    [healthy.id],
  );
  return { ids, healthy };
}

async function consistent(ds: DataSource) {
  const [r] = await ds.query(`SELECT
      (SELECT count(*) FROM projects WHERE project_uuid IS NULL)::int AS null_projects,
      (SELECT count(*) FROM source_documents sd JOIN projects p ON p.id = sd.project_fk_id WHERE sd.project_uuid IS DISTINCT FROM p.project_uuid)::int AS bad_docs,
      (SELECT count(DISTINCT project_uuid) FROM projects)::int AS project_uuids,
      (SELECT count(*) FROM projects)::int AS projects`);
  return r;
}

describe('context backfill + enforce (private database: they touch every row and alter the schema)', () => {
  let db: PrivateDataSource;

  beforeEach(async () => {
    db = await createPrivateDataSource('backfill', { applicationName: 'pc-private-test' });
  }, 60_000);
  afterEach(async () => {
    await db.drop();
  }, 30_000);

  it('enforce refuses with counts, backfill heals in batches (idempotent), then enforce adds NOT NULL and the FK (idempotent)', async () => {
    await seedLegacy(db.ds, 7, 5);
    const refused = await enforce(db.ds);
    expect(refused).toMatchObject({ ok: false, nullProjects: 7, sickDocuments: 36 });
    if (refused.ok) throw new Error('unreachable');
    // Each blocked item with its count and the command that heals it (backfill can: no "run it again").
    expect(refused.blocked).toEqual(
      expect.arrayContaining([
        { item: 'NOT NULL projects.project_uuid', state: 'blocked', blockers: 7, fix: '`npm run context -- backfill`' },
        { item: 'NOT NULL source_documents.project_uuid', state: 'blocked', blockers: 35, fix: '`npm run context -- backfill`' },
      ]),
    );
    expect(refused.message).toContain('NOT NULL projects.project_uuid: 7 blocking row(s); fix: `npm run context -- backfill`');
    expect(refused.message).not.toMatch(/again/);

    const seen: number[] = [];
    const r = await backfill(db.ds, {
      batchSize: 4,
      progress: (total) => (seen.push(total), { increment: (n) => seen.push(n), stop: () => undefined }),
    });
    expect(r).toMatchObject({ projectsHealed: 7, documentsHealed: 36, remaining: { projects: 0, documents: 0 }, orphans: 0 });
    expect(seen[0]).toBe(43);
    // Several batches of at most 4 rows.
    expect(seen.slice(1).every((n) => n <= 4)).toBe(true);
    expect(seen.slice(1).reduce((a, b) => a + b, 0)).toBe(43);
    expect(await consistent(db.ds)).toEqual({ null_projects: 0, bad_docs: 0, project_uuids: 8, projects: 8 });

    const again = await backfill(db.ds, { batchSize: 4 });
    expect(again).toMatchObject({ projectsHealed: 0, documentsHealed: 0, remaining: { projects: 0, documents: 0 } });
    expect(again.phases.map((p) => p.phase)).toEqual(['projects', 'documents', 'chunks', 'mentions', 'entities', 'edges', 'textract', 'indexes']);
    for (const p of again.phases) for (const [k, v] of Object.entries(p.counts)) expect([p.phase, k, v]).toEqual([p.phase, k, 0]);

    const qr = db.ds.createQueryRunner();
    try {
      expect(await enforce(qr)).toEqual({
        ok: true,
        actions: [
          'NOT NULL projects.project_uuid: set',
          'NOT NULL source_documents.project_uuid: set',
          `FOREIGN KEY ${FK_NAME} source_documents (project_uuid) -> projects (project_uuid) ON DELETE RESTRICT: added and validated`,
        ],
      });
      expect(await enforce(qr)).toEqual({ ok: true, actions: [] });
    } finally {
      await qr.release();
    }
    console.info(`[backfill] fresh database, 43 rows: ${r.phases.map((p) => `${p.phase}=${p.ms}ms`).join(' ')}`);
    const cols = await db.ds.query(
      `SELECT table_name, is_nullable FROM information_schema.columns WHERE column_name = 'project_uuid' AND table_name IN ('projects', 'source_documents') ORDER BY 1`,
    );
    expect(cols).toEqual([
      { table_name: 'projects', is_nullable: 'NO' },
      { table_name: 'source_documents', is_nullable: 'NO' },
    ]);
    // The contract holds: no NULL, no dangling project UUID. The temporary CHECKs are gone.
    const [p] = await db.ds.query(`SELECT id FROM projects LIMIT 1`);
    await expect(db.ds.query(`INSERT INTO projects (name) VALUES ('no uuid')`)).rejects.toThrow(/null value/);
    await expect(
      db.ds.query(`INSERT INTO source_documents (document_uuid, project_fk_id, original_file_name) VALUES ($1, $2, 'x')`, [randomUUID(), p.id]),
    ).rejects.toThrow(/null value/);
    await expect(
      db.ds.query(`INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name) VALUES ($1, $2, $3, 'x')`, [
        randomUUID(),
        p.id,
        randomUUID(),
      ]),
    ).rejects.toThrow(new RegExp(FK_NAME));
    expect(await db.ds.query(`SELECT conname FROM pg_constraint WHERE conname LIKE '%project_uuid_not_null'`)).toEqual([]);
  }, 60_000);

  it('two backfills racing from two connections pools still give each project exactly one UUID', async () => {
    await seedLegacy(db.ds, 20, 10);
    const other = new DataSource({ ...(db.ds.options as object), applicationName: 'pc-private-test-2' } as never);
    await other.initialize();
    try {
      const [a, b] = await Promise.all([backfill(db.ds, { batchSize: 3 }), backfill(other, { batchSize: 3 })]);
      expect(a.projectsHealed + b.projectsHealed).toBe(20);
      expect(a.documentsHealed + b.documentsHealed).toBe(201);
      expect(await consistent(db.ds)).toEqual({ null_projects: 0, bad_docs: 0, project_uuids: 21, projects: 21 });
      expect(await countSick(db.ds)).toEqual({ projects: 0, documents: 0 });
    } finally {
      await other.destroy();
    }
  }, 60_000);

  it('the CLI shell: enforce refuses with exit 1, backfill heals, enforce then succeeds (exit codes and output)', async () => {
    await seedLegacy(db.ds, 2, 3);
    const cli = async (...args: string[]) => {
      const p = await spawnApp({ app: 'cli', args: ['context', ...args], env: { DATABASE_URL: db.url, NODE_ENV: 'test' } });
      const { code } = await p.exited;
      return { code, stdout: p.stdout(), stderr: p.stderr() };
    };
    const refused = await cli('enforce');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('NOT NULL projects.project_uuid: 2 blocking row(s); fix: `npm run context -- backfill`');
    const healed = await cli('backfill', '--batch-size', '2');
    expect(healed.code).toBe(0);
    expect(healed.stdout).toContain('backfill: healed 2 project(s) and 7 document(s)');
    expect(healed.stderr).toContain('backfill: 9/9');
    const done = await cli('enforce');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(
      `enforce: FOREIGN KEY ${FK_NAME} source_documents (project_uuid) -> projects (project_uuid) ON DELETE RESTRICT: added and validated`,
    );
    expect((await cli('enforce')).stdout).toContain('already enforced');
    // `--project <uuid>` reaches our parser (a preload that reads argv would take it for a tsconfig path).
    const [{ u }] = await db.ds.query(`SELECT project_uuid::text AS u FROM projects ORDER BY id LIMIT 1`);
    const audited = await cli('audit', '--project', u);
    expect(audited.code).toBe(0);
    expect(audited.stdout).toContain('audit: 3 document(s) scanned');
    const usage = await cli('vacuum');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown context command "vacuum"');
  }, 240_000);
});
