/**
 * The web app served by the real API (WebModule's middleware in the real AppModule), from a build of its own
 * (tools/build-web.js into a temporary folder, WEB_DIST_DIR pointing at it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { REPO_ROOT } from '@casegraph/testing';
import { createTestApp, TestApp } from '../testing/test-app';
import { NOT_BUILT_MESSAGE, WEB_SECURITY_HEADERS, webDistCandidates } from './web-app';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- tools/build-web.js is plain CommonJS, outside the TS program
const { buildWeb } = require(join(REPO_ROOT, 'tools', 'build-web.js')) as {
  buildWeb(o: { outDir: string; minify?: boolean }): Promise<{ files: string[] }>;
};

jest.setTimeout(120_000);

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; " +
  "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const expectWebHeaders = (res: request.Response) => {
  expect(res.headers['content-security-policy']).toBe(CSP);
  expect(res.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  });
};

describe('the web app at /', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'casegraph-web-'));
  let t: TestApp;
  let files: string[];

  beforeAll(async () => {
    files = (await buildWeb({ outDir, minify: false })).files;
    t = await createTestApp({ WEB_DIST_DIR: outDir, CASEGRAPH_API_KEYS: 'web-spec-key' });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('answers / and every app route with index.html (no-cache) under the CSP, without a key', async () => {
    for (const path of ['/', '/projects/x/search?q=a', '/projects/3f1e2b8c-1111-4222-8333-444455556666/documents/d?page=2', '/ui']) {
      const res = await request(t.http).get(path).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toContain('<div id="root"></div>');
      expect(res.text).toMatch(/<script type="module" src="\/assets\/app-[A-Z0-9]{8}\.js"><\/script>/);
      expectWebHeaders(res);
    }
    expect(WEB_SECURITY_HEADERS['Content-Security-Policy']).toBe(CSP);
    const head = await request(t.http).head('/projects/x').expect(200);
    expect(head.headers['content-type']).toMatch(/^text\/html/);
  });

  it('serves hashed assets as immutable, the unhashed PDF.js worker revalidated, and 404 for anything else under /assets', async () => {
    const js = files.find((f) => /^assets\/app-[A-Z0-9]{8}\.js$/.test(f))!;
    const css = files.find((f) => /^assets\/app-[A-Z0-9]{8}\.css$/.test(f))!;
    const jsRes = await request(t.http).get(`/${js}`).expect(200);
    expect(jsRes.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(jsRes.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expectWebHeaders(jsRes);
    expect((await request(t.http).get(`/${css}`).expect(200)).headers['content-type']).toMatch(/^text\/css/);
    const worker = await request(t.http).get('/assets/pdf.worker.min.mjs').expect(200);
    expect(worker.headers['content-type']).toMatch(/javascript/);
    expect(worker.headers['cache-control']).toBe('no-cache');
    for (const path of ['/assets/nope.js', '/assets/', '/assets', '/assets/..%2findex.html', '/assets/.hidden', '/assets/sub/app.js']) {
      const res = await request(t.http).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.text).not.toContain('<div id="root">');
      expectWebHeaders(res);
    }
  });

  it('leaves the API, its docs, probes and the dashboard as they were', async () => {
    const unknown = await request(t.http).get('/v1/unknown').set('X-API-Key', 'web-spec-key').expect(404);
    expect(unknown.headers['content-type']).toMatch(/json/);
    expect(unknown.body).toMatchObject({ statusCode: 404 });
    expect(unknown.headers['content-security-policy']).toBeUndefined();
    await request(t.http).get('/v1').set('X-API-Key', 'web-spec-key').expect(404);
    const docs = await request(t.http).get('/docs/').expect(200);
    expect(docs.text).toContain('swagger');
    const json = await request(t.http).get('/docs-json').expect(200);
    expect(json.body.paths['/v1/session']).toBeDefined();
    await request(t.http).get('/health/live').expect(200);
    expect((await request(t.http).get('/metrics').expect(200)).text).toContain('# HELP');
    await request(t.http).get('/admin/queues').expect(401);
    // Only GET and HEAD are the app's: other methods keep the API's JSON 404.
    const post = await request(t.http).post('/projects/x').send({}).expect(404);
    expect(post.headers['content-type']).toMatch(/json/);
  });

  it('answers 503 naming npm run build when the build is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'casegraph-web-none-'));
    const bare = await createTestApp({ WEB_DIST_DIR: empty });
    try {
      const res = await request(bare.http).get('/projects/x').expect(503);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toBe(NOT_BUILT_MESSAGE);
      expect(res.text).toContain('npm run build');
      expectWebHeaders(res);
      await request(bare.http).get('/assets/app.js').expect(404);
      await request(bare.http).get('/health/live').expect(200);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('finds dist/apps/web beside the bundle, from the sources, or from the working directory', () => {
    expect(webDistCandidates(null, '/srv/app/dist/apps/ingest-api', '/cwd')).toEqual([
      '/srv/app/dist/apps/web',
      '/srv/dist/apps/web',
      '/cwd/dist/apps/web',
    ]);
    expect(webDistCandidates(null, '/repo/apps/ingest-api/src/web', '/cwd')[1]).toBe('/repo/dist/apps/web');
    expect(webDistCandidates('/x/web', '/anything')).toEqual(['/x/web']);
  });
});
