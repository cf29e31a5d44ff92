import request from 'supertest';
import { cleanupTestData, createTestApp, TestApp, uniqueName } from '../../apps/ingest-api/src/testing/test-app';

describe('/v1/projects', () => {
  let t: TestApp;
  const projectIds: number[] = [];
  const entityProjects: string[] = [];

  /** n canonical entities of a project (removed in afterAll). */
  const addEntities = async (projectUuid: string, n: number): Promise<void> => {
    entityProjects.push(projectUuid);
    await t.db.query(
      `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key)
       SELECT gen_random_uuid(), $1, 'PERSON', 'Person ' || i, 'person ' || i FROM generate_series(1, $2) i`,
      [projectUuid, n],
    );
  };

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    if (t && entityProjects.length) await t.db.query(`DELETE FROM canonical_entities WHERE project_uuid = ANY($1::uuid[])`, [entityProjects]);
    if (t) await cleanupTestData(t, projectIds);
    await t?.close();
  });

  // An explicit id a little above what the sequence hands out now. ensureProject moves the shared sequence
  // past explicit ids, so the offset is kept small (random ids would push it towards the int4 limit).
  const freshId = async (): Promise<number> => {
    const [{ next }] = await t.db.query(
      `SELECT GREATEST((SELECT COALESCE(max(id), 0) FROM projects), (SELECT last_value FROM projects_id_seq))::int AS next`,
    );
    return next + 1000 + Math.floor(Math.random() * 1000);
  };

  it('POST creates (201) and the same id again returns the same project (200)', async () => {
    const id = await freshId();
    const name = uniqueName('ensure');
    const created = await request(t.http).post('/v1/projects').send({ name, id }).expect(201);
    projectIds.push(id);
    expect(created.body).toEqual({ id, projectUuid: expect.stringMatching(/^[0-9a-f-]{36}$/), name, createdAt: expect.any(String) });
    const again = await request(t.http).post('/v1/projects').send({ name, id }).expect(200);
    expect(again.body).toEqual(created.body);
  });

  it('POST without id creates a project with a new UUID', async () => {
    const res = await request(t.http)
      .post('/v1/projects')
      .send({ name: `  ${uniqueName('trim')}  ` })
      .expect(201);
    projectIds.push(res.body.id);
    expect(res.body.name).toMatch(/^test-ingest trim /); // trimmed
    const rows = await t.db.query(`SELECT project_uuid FROM projects WHERE id = $1`, [res.body.id]);
    expect(rows[0].project_uuid).toBe(res.body.projectUuid);
  });

  it('POST with "id": null is a project without an id (201, then 200 by name), never a 500', async () => {
    const name = uniqueName('null-id');
    const created = await request(t.http).post('/v1/projects').send({ name, id: null }).expect(201);
    projectIds.push(created.body.id);
    const again = await request(t.http).post('/v1/projects').send({ name, id: null }).expect(200);
    expect(again.body).toEqual(created.body);
  });

  it('20 concurrent POSTs with one id: one 201, nineteen 200, one row, one UUID', async () => {
    const id = await freshId();
    const name = uniqueName('race');
    const results = await Promise.all(Array.from({ length: 20 }, () => request(t.http).post('/v1/projects').send({ name, id })));
    projectIds.push(id);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    expect(new Set(results.map((r) => r.body.projectUuid)).size).toBe(1);
    const rows = await t.db.query(`SELECT count(*)::int AS n FROM projects WHERE id = $1`, [id]);
    expect(rows[0].n).toBe(1);
  });

  it('GET /:projectUuid returns the project with its document counts; unknown -> 404, invalid -> 400', async () => {
    const p = (
      await request(t.http)
        .post('/v1/projects')
        .send({ name: uniqueName('get') })
        .expect(201)
    ).body;
    projectIds.push(p.id);
    await t.db.query(
      `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name, status, page_count)
       VALUES (gen_random_uuid(), $1, $2, 'a.pdf', 'completed', 4), (gen_random_uuid(), $1, $2, 'b.pdf', 'failed', NULL),
              (gen_random_uuid(), $1, $2, 'c.pdf', 'completed', 3)`,
      [p.id, p.projectUuid],
    );
    await addEntities(p.projectUuid, 2);
    const res = await request(t.http).get(`/v1/projects/${p.projectUuid}`).expect(200);
    expect(res.body).toEqual({
      ...p,
      documents: { pending: 0, processing: 0, completed: 2, failed: 1, total: 3 },
      pageCount: 7,
      entityCount: 2,
    });
    await request(t.http).get(`/v1/projects/${p.projectUuid.toUpperCase()}`).expect(200);
    const missing = await request(t.http).get('/v1/projects/00000000-0000-4000-8000-00000000abcd').expect(404);
    expect(missing.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Project 00000000-0000-4000-8000-00000000abcd not found' });
    const invalid = await request(t.http).get('/v1/projects/12345').expect(400);
    expect(invalid.body.errors).toEqual([{ field: 'projectUuid', messages: ['projectUuid must be a UUID'] }]);
  });

  it('GET / is paginated and ordered by id', async () => {
    const mine: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await request(t.http)
        .post('/v1/projects')
        .send({ name: uniqueName(`list-${i}`) })
        .expect(201);
      mine.push(r.body.id);
      projectIds.push(r.body.id);
    }
    const first = await request(t.http).get('/v1/projects?page=1&pageSize=2').expect(200);
    expect(first.body).toMatchObject({ page: 1, pageSize: 2, total: expect.any(Number) });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.total).toBeGreaterThanOrEqual(3);
    // Walk every page: each project once, in id order, ours included.
    const seen: number[] = [];
    const pages = Math.ceil(first.body.total / 100) + 1;
    for (let page = 1; page <= pages; page++) {
      const r = await request(t.http).get(`/v1/projects?page=${page}&pageSize=100`).expect(200);
      seen.push(...r.body.items.map((x: { id: number }) => x.id));
      if (r.body.items.length < 100) break;
    }
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(mine));
    const item = (await request(t.http).get(`/v1/projects?page=1&pageSize=100`)).body.items[0];
    expect(item).toEqual({
      id: expect.any(Number),
      projectUuid: item.projectUuid,
      name: expect.any(String),
      createdAt: expect.any(String),
      documentCount: expect.any(Number),
      documents: {
        pending: expect.any(Number),
        processing: expect.any(Number),
        completed: expect.any(Number),
        failed: expect.any(Number),
        total: item.documentCount,
      },
      pageCount: expect.any(Number),
      entityCount: expect.any(Number),
    });
  });

  it('GET /?order=newest lists the newest first; ?q= finds projects by a part of their name, taken literally', async () => {
    const tag = uniqueName('Okafor 100%_v. Lindqvist');
    const made: number[] = [];
    for (const suffix of ['', ' (appeal)']) {
      const r = await request(t.http)
        .post('/v1/projects')
        .send({ name: `${tag}${suffix}` })
        .expect(201);
      made.push(r.body.id);
      projectIds.push(r.body.id);
    }
    const newest = await request(t.http).get('/v1/projects?order=newest&pageSize=100').expect(200);
    const ids = newest.body.items.map((x: { id: number }) => x.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    // Other suites create projects meanwhile: ours are on the first page, the appeal before the first.
    expect(ids.indexOf(made[1])).toBeLessThan(ids.indexOf(made[0]));
    // %, _ and \ are text, not patterns; case does not matter.
    const found = await request(t.http)
      .get('/v1/projects')
      .query({ q: tag.toUpperCase().slice(0, 40), order: 'newest' })
      .expect(200);
    expect([found.body.total, found.body.items.map((x: { id: number }) => x.id)]).toEqual([2, [made[1], made[0]]]);
    expect(
      (
        await request(t.http)
          .get('/v1/projects')
          .query({ q: '100%_v.' + tag })
          .expect(200)
      ).body.total,
    ).toBe(0);
    await request(t.http).get('/v1/projects?order=sideways').expect(400);
  });

  it('GET / gives each project of the page its documents by status, pages and entities (an empty one all zeros)', async () => {
    const made = [];
    for (const n of ['counts-full', 'counts-empty']) {
      const r = await request(t.http)
        .post('/v1/projects')
        .send({ name: uniqueName(n) })
        .expect(201);
      projectIds.push(r.body.id);
      made.push(r.body);
    }
    const [full, empty] = made;
    await t.db.query(
      `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name, status, page_count)
       VALUES (gen_random_uuid(), $1, $2, 'a.pdf', 'completed', 10), (gen_random_uuid(), $1, $2, 'b.pdf', 'processing', NULL),
              (gen_random_uuid(), $1, $2, 'c.pdf', 'pending', NULL), (gen_random_uuid(), $1, $2, 'd.pdf', 'completed', 5)`,
      [full.id, full.projectUuid],
    );
    await addEntities(full.projectUuid, 3);
    const all: Array<Record<string, unknown>> = [];
    const first = (await request(t.http).get('/v1/projects?page=1&pageSize=100').expect(200)).body;
    for (let page = 1; page <= Math.ceil(first.total / 100); page++) {
      all.push(...(await request(t.http).get(`/v1/projects?page=${page}&pageSize=100`).expect(200)).body.items);
    }
    expect(all.find((x) => x.id === full.id)).toEqual({
      ...full,
      documentCount: 4,
      documents: { pending: 1, processing: 1, completed: 2, failed: 0, total: 4 },
      pageCount: 15,
      entityCount: 3,
    });
    expect(all.find((x) => x.id === empty.id)).toEqual({
      ...empty,
      documentCount: 0,
      documents: { pending: 0, processing: 0, completed: 0, failed: 0, total: 0 },
      pageCount: 0,
      entityCount: 0,
    });
  });

  it.each([
    ['malformed JSON', '{"name": "x"', /Malformed JSON body/, null],
    ['unknown field', { name: 'x', owner: 'me' }, /unknown field owner/, 'owner'],
    ['name of the wrong type', { name: 5 }, /name must be a string/, 'name'],
    ['missing name', {}, /name must be a string/, 'name'],
    ['blank name', { name: '   ' }, /name should not be empty/, 'name'],
    ['name too long', { name: 'x'.repeat(256) }, /name must be shorter than or equal to 255 characters/, 'name'],
    ['control characters in name', { name: 'a\u0000b' }, /control characters/, 'name'],
    ['id of the wrong type', { name: 'x', id: '12' }, /id must be an integer number/, 'id'],
    ['id zero', { name: 'x', id: 0 }, /id must not be less than 1/, 'id'],
    ['id beyond int4', { name: 'x', id: 2 ** 31 }, /id must not be greater than 2147483647/, 'id'],
    ['a JSON array', [{ name: 'x' }], /must be a JSON object/, null],
  ])('POST refuses %s with 400 and creates nothing', async (_, body, message, field) => {
    const before = await t.db.query(`SELECT count(*)::int AS n FROM projects WHERE name = 'x'`);
    const req = request(t.http).post('/v1/projects').set('Content-Type', 'application/json');
    const res = await (typeof body === 'string' ? req.send(body) : req.send(body));
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    if (field) expect(res.body.errors[0].field).toBe(field);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM projects WHERE name = 'x'`)).toEqual(before);
  });

  it('refuses bad paging parameters and unknown query parameters', async () => {
    for (const q of ['page=0', 'page=abc', 'pageSize=101', 'pageSize=1.5', 'page=1&page=2', 'sort=name']) {
      const res = await request(t.http).get(`/v1/projects?${q}`);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
    }
  });
});
