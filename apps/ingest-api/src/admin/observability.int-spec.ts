/**
 * The API's operational surface on the real AppModule: Bull Board behind the API key,
 * HTTP and queue metrics on /metrics, and readiness that reports Redis without
 * failing on it.
 */
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:net';
import { TestApp, createTestApp } from '../testing/test-app';

jest.setTimeout(60_000);

const KEY = `admin-key-${randomUUID()}`;
const BOUND = `bound-key-${randomUUID()}`;

describe('ingest-api observability', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ CASEGRAPH_API_KEYS: `${KEY},${BOUND}:${randomUUID()}` });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('/admin/queues', () => {
    it('refuses a request without a key (401, with a Basic challenge for browsers)', async () => {
      const res = await request(t.http).get('/admin/queues');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
      expect(JSON.stringify(res.body)).not.toContain('ocr');
    });

    it('refuses a wrong key, and the dashboard API below the route too', async () => {
      expect((await request(t.http).get('/admin/queues').set('Authorization', 'Bearer nope')).status).toBe(401);
      expect((await request(t.http).get('/admin/queues/api/queues')).status).toBe(401);
    });

    it('refuses a key bound to one project (the board shows every project)', async () => {
      expect((await request(t.http).get('/admin/queues').set('X-API-Key', BOUND)).status).toBe(403);
    });

    it('serves the board with the key (Bearer, X-API-Key or Basic password)', async () => {
      const page = await request(t.http).get('/admin/queues').set('Authorization', `Bearer ${KEY}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<html');
      const basic = await request(t.http).get('/admin/queues').auth('admin', KEY);
      expect(basic.status).toBe(200);
      const api = await request(t.http).get('/admin/queues/api/queues').set('X-API-Key', KEY);
      expect(api.status).toBe(200);
      const names = (api.body.queues as Array<{ name: string }>).map((q) => q.name).sort();
      expect(names).toEqual(['graph', 'ocr']);
    });
  });

  describe('/metrics', () => {
    it('has request durations by route template and status, and queue depth per queue and state', async () => {
      const projectUuid = randomUUID();
      await request(t.http).get(`/v1/projects/${projectUuid}`).set('X-API-Key', KEY);
      await request(t.http).get(`/v1/no-such-route-${randomUUID()}`);
      const body = (await request(t.http).get('/metrics')).text;
      expect(body).toMatch(/casegraph_http_request_duration_seconds_count\{method="GET",route="\/v1\/projects\/:projectUuid",status="404"\} \d+/);
      expect(body).toMatch(/casegraph_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} \d+/);
      expect(body).not.toContain(projectUuid);
      for (const queue of ['ocr', 'graph']) {
        for (const state of ['waiting', 'active', 'delayed', 'failed']) {
          expect(body).toMatch(new RegExp(`casegraph_queue_jobs\\{queue="${queue}",state="${state}"\\} \\d+`));
        }
      }
    });

    it('counts waiting jobs of this app’s queues', async () => {
      await t.ocrQueue.add('probe', { documentUuid: randomUUID() }, { delay: 60_000 });
      const body = (await request(t.http).get('/metrics')).text;
      // Several test apps may share this process: at least our delayed job is counted.
      const m = /casegraph_queue_jobs\{queue="ocr",state="delayed"\} (\d+)/.exec(body);
      expect(Number(m?.[1])).toBeGreaterThanOrEqual(1);
    });
  });

  it('/health/ready reports Redis and stays ready', async () => {
    const res = await request(t.http).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.details.redis).toMatchObject({ status: 'up', reachable: true, required: false });
    expect(res.body.details.database.status).toBe('up');
  });
});

describe('ingest-api readiness during a Redis outage', () => {
  let t: TestApp | undefined;
  let hung: Server | undefined;

  afterAll(async () => {
    await t?.close();
    hung?.close();
  });

  it('stays 200 with Redis reported unreachable, and /metrics still answers', async () => {
    // A port where nothing listens: every Redis connection of the app fails.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    const res = await request(t.http).get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.details.redis).toMatchObject({ status: 'up', reachable: false, required: false });
    // The failure counter is written while the depth gauge is collected: the next scrape shows it.
    expect((await request(t.http).get('/metrics')).status).toBe(200);
    const metrics = await request(t.http).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).not.toMatch(/casegraph_queue_jobs\{queue="ocr"/);
    expect(metrics.text).toMatch(/casegraph_queue_depth_scrape_failures_total\{queue="ocr"\} [1-9]/);
  });
});
