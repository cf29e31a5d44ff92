/**
 * API keys on the graph read API (test/ingest-api/auth.e2e-spec.ts covers projects, documents, batches and retry
 * with a stand-in route; this covers the REAL graph routes, with and without data, and the export stream).
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { cleanupTestData, createTestApp, TestApp, uniqueName } from '../../apps/ingest-api/src/testing/test-app';

const ADMIN = `admin-${randomUUID()}`;
const BOUND_A = `bound-a-${randomUUID()}`;

describe('API keys on the graph read API', () => {
  let t: TestApp;
  const projectIds: number[] = [];
  let a: { id: number; projectUuid: string };
  let b: { id: number; projectUuid: string };
  let entityB: string;

  beforeAll(async () => {
    const setup = await createTestApp();
    try {
      for (const label of ['a', 'b']) {
        const r = await request(setup.http)
          .post('/v1/projects')
          .send({ name: uniqueName(`sec-keys-${label}`) })
          .expect(201);
        projectIds.push(r.body.id);
        if (label === 'a') a = r.body;
        else b = r.body;
      }
    } finally {
      await setup.close();
    }
    t = await createTestApp({ CASEGRAPH_API_KEYS: `${ADMIN},${BOUND_A}:${a.projectUuid}` });
    // A real entity in B, so "existing" really exists down to the entity.
    const rows = await t.db.query(
      `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key, aliases, mention_count)
       VALUES (gen_random_uuid(), $1, 'ORG', 'Initech LLC', 'initech', '["Initech LLC"]'::jsonb, 1) RETURNING canonical_entity_uuid`,
      [b.projectUuid],
    );
    entityB = rows[0].canonical_entity_uuid;
  });

  afterAll(async () => {
    if (t) {
      await t.db.query(`DELETE FROM canonical_entities WHERE project_uuid = ANY($1::uuid[])`, [[a.projectUuid, b.projectUuid]]);
      await cleanupTestData(t, projectIds);
    }
    await t?.close();
  });

  const graphRoutes = (p: string, entity: string) => [
    `/v1/projects/${p}/entities`,
    `/v1/projects/${p}/entities?type=ORG&q=initech`,
    `/v1/projects/${p}/entities/${entity}`,
    `/v1/projects/${p}/graph?limit=10`,
    `/v1/projects/${p}/graph/export?format=graphml`,
    `/v1/projects/${p}/graph/export?format=cypher`,
    `/v1/projects/${p}/graph/export?format=csv`,
  ];

  it('401 without a key and with a wrong one, on every graph route', async () => {
    for (const path of graphRoutes(b.projectUuid, entityB)) {
      const none = await request(t.http).get(path);
      expect({ path, status: none.status }).toEqual({ path, status: 401 });
      expect(none.body.message).toMatch(/Missing API key/);
      for (const wrong of [{ 'X-API-Key': `${ADMIN}-` }, { Authorization: `Bearer ${BOUND_A.toUpperCase()}` }, { Authorization: 'Bearer ' }]) {
        const res = await request(t.http).get(path).set(wrong);
        expect({ path, status: res.status }).toEqual({ path, status: 401 });
        expect(JSON.stringify(res.body)).not.toContain(ADMIN);
      }
    }
  });

  it('a key bound to A gets 403 on B, byte for byte the same whether B (and its entity) exists or not', async () => {
    const existing = graphRoutes(b.projectUuid, entityB);
    const ghost = graphRoutes(randomUUID(), randomUUID());
    for (let i = 0; i < existing.length; i++) {
      const r1 = await request(t.http).get(existing[i]).set('X-API-Key', BOUND_A);
      const r2 = await request(t.http).get(ghost[i]).set('X-API-Key', BOUND_A);
      expect({ path: existing[i], status: r1.status }).toEqual({ path: existing[i], status: 403 });
      expect({ path: ghost[i], status: r2.status }).toEqual({ path: ghost[i], status: 403 });
      expect(r2.text).toBe(r1.text);
      expect(r2.headers['content-type']).toBe(r1.headers['content-type']);
      expect(r1.text).not.toMatch(/Initech|not found/i);
    }
    // The same key on its own project works, and B's data is visible to the admin key only.
    await request(t.http).get(`/v1/projects/${a.projectUuid}/graph`).set('X-API-Key', BOUND_A).expect(200);
    const adm = await request(t.http).get(`/v1/projects/${b.projectUuid}/entities/${entityB}`).set('X-API-Key', ADMIN).expect(200);
    expect(adm.body.name ?? adm.body.canonicalName).toBe('Initech LLC');
    // B's entity asked for under A's (allowed) project is a plain 404, not B's data.
    const cross = await request(t.http).get(`/v1/projects/${a.projectUuid}/entities/${entityB}`).set('X-API-Key', BOUND_A);
    expect(cross.status).toBe(404);
    expect(cross.text).not.toContain('Initech');
  });
});
