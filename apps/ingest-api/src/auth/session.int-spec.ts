/**
 * Browser sessions against the real app (real guard, real routes, PostgreSQL): the cookie POST /v1/session sets,
 * what it opens, what it needs for unsafe requests, and how it ends.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { cleanup, seedDocument, seedProject } from '@casegraph/testing';
import { createTestApp, TestApp } from '../testing/test-app';
import { ApiKeyRing } from './api-keys';
import { SESSION_COOKIE, issueSession } from './session-cookie';
import { LOGIN_FAILURES_PER_WINDOW } from './session.service';

const ADMIN = `sess-admin-${randomUUID()}`;
const BOUND = `sess-bound-${randomUUID()}`;

/** The name=value pair of the session cookie a response sets (what a browser sends back). */
const cookieOf = (res: request.Response): string => {
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const c = set.find((s) => s.startsWith(`${SESSION_COOKIE}=`));
  if (!c) throw new Error(`no session cookie in ${JSON.stringify(set)}`);
  return c.split(';')[0];
};

describe('browser sessions (POST/GET/DELETE /v1/session and the cookie on every route)', () => {
  let t: TestApp;
  const projectIds: number[] = [];
  let a: { id: number; projectUuid: string };
  let b: { id: number; projectUuid: string };
  let docA: string;
  let docB: string;
  let adminCookie: string;
  let adminCsrf: string;
  let boundCookie: string;
  let boundCsrf: string;

  beforeAll(async () => {
    t = await createTestApp({ CASEGRAPH_API_KEYS: `alice=${ADMIN},${BOUND}` });
    const pa = await seedProject(t.db);
    const pb = await seedProject(t.db);
    projectIds.push(pa.id, pb.id);
    a = { id: pa.id, projectUuid: pa.projectUuid! };
    b = { id: pb.id, projectUuid: pb.projectUuid! };
    docA = (await seedDocument(t.db, a)).documentUuid;
    docB = (await seedDocument(t.db, b)).documentUuid;
    // The bound key's binding needs project A's uuid: a second app with the real key list.
    await t.close();
    t = await createTestApp({ CASEGRAPH_API_KEYS: `alice=${ADMIN},${BOUND}:${a.projectUuid}` });
    const admin = await request(t.http).post('/v1/session').send({ key: ADMIN }).expect(200);
    adminCookie = cookieOf(admin);
    adminCsrf = admin.body.csrfToken;
    const bound = await request(t.http).post('/v1/session').send({ key: BOUND }).expect(200);
    boundCookie = cookieOf(bound);
    boundCsrf = bound.body.csrfToken;
  });

  afterAll(async () => {
    if (t) await cleanup(t.db, projectIds);
    await t?.close();
  });

  it('logs in with a key: an HttpOnly SameSite=Strict browser-session cookie that does not contain the key', async () => {
    const res = await request(t.http).post('/v1/session').send({ key: BOUND }).expect(200);
    expect(res.body).toEqual({
      mode: 'key',
      keyName: expect.stringMatching(/^key:[0-9a-f]{12}$/),
      projectUuid: a.projectUuid,
      csrfToken: expect.any(String),
    });
    const set = ([] as string[]).concat(res.headers['set-cookie']);
    expect(set).toHaveLength(1);
    const attrs = set[0].split(';').map((s) => s.trim());
    expect(attrs[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=v1\\.[0-9a-f]{12}\\.\\d+\\.[\\w-]{22}\\.[\\w-]{43}$`));
    expect(attrs.slice(1).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']); // no Max-Age/Expires; no Secure on http
    expect(set[0]).not.toContain(BOUND);
    expect(JSON.stringify(res.body)).not.toContain(BOUND);
    expect(res.headers['cache-control']).toBe('no-store');
    // A named key answers with its name.
    expect((await request(t.http).post('/v1/session').send({ key: ADMIN }).expect(200)).body).toMatchObject({ keyName: 'alice', projectUuid: null });
  });

  it('refuses a wrong or missing key, and a login posted from another site', async () => {
    expect(
      (
        await request(t.http)
          .post('/v1/session')
          .send({ key: `${ADMIN}x` })
          .expect(401)
      ).headers['set-cookie'],
    ).toBeUndefined();
    await request(t.http).post('/v1/session').send({}).expect(400);
    await request(t.http).post('/v1/session').send({ key: 42 }).expect(400);
    const forged = await request(t.http).post('/v1/session').set('Origin', 'http://evil.example').send({ key: ADMIN }).expect(403);
    expect(forged.headers['set-cookie']).toBeUndefined();
  });

  it('GET /v1/session gives the session back (the same csrfToken) and 401 without a valid cookie', async () => {
    const res = await request(t.http).get('/v1/session').set('Cookie', adminCookie).expect(200);
    expect(res.body).toEqual({ mode: 'key', keyName: 'alice', projectUuid: null, csrfToken: adminCsrf });
    await request(t.http).get('/v1/session').expect(401);
    await request(t.http).get('/v1/session').set('Cookie', `${adminCookie}x`).expect(401);
  });

  it('the cookie authenticates GETs as its key', async () => {
    await request(t.http).get(`/v1/projects/${b.projectUuid}`).expect(401);
    const res = await request(t.http).get(`/v1/projects/${b.projectUuid}`).set('Cookie', adminCookie).expect(200);
    expect(res.body.projectUuid).toBe(b.projectUuid);
    await request(t.http).get(`/v1/documents/${docA}`).set('Cookie', boundCookie).expect(200);
  });

  it('unsafe requests with the cookie need the X-CSRF-Token of that session', async () => {
    const name = `test-ingest session-csrf ${randomUUID().slice(0, 8)}`;
    for (const token of [undefined, '', boundCsrf, `${adminCsrf}x`]) {
      const req = request(t.http).post('/v1/projects').set('Cookie', adminCookie);
      if (token !== undefined) req.set('X-CSRF-Token', token);
      const res = await req.send({ name }).expect(403);
      expect(res.body.message).toBe('CSRF token missing or invalid');
    }
    expect((await t.db.query(`SELECT count(*)::int AS n FROM projects WHERE name = $1`, [name]))[0].n).toBe(0);
    const ok = await request(t.http).post('/v1/projects').set('Cookie', adminCookie).set('X-CSRF-Token', adminCsrf).send({ name }).expect(201);
    projectIds.push(ok.body.id);
    // A header key needs no CSRF token (no browser sends it on its own), and wins over the cookie.
    await request(t.http).get(`/v1/projects/${b.projectUuid}`).set('Cookie', boundCookie).set('X-API-Key', ADMIN).expect(200);
    await request(t.http).get(`/v1/projects/${a.projectUuid}`).set('Cookie', adminCookie).set('X-API-Key', `${ADMIN}x`).expect(401);
  });

  it('refuses a request with the cookie whose Origin is another host, even with the token', async () => {
    for (const origin of ['http://evil.example', 'null']) {
      const get = await request(t.http).get(`/v1/projects/${a.projectUuid}`).set('Cookie', adminCookie).set('Origin', origin).expect(403);
      expect(get.body.message).toMatch(/Origin/);
      await request(t.http)
        .delete(`/v1/projects/${a.projectUuid}`)
        .set('Cookie', adminCookie)
        .set('X-CSRF-Token', adminCsrf)
        .set('Origin', origin)
        .expect(403);
    }
    await request(t.http)
      .get(`/v1/projects/${a.projectUuid}`)
      .set('Cookie', adminCookie)
      .set('Host', 'casegraph.test:3000')
      .set('Origin', 'http://casegraph.test:3000')
      .expect(200);
  });

  it('refuses a tampered, forged or expired cookie (401)', async () => {
    const value = adminCookie.slice(SESSION_COOKIE.length + 1);
    const [v, id, exp, nonce, mac] = value.split('.');
    const boundId = new ApiKeyRing([{ key: BOUND, projectUuid: null }]).match(BOUND)!.keyId!;
    const later = String(Number(exp) + 86_400);
    for (const bad of [`${v}.${id}.${later}.${nonce}.${mac}`, `${v}.${boundId}.${exp}.${nonce}.${mac}`, `${value.slice(0, -2)}AA`, 'garbage']) {
      const res = await request(t.http).get(`/v1/projects/${a.projectUuid}`).set('Cookie', `${SESSION_COOKIE}=${bad}`).expect(401);
      expect(res.body.message).toMatch(/Session expired or invalid/);
    }
    // Correctly signed with the key's secret, but its expiry has passed.
    const ring = new ApiKeyRing([{ key: ADMIN, name: 'alice', projectUuid: null }]);
    const expired = issueSession(ring.byKeyId(ring.match(ADMIN)!.keyId!)!, Math.floor(Date.now() / 1000) - 1).value;
    await request(t.http).get(`/v1/projects/${a.projectUuid}`).set('Cookie', `${SESSION_COOKIE}=${expired}`).expect(401);
    const fresh = issueSession(ring.byKeyId(ring.match(ADMIN)!.keyId!)!, Math.floor(Date.now() / 1000) + 600).value;
    await request(t.http).get(`/v1/projects/${a.projectUuid}`).set('Cookie', `${SESSION_COOKIE}=${fresh}`).expect(200);
  });

  it("a bound key's cookie reaches only its project: project, document, file, entity, graph and search routes", async () => {
    const listed = await request(t.http).get('/v1/projects').set('Cookie', boundCookie).expect(200);
    expect(listed.body.items.map((p: { projectUuid: string }) => p.projectUuid)).toEqual([a.projectUuid]);
    for (const path of [
      `/v1/projects/${b.projectUuid}`,
      `/v1/projects/${b.projectUuid}/documents`,
      `/v1/documents/${docB}`,
      `/v1/documents/${docB}/file`,
      `/v1/documents/${docB}/text`,
      `/v1/projects/${b.projectUuid}/entities`,
      `/v1/projects/${b.projectUuid}/graph`,
      `/v1/projects/${b.projectUuid}/search?q=mandamus`,
    ]) {
      const res = await request(t.http).get(path).set('Cookie', boundCookie);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    // With the CSRF token too: the token proves the page, not a wider scope.
    await request(t.http).delete(`/v1/documents/${docB}`).set('Cookie', boundCookie).set('X-CSRF-Token', boundCsrf).expect(403);
    await request(t.http)
      .post(`/v1/projects/${b.projectUuid}/documents`)
      .set('Cookie', boundCookie)
      .set('X-CSRF-Token', boundCsrf)
      .attach('files', Buffer.from('hello'), 'a.txt')
      .expect(403);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE document_uuid = $1`, [docB]))[0].n).toBe(1);
  });

  it("opens the queue dashboard with an unbound key's cookie; its writes need an Origin of this host", async () => {
    expect((await request(t.http).get('/admin/queues').set('Cookie', adminCookie)).status).toBe(200);
    expect((await request(t.http).get('/admin/queues/api/queues').set('Cookie', adminCookie)).status).toBe(200);
    expect((await request(t.http).get('/admin/queues').set('Cookie', boundCookie)).status).toBe(403);
    expect((await request(t.http).get('/admin/queues').set('Cookie', `${adminCookie}x`)).status).toBe(401);
    // This app's private queue (its own Bull prefix): resuming a running queue changes nothing.
    const resume = () => request(t.http).put('/admin/queues/api/queues/ocr/resume').set('Cookie', adminCookie).set('Host', 'casegraph.test');
    expect((await resume()).status).toBe(401);
    expect((await resume().set('Origin', 'http://evil.example')).status).toBe(401);
    expect((await resume().set('Origin', 'http://casegraph.test')).status).toBe(200);
  });

  it('DELETE /v1/session clears the cookie', async () => {
    const res = await request(t.http).delete('/v1/session').set('Cookie', adminCookie).expect(204);
    const set = ([] as string[]).concat(res.headers['set-cookie']);
    expect(set).toHaveLength(1);
    expect(set[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
    expect(set[0]).toContain('Max-Age=0');
    expect(set[0]).toContain('HttpOnly');
  });

  it('another replica with the same keys accepts the cookie; an app whose keys no longer include the key refuses it', async () => {
    const replica = await createTestApp({ CASEGRAPH_API_KEYS: `alice=${ADMIN},${BOUND}:${a.projectUuid}` });
    try {
      await request(replica.http).get(`/v1/projects/${a.projectUuid}`).set('Cookie', adminCookie).expect(200);
    } finally {
      await replica.close();
    }
    const removed = await createTestApp({ CASEGRAPH_API_KEYS: `${BOUND}:${a.projectUuid}` });
    try {
      await request(removed.http).get(`/v1/projects/${a.projectUuid}`).set('Cookie', adminCookie).expect(401);
      await request(removed.http).get('/v1/session').set('Cookie', adminCookie).expect(401);
      await request(removed.http).get(`/v1/projects/${a.projectUuid}`).set('Cookie', boundCookie).expect(200);
    } finally {
      await removed.close();
    }
  });

  it(`after ${LOGIN_FAILURES_PER_WINDOW} failed logins from one address, logins from it answer 429 (the right key too)`, async () => {
    // An app of its own: its failure counts start at zero.
    const other = await createTestApp({ CASEGRAPH_API_KEYS: ADMIN });
    try {
      for (let i = 0; i < LOGIN_FAILURES_PER_WINDOW; i++) {
        await request(other.http)
          .post('/v1/session')
          .send({ key: `wrong-${i}` })
          .expect(401);
      }
      await request(other.http).post('/v1/session').send({ key: 'wrong-again' }).expect(429);
      const res = await request(other.http).post('/v1/session').send({ key: ADMIN }).expect(429);
      expect(res.headers['set-cookie']).toBeUndefined();
      // The API itself is not locked: a header key still works.
      await request(other.http).get('/v1/projects').set('X-API-Key', ADMIN).expect(200);
    } finally {
      await other.close();
    }
  });

  it('the API in another letter case (/V1/...) needs the key too: Express routes it to the same handlers', async () => {
    const projectUuid = randomUUID();
    await request(t.http)
      .post('/V1/projects')
      .send({ name: `upper-case ${projectUuid}` })
      .expect(401);
    await request(t.http).get('/V1/projects').expect(401);
    await request(t.http).delete(`/V1/projects/${projectUuid}?confirm=${projectUuid}`).expect(401);
    await request(t.http)
      .post(`/v1/PROJECTS/${projectUuid}/search/batch`)
      .send({ terms: ['x'] })
      .expect(401);
    const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM projects WHERE name = $1`, [`upper-case ${projectUuid}`]);
    expect(n).toBe(0);
  });

  it('open mode (no CASEGRAPH_API_KEYS): the session routes answer mode open and set no cookie', async () => {
    const open = await createTestApp();
    try {
      const body = { mode: 'open', keyName: 'open', projectUuid: null, csrfToken: null };
      const login = await request(open.http).post('/v1/session').send({ key: 'anything' }).expect(200);
      expect(login.body).toEqual(body);
      expect(login.headers['set-cookie']).toBeUndefined();
      expect((await request(open.http).get('/v1/session').expect(200)).body).toEqual(body);
      await request(open.http).delete('/v1/session').expect(204);
    } finally {
      await open.close();
    }
  });
  it('behind TRUST_PROXY=1 an https ingress makes the cookie Secure; with the default 0 a forged header changes nothing', async () => {
    const proxied = await createTestApp({ CASEGRAPH_API_KEYS: ADMIN, TRUST_PROXY: '1' });
    const direct = await createTestApp({ CASEGRAPH_API_KEYS: ADMIN });
    try {
      const attrs = async (app: TestApp) => {
        const res = await request(app.http).post('/v1/session').set('X-Forwarded-Proto', 'https').send({ key: ADMIN }).expect(200);
        return (res.headers['set-cookie'] as unknown as string[])[0].split(';').map((a) => a.trim());
      };
      expect(await attrs(proxied)).toContain('Secure');
      expect(await attrs(direct)).not.toContain('Secure');
    } finally {
      await Promise.all([proxied.close(), direct.close()]);
    }
  });
});
