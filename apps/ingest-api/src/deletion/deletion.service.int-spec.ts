import { HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createPrivateDatabase } from '@casegraph/testing';
import { DocumentIntakeService } from '../intake/document-intake.service';
import { TestApp, cleanupTestData, createTestApp, uniqueName } from '../testing/test-app';
import { ProjectDeletedDto } from './deletion.dto';
import { DeletionService } from './deletion.service';

jest.setTimeout(120_000);

/**
 * DeletionService on real PostgreSQL and Redis, with rows written as the graph worker writes them: deletes
 * racing each other (same document, documents sharing edges and entities) and a project delete racing an
 * upload into it.
 */
describe('DeletionService (concurrency)', () => {
  let t: TestApp;
  let deletion: DeletionService;
  const projectIds: number[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    deletion = t.app.get(DeletionService);
  });

  afterAll(async () => {
    if (!t) return;
    const uuids: string[] = (await t.db.query(`SELECT project_uuid FROM projects WHERE id = ANY($1::int[])`, [projectIds])).map(
      (r: { project_uuid: string }) => r.project_uuid,
    );
    for (const table of ['relationship_staging', 'relationship_contributions', 'entity_mentions', 'canonical_entities']) {
      await t.db.query(`DELETE FROM ${table} WHERE project_uuid = ANY($1::uuid[])`, [uuids]);
    }
    await cleanupTestData(t, projectIds);
    await t.close();
  });

  async function project(): Promise<{ id: number; projectUuid: string }> {
    const [r] = await t.db.query(`INSERT INTO projects (name, project_uuid) VALUES ($1, gen_random_uuid()) RETURNING id, project_uuid`, [
      uniqueName('deletion'),
    ]);
    projectIds.push(r.id);
    return { id: r.id, projectUuid: r.project_uuid };
  }

  async function document(p: { id: number; projectUuid: string }): Promise<string> {
    const uuid = randomUUID();
    await t.db.query(
      `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name, status) VALUES ($1, $2, $3, 'x.pdf', 'completed')`,
      [uuid, p.id, p.projectUuid],
    );
    return uuid;
  }

  async function entity(projectUuid: string, name: string): Promise<string> {
    const uuid = randomUUID();
    await t.db.query(
      `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key) VALUES ($1, $2, 'PERSON', $3, lower($3))`,
      [uuid, projectUuid, name],
    );
    return uuid;
  }

  /** A document mentioning `entities` once each, contributing `weight` to the CO_OCCURS edge s→tg and its MENTIONED_IN edges. */
  async function contribute(projectUuid: string, documentUuid: string, entities: string[], weight: number): Promise<void> {
    for (const [i, e] of entities.entries()) {
      await t.db.query(
        `INSERT INTO entity_mentions (mention_uuid, document_uuid, project_uuid, entity_text, entity_type, start_char, end_char, confidence_score,
                                      method, normalized_key, canonical_entity_uuid)
         SELECT gen_random_uuid(), $1, $2, canonical_name, 'PERSON', $3, $3 + 5, 0.9, 'test', normalized_key, canonical_entity_uuid
           FROM canonical_entities WHERE canonical_entity_uuid = $4`,
        [documentUuid, projectUuid, i * 10, e],
      );
      await t.db.query(
        `INSERT INTO relationship_contributions (project_uuid, document_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight)
         VALUES ($1, $2, $3, $2, 'MENTIONED_IN', 1)`,
        [projectUuid, documentUuid, e],
      );
    }
    await t.db.query(
      `INSERT INTO relationship_contributions (project_uuid, document_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight)
       VALUES ($1, $2, $3, $4, 'CO_OCCURS', $5)`,
      [projectUuid, documentUuid, entities[0], entities[1], weight],
    );
  }

  /** The aggregate rows as the worker's recompute leaves them (weight = sum, documentCount). */
  async function aggregate(projectUuid: string): Promise<void> {
    await t.db.query(
      `INSERT INTO relationship_staging (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight, properties)
       SELECT project_uuid, source_entity_uuid, target_entity_uuid, relationship_type, sum(weight), jsonb_build_object('documentCount', count(*))
         FROM relationship_contributions WHERE project_uuid = $1 GROUP BY 1, 2, 3, 4
       ON CONFLICT (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type)
       DO UPDATE SET weight = EXCLUDED.weight, properties = EXCLUDED.properties`,
      [projectUuid],
    );
    await t.db.query(
      `UPDATE canonical_entities c SET mention_count = (SELECT count(*) FROM entity_mentions m WHERE m.canonical_entity_uuid = c.canonical_entity_uuid)
        WHERE project_uuid = $1`,
      [projectUuid],
    );
  }

  it('two deletes of one document at once: one answers what it removed, the other 404', async () => {
    const p = await project();
    for (let round = 0; round < 5; round++) {
      const [x, y] = [await entity(p.projectUuid, `Ada ${round}`), await entity(p.projectUuid, `Ben ${round}`)];
      const d = await document(p);
      await contribute(p.projectUuid, d, [x, y], 2);
      await aggregate(p.projectUuid);
      const results = await Promise.allSettled([deletion.deleteDocument(d), deletion.deleteDocument(d)]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(failed[0].reason).toBeInstanceOf(HttpException);
      expect((failed[0].reason as HttpException).getStatus()).toBe(404);
      expect((ok[0] as PromiseFulfilledResult<{ mentions: number; entitiesDeleted: string[] }>).value).toMatchObject({
        mentions: 2,
        entitiesDeleted: [x, y].sort(),
      });
    }
    expect((await t.db.query(`SELECT count(*)::int AS n FROM relationship_staging WHERE project_uuid = $1`, [p.projectUuid]))[0].n).toBe(0);
  });

  it('two deletes of one project at once: one answers what it removed, the other 404; nothing of it is left', async () => {
    for (let round = 0; round < 4; round++) {
      const p = await project();
      const [x, y] = [await entity(p.projectUuid, 'Fay'), await entity(p.projectUuid, 'Gus')];
      for (let i = 0; i < 3; i++) await contribute(p.projectUuid, await document(p), [x, y], 1);
      await aggregate(p.projectUuid);
      const results = await Promise.allSettled([
        deletion.deleteProject(p.projectUuid, p.projectUuid),
        deletion.deleteProject(p.projectUuid, p.projectUuid),
      ]);
      const ok = results.filter((r): r is PromiseFulfilledResult<ProjectDeletedDto> => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      // Both may share the documents (one batch each), but only one removes the project itself.
      expect(ok.reduce((n, r) => n + r.value.documents, 0)).toBe(3);
      expect(ok.reduce((n, r) => n + r.value.entities, 0)).toBe(2);
      for (const f of failed) expect((f.reason as HttpException).getStatus()).toBe(404);
      for (const table of [
        'projects',
        'source_documents',
        'entity_mentions',
        'canonical_entities',
        'relationship_staging',
        'relationship_contributions',
      ]) {
        expect([table, (await t.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE project_uuid = $1`, [p.projectUuid]))[0].n]).toEqual([
          table,
          0,
        ]);
      }
    }
  });

  it('documents sharing edges and entities deleted at once: no deadlock, the edges left are the survivor’s alone', async () => {
    const p = await project();
    for (let round = 0; round < 8; round++) {
      const [x, y, z] = [
        await entity(p.projectUuid, `Cy ${round}`),
        await entity(p.projectUuid, `Di ${round}`),
        await entity(p.projectUuid, `Ed ${round}`),
      ];
      const [a, b, c] = [await document(p), await document(p), await document(p)];
      // a and b name x and y; c names y and z: after a and b go, x is unmentioned, y and z are c's.
      await contribute(p.projectUuid, a, [x, y], 3);
      await contribute(p.projectUuid, b, [x, y], 4);
      await contribute(p.projectUuid, c, [y, z], 5);
      await aggregate(p.projectUuid);
      // b's CO_OCCURS edge is a's too; reversing the order in odd rounds changes who locks first.
      const order = round % 2 ? [b, a] : [a, b];
      const [ra, rb] = await Promise.all(order.map((d) => deletion.deleteDocument(d)));
      expect([...ra.entitiesDeleted, ...rb.entitiesDeleted]).toEqual([x]);
      const edges = await t.db.query(
        `SELECT source_entity_uuid AS s, target_entity_uuid AS tg, relationship_type AS ty, weight, (properties->>'documentCount')::int AS docs
           FROM relationship_staging WHERE project_uuid = $1 AND (source_entity_uuid = ANY($2::uuid[]) OR target_entity_uuid = ANY($2::uuid[]))
          ORDER BY ty, s`,
        [p.projectUuid, [x, y, z, a, b, c]],
      );
      expect(edges).toEqual(
        [
          { s: y, tg: z, ty: 'CO_OCCURS', weight: 5, docs: 1 },
          { s: y, tg: c, ty: 'MENTIONED_IN', weight: 1, docs: 1 },
          { s: z, tg: c, ty: 'MENTIONED_IN', weight: 1, docs: 1 },
        ].sort((l, r) => (l.ty === r.ty ? (l.s < r.s ? -1 : 1) : l.ty < r.ty ? -1 : 1)),
      );
      const counts = await t.db.query(
        `SELECT canonical_entity_uuid AS u, mention_count AS n FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[]) ORDER BY 1`,
        [[x, y, z]],
      );
      expect(counts).toEqual([y, z].sort().map((u) => ({ u, n: 1 })));
    }
  });

  it('a project deleted while a document is uploaded into it: either the upload is refused or its document goes too', async () => {
    const intake = t.app.get(DocumentIntakeService);
    const outcomes: string[] = [];
    for (let round = 0; round < 8; round++) {
      const p = await project();
      await document(p);
      const uploading = new Promise((r) => setTimeout(r, round * 3)).then(() =>
        intake.create(
          p.projectUuid,
          [
            {
              documentUuid: randomUUID(),
              filename: 'late.pdf',
              s3Bucket: null,
              s3Key: `documents/${p.projectUuid}/late.pdf`,
              fileSizeBytes: 1,
              fileType: null,
              detectedFileType: null,
              sha256: null,
              occurrence: { source: 'upload' },
            },
          ],
          { source: 'upload' },
        ),
      );
      const [up, del] = await Promise.allSettled([uploading, deletion.deleteProject(p.projectUuid, p.projectUuid)]);
      expect(del.status).toBe('fulfilled');
      if (up.status === 'rejected') {
        expect((up.reason as HttpException).getStatus()).toBe(404);
        outcomes.push('refused');
      } else outcomes.push('deleted too');
      expect((await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [p.id]))[0].n).toBe(0);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM projects WHERE id = $1`, [p.id]))[0].n).toBe(0);
    }
    process.stdout.write(`[deletion] upload racing a project delete: ${outcomes.join(', ')}\n`);
  });
  it('rows of a table CaseGraph does not manage that reference the project or document: 409 naming it, nothing deleted', async () => {
    // On a private database: the foreign keys to projects and source_documents are DDL on shared tables.
    const db = await createPrivateDatabase('deletion_fk');
    const own = await createTestApp({ DATABASE_URL: db.url });
    try {
      const service = own.app.get(DeletionService);
      const [p] = await own.db.query(
        `INSERT INTO projects (name, project_uuid) VALUES ('fk', gen_random_uuid()) RETURNING id, project_uuid AS "projectUuid"`,
      );
      const d = randomUUID();
      await own.db.query(
        `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name) VALUES ($1, $2, $3, 'x.pdf')`,
        [d, p.id, p.projectUuid],
      );
      await own.db.query(
        `CREATE TABLE import_sessions (id serial PRIMARY KEY, project_id int REFERENCES projects(id),
                                       document_uuid uuid REFERENCES source_documents(document_uuid))`,
      );
      await own.db.query(`INSERT INTO import_sessions (document_uuid) VALUES ($1)`, [d]);
      const doc = await service.deleteDocument(d).catch((e: HttpException) => e);
      expect(doc).toBeInstanceOf(HttpException);
      expect((doc as HttpException).getStatus()).toBe(409);
      expect((doc as HttpException).message).toContain('rows of import_sessions');
      expect((await own.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE document_uuid = $1`, [d]))[0].n).toBe(1);

      await own.db.query(`UPDATE import_sessions SET document_uuid = NULL, project_id = $1`, [p.id]);
      await service.deleteDocument(d);
      const proj = await service.deleteProject(p.projectUuid, p.projectUuid).catch((e: HttpException) => e);
      expect((proj as HttpException).getStatus()).toBe(409);
      expect((proj as HttpException).message).toContain(`Project ${p.projectUuid} is still referenced by rows of import_sessions`);
      expect((await own.db.query(`SELECT count(*)::int AS n FROM projects WHERE id = $1`, [p.id]))[0].n).toBe(1);
      await own.db.query(`DELETE FROM import_sessions`);
      await expect(service.deleteProject(p.projectUuid, p.projectUuid)).resolves.toMatchObject({ projectUuid: p.projectUuid });
    } finally {
      await own.close();
      await db.drop();
    }
  });
});
