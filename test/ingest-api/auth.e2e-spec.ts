import { Controller, Get, Logger, Param } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { cleanupTestData, createTestApp, TestApp, uniqueName } from '../../apps/ingest-api/src/testing/test-app';
import { filesUnder } from '../../apps/ingest-api/src/testing/helpers';
import { generatedBytes } from '../../libs/testing/src/documents';

const ADMIN = `admin-${randomUUID()}`;
const BOUND = `bound-${randomUUID()}`;
const OTHER = `other-${randomUUID()}`;
const PDF = generatedBytes('complaint.pdf'); // a generated 6-page text PDF

/** Stands in for another module's route under /v1/projects/:projectUuid/... (e.g. the graph read API). */
@Controller({ path: 'projects/:projectUuid/probe', version: '1' })
class ProbeController {
  @Get()
  probe(@Param('projectUuid') projectUuid: string) {
    return { projectUuid };
  }
}

describe('API keys', () => {
  let t: TestApp;
  const projectIds: number[] = [];
  let a: { id: number; projectUuid: string };
  let b: { id: number; projectUuid: string };
  let docA: string;
  let docB: string;
  let batchA: string;
  let batchB: string;
  const admin = { Authorization: `Bearer ${ADMIN}` };
  const bound = { 'X-API-Key': BOUND };

  beforeAll(async () => {
    // Projects first (with an open app), so the bound key can name project A.
    const setup = await createTestApp();
    try {
      for (const label of ['a', 'b']) {
        const r = await request(setup.http)
          .post('/v1/projects')
          .send({ name: uniqueName(`auth-${label}`) })
          .expect(201);
        projectIds.push(r.body.id);
        if (label === 'a') a = r.body;
        else b = r.body;
      }
    } finally {
      await setup.close();
    }
    t = await createTestApp(
      { CASEGRAPH_API_KEYS: `${ADMIN}, ${BOUND}:${a.projectUuid},${OTHER}:${b.projectUuid}` },
      { controllers: [ProbeController] },
    );
    const batch = (p: { projectUuid: string }) =>
      request(t.http)
        .post('/v1/batches')
        .set(admin)
        .send({ projectUuid: p.projectUuid, documents: [{ filename: 'x.pdf', s3Bucket: 'bucket', s3Key: 'k/x.pdf' }] })
        .expect(202);
    const ra = await batch(a);
    const rb = await batch(b);
    [batchA, docA] = [ra.body.batchId, ra.body.documents[0].documentUuid];
    [batchB, docB] = [rb.body.batchId, rb.body.documents[0].documentUuid];
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    await t?.close();
  });

  const routes = () => [
    ['get', '/v1/projects'],
    ['post', '/v1/projects'],
    ['get', `/v1/projects/${a.projectUuid}`],
    ['get', `/v1/projects/${a.projectUuid}/documents`],
    ['post', `/v1/projects/${a.projectUuid}/documents`],
    ['post', '/v1/batches'],
    ['get', `/v1/batches/${batchA}`],
    ['get', `/v1/documents/${docA}`],
    ['post', `/v1/documents/${docA}/retry`],
  ];

  it('401 on every /v1 route without a key or with a wrong one; health, metrics and docs stay open', async () => {
    for (const [method, path] of routes()) {
      const none = await (request(t.http) as any)[method](path);
      expect({ path, method, status: none.status, message: none.body.message }).toEqual({
        path,
        method,
        status: 401,
        message: expect.stringMatching(/Missing API key/),
      });
      for (const wrong of [{ Authorization: `Bearer ${ADMIN}x` }, { 'X-API-Key': ADMIN.slice(0, -1) }, { Authorization: `Basic ${ADMIN}` }]) {
        const res = await (request(t.http) as any)[method](path).set(wrong);
        expect({ path, status: res.status }).toEqual({ path, status: 401 });
      }
    }
    await request(t.http).get('/health/live').expect(200);
    await request(t.http).get('/metrics').expect(200);
    await request(t.http).get('/docs-json').expect(200);
  });

  it('documents every /v1 route in OpenAPI (/docs) with both auth schemes and the error answers', async () => {
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    expect(doc.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      'api-key': expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    });
    const v1 = Object.entries<Record<string, { security?: unknown; responses: Record<string, unknown> }>>(doc.paths).filter(
      ([p]) => p.startsWith('/v1/') && !p.endsWith('/probe') && p !== '/v1/session',
    ); // probe: this test's stand-in route; /v1/session: where the browser exchanges a key for a session (no key yet)
    // The session routes take the key in the body (or the cookie), so they document no header scheme, and a 401.
    const sessionOps = Object.entries<{ security?: unknown; responses: Record<string, unknown> }>(doc.paths['/v1/session']);
    expect(sessionOps.map(([m]) => m).sort()).toEqual(['delete', 'get', 'post']);
    for (const [, op] of sessionOps.filter(([m]) => m !== 'delete')) expect(Object.keys(op.responses)).toContain('401');
    expect(v1.map(([p]) => p)).toEqual(
      expect.arrayContaining([
        '/v1/projects',
        '/v1/projects/{projectUuid}',
        '/v1/projects/{projectUuid}/documents',
        '/v1/batches',
        '/v1/batches/{batchId}',
        '/v1/documents/{documentUuid}',
        '/v1/documents/{documentUuid}/retry',
      ]),
    );
    for (const [path, ops] of v1) {
      for (const [method, op] of Object.entries(ops)) {
        expect({ path, method, security: op.security }).toEqual({ path, method, security: [{ bearer: [] }, { 'api-key': [] }] });
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403', '503']));
      }
    }
    const ui = await request(t.http).get('/docs/').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('accepts a key as Bearer token or X-API-Key header', async () => {
    await request(t.http).get(`/v1/projects/${a.projectUuid}`).set(admin).expect(200);
    await request(t.http).get(`/v1/projects/${b.projectUuid}`).set({ 'X-API-Key': ADMIN }).expect(200);
    await request(t.http)
      .get(`/v1/projects/${a.projectUuid}`)
      .set({ authorization: `bearer ${BOUND}` })
      .expect(200);
  });

  it('lets a bound key work on its own project', async () => {
    await request(t.http).get(`/v1/projects/${a.projectUuid}`).set(bound).expect(200);
    await request(t.http).get(`/v1/projects/${a.projectUuid}/documents`).set(bound).expect(200);
    await request(t.http).get(`/v1/documents/${docA}`).set(bound).expect(200);
    await request(t.http).get(`/v1/batches/${batchA}`).set(bound).expect(200);
    await request(t.http).get(`/v1/projects/${a.projectUuid}/probe`).set(bound).expect(200);
    await request(t.http)
      .post('/v1/batches')
      .set(bound)
      .send({ projectUuid: a.projectUuid, documents: [{ filename: 'y.pdf', s3Bucket: 'bucket', s3Key: 'k/y.pdf' }] })
      .expect(202);
    await request(t.http).post(`/v1/projects/${a.projectUuid}/documents`).set(bound).attach('files', PDF, 'mine.pdf').expect(202);
    const list = await request(t.http).get('/v1/projects?pageSize=100').set(bound).expect(200);
    expect(list.body.items.map((p: { projectUuid: string }) => p.projectUuid)).toEqual([a.projectUuid]);
    expect(list.body.total).toBe(1);
    const ensure = await request(t.http).post('/v1/projects').set(bound).send({ name: 'whatever', id: a.id }).expect(200);
    expect(ensure.body.projectUuid).toBe(a.projectUuid);
  });

  it('403 for another project, identical whether it exists or not (no existence leak), and nothing written', async () => {
    const ghost = randomUUID();
    const ghostDoc = randomUUID();
    const ghostBatch = randomUUID();
    const pairs: Array<[string, string, string, object?]> = [
      ['get', `/v1/projects/${b.projectUuid}`, `/v1/projects/${ghost}`],
      ['get', `/v1/projects/${b.projectUuid}/documents`, `/v1/projects/${ghost}/documents`],
      ['get', `/v1/documents/${docB}`, `/v1/documents/${ghostDoc}`],
      ['post', `/v1/documents/${docB}/retry`, `/v1/documents/${ghostDoc}/retry`],
      ['get', `/v1/batches/${batchB}`, `/v1/batches/${ghostBatch}`],
      // Routes of other modules under /v1/projects/:projectUuid/... are covered by the same guard.
      ['get', `/v1/projects/${b.projectUuid}/probe`, `/v1/projects/${ghost}/probe`],
    ];
    const bodies = new Set<string>();
    for (const [method, existing, missing] of pairs) {
      const r1 = await (request(t.http) as any)[method](existing).set(bound);
      const r2 = await (request(t.http) as any)[method](missing).set(bound);
      expect({ existing, status: r1.status }).toEqual({ existing, status: 403 });
      expect({ missing, status: r2.status }).toEqual({ missing, status: 403 });
      expect(r2.body).toEqual(r1.body);
      expect(r2.headers['content-length']).toBe(r1.headers['content-length']);
      bodies.add(JSON.stringify(r1.body));
    }
    expect([...bodies]).toEqual([JSON.stringify({ statusCode: 403, error: 'Forbidden', message: 'This API key may not access this resource' })]);

    const rowsBefore = await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [b.id]);
    const filesBefore = await filesUnder(t.storageDir);
    for (const projectUuid of [b.projectUuid, ghost]) {
      await request(t.http)
        .post('/v1/batches')
        .set(bound)
        .send({ projectUuid, documents: [{ filename: 'z.pdf', s3Bucket: 'bucket', s3Key: 'k/z.pdf' }] })
        .expect(403);
      await request(t.http).post(`/v1/projects/${projectUuid}/documents`).set(bound).attach('files', PDF, 'theirs.pdf').expect(403);
    }
    await request(t.http).post('/v1/projects').set(bound).send({ name: 'new project' }).expect(403);
    await request(t.http).post('/v1/projects').set(bound).send({ name: 'b', id: b.id }).expect(403);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [b.id])).toEqual(rowsBefore);
    expect(await filesUnder(t.storageDir)).toEqual(filesBefore);
    const [{ failed }] = await t.db.query(`SELECT status AS failed FROM source_documents WHERE document_uuid = $1`, [docB]);
    expect(failed).toBe('pending');
  });

  it('the key bound to B cannot see A either', async () => {
    await request(t.http).get(`/v1/projects/${a.projectUuid}`).set({ 'X-API-Key': OTHER }).expect(403);
    await request(t.http).get(`/v1/projects/${b.projectUuid}`).set({ 'X-API-Key': OTHER }).expect(200);
  });

  it('malformed UUIDs are still 400 for a bound key', async () => {
    const res = await request(t.http).get('/v1/documents/not-a-uuid').set(bound).expect(400);
    expect(res.body.errors).toEqual([{ field: 'documentUuid', messages: ['documentUuid must be a UUID'] }]);
  });
});

describe('open mode and rate limit', () => {
  it('without CASEGRAPH_API_KEYS the API is open and says so loudly at boot', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const t = await createTestApp({ CASEGRAPH_API_KEYS: '' });
    try {
      expect(warn.mock.calls.some((c) => /CASEGRAPH_API_KEYS is not set: the ingest API is OPEN/.test(String(c[0])))).toBe(true);
      await request(t.http).get('/v1/projects?pageSize=1').expect(200);
    } finally {
      warn.mockRestore();
      await t.close();
    }
  });

  it('limits requests per key per minute (429), independently for each key', async () => {
    const k1 = `k1-${randomUUID()}`;
    const k2 = `k2-${randomUUID()}`;
    const t = await createTestApp({ CASEGRAPH_API_KEYS: `${k1},${k2}`, RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await request(t.http).get('/v1/projects?pageSize=1').set('X-API-Key', k1)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const limited = await request(t.http).get('/v1/projects?pageSize=1').set('X-API-Key', k1);
      expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      await request(t.http).get('/v1/projects?pageSize=1').set('X-API-Key', k2).expect(200);
      // Wrong keys are refused before they count against anyone's budget; health is never limited.
      await request(t.http).get('/v1/projects').set('X-API-Key', 'nope').expect(401);
      for (let i = 0; i < 5; i++) await request(t.http).get('/health/live').expect(200);
    } finally {
      await t.close();
    }
  });
});
