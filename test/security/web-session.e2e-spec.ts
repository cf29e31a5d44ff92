/**
 * A browser session leaves no key in any log line. The real ingest-api runs as a child process from its main.ts
 * (pino JSON on stdout, LOG_LEVEL=trace so every line that exists is written); a browser's whole session is
 * played against it (wrong and right logins, the page and its assets, reads and a write with the cookie, refused
 * requests, logout), then every byte the process wrote is searched.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { SpawnedApp, freePort, spawnApp, waitFor } from '@casegraph/testing';

jest.setTimeout(180_000);

const KEY = `sk-web-${randomUUID()}`;
const WRONG = `sk-web-wrong-${randomUUID()}`;

describe('a browser session writes no key to the logs', () => {
  let api: string;
  let app: SpawnedApp;
  let db: DataSource;
  let logs = '';
  let cookieMac = '';
  let csrfToken = '';
  const projectIds: number[] = [];

  beforeAll(async () => {
    db = new DataSource(dataSourceOptions(process.env.DATABASE_URL!, ENTITIES, MIGRATIONS, { poolSize: 1 }));
    await db.initialize();
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    app = await spawnApp({
      app: 'ingest-api',
      env: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'trace',
        PORT: String(port),
        CASEGRAPH_API_KEYS: `web-user=${KEY}`,
        BULL_PREFIX: `bull-test-websess-${randomUUID().slice(0, 8)}`,
        RECONCILE_INTERVAL_SECONDS: '0',
        SWEEP_INTERVAL_SECONDS: '0',
        HEALTH_PORT: '0',
        SHUTDOWN_GRACE_MS: '3000',
      },
    });
    await waitFor(
      async () =>
        (
          await request(api)
            .get('/health/ready')
            .catch(() => ({ status: 0 }))
        ).status === 200,
      {
        timeoutMs: 90_000,
        intervalMs: 250,
        what: 'ingest-api ready',
        abort: () => (app.running() ? undefined : `ingest-api exited:\n${app.output().slice(-3000)}`),
      },
    );

    await request(api).post('/v1/session').send({ key: WRONG }).expect(401);
    await request(api).post('/v1/session').set('Origin', 'http://evil.example').send({ key: KEY }).expect(403);
    const login = await request(api).post('/v1/session').send({ key: KEY }).expect(200);
    const cookie = ([] as string[]).concat(login.headers['set-cookie'])[0].split(';')[0];
    cookieMac = cookie.split('.').pop()!;
    csrfToken = login.body.csrfToken;
    await request(api)
      .get('/')
      .expect((r) => expect([200, 503]).toContain(r.status)); // 503 when this checkout has no web build
    await request(api).get('/v1/session').set('Cookie', cookie).expect(200);
    await request(api).get('/v1/projects').set('Cookie', cookie).expect(200);
    const created = await request(api)
      .post('/v1/projects')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrfToken)
      .send({ name: `test-ingest web-session ${randomUUID().slice(0, 8)}` })
      .expect(201);
    projectIds.push(created.body.id);
    await request(api).post('/v1/projects').set('Cookie', cookie).send({ name: 'refused' }).expect(403);
    await request(api).get('/v1/projects').set('Cookie', `${cookie}x`).expect(401);
    await request(api).delete('/v1/session').set('Cookie', cookie).set('X-CSRF-Token', csrfToken).expect(204);

    app.signal('SIGTERM');
    await app.exited;
    logs = app.output();
  });

  afterAll(async () => {
    if (app?.running()) await app.stop(10_000);
    if (db?.isInitialized) {
      if (projectIds.length) await db.query(`DELETE FROM projects WHERE id = ANY($1::int[]) AND name LIKE 'test-ingest%'`, [projectIds]);
      await db.destroy();
    }
  });

  it('logs the requests, but neither the key nor a wrong one', () => {
    expect(logs).toMatch(/"url":"\/v1\/session"/);
    for (const secret of [KEY, WRONG]) {
      const at = logs.indexOf(secret);
      expect({ secret, found: at >= 0 ? logs.slice(Math.max(0, at - 300), at + 100) : null }).toEqual({ secret, found: null });
    }
    expect(logs).not.toContain(csrfToken);
  });

  // pino-http writes the response headers, Set-Cookie included, on every "request completed" line: the session
  // cookie is a credential until it expires. Needs 'res.headers["set-cookie"]' in REDACTED_PATHS
  // (libs/platform/src/logging/logging.module.ts, not this suite's owner's file); then make this an it().
  it('logs no session cookie', () => {
    expect(logs).not.toContain(cookieMac);
  });
});
