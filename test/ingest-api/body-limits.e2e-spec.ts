import request from 'supertest';
import { cleanupTestData, createTestApp, TestApp, uniqueName } from '../../apps/ingest-api/src/testing/test-app';
import { createProject, footprint } from '../../apps/ingest-api/src/testing/helpers';

/**
 * Every JSON body is bounded before the ValidationPipe sees it: nesting depth (JSON_MAX_DEPTH, 400) and size
 * (JSON_BODY_LIMIT_KB, 413). Found when the API was attacked from outside: a manifest whose `documents` was an
 * array nested 5,000 deep overflowed the stack in the validation pipe (a 500 on every such request).
 */
const deepArray = (n: number, inner = '') => `${'['.repeat(n)}${inner}${']'.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const DEPTH_MESSAGE = 'JSON body nested deeper than 32 levels (JSON_MAX_DEPTH)';

function expectError(res: request.Response, status: number, message: string | RegExp): void {
  expect(res.type).toBe('application/json');
  expect(res.body).toMatchObject({
    statusCode: status,
    error: expect.any(String),
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
  expect(res.status).toBe(status);
}

describe('JSON body depth and size limits (every JSON route)', () => {
  let t: TestApp;
  const projectIds: number[] = [];
  let p: { id: number; projectUuid: string };

  beforeAll(async () => {
    t = await createTestApp({ JSON_BODY_LIMIT_KB: '64' });
    p = await createProject(t, projectIds, 'limits');
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    await t?.close();
  });

  const post = (path: string, body: string, type = 'application/json') => request(t.http).post(path).set('Content-Type', type).send(body);

  it('a manifest whose documents is an array nested 5,000 deep → 400 naming the limit (was a 500), nothing written', async () => {
    const before = await footprint(t, p.id);
    const res = await post('/v1/batches', `{"projectUuid":"${p.projectUuid}","documents":${deepArray(5000)}}`);
    expectError(res, 400, DEPTH_MESSAGE);
    expect(await footprint(t, p.id)).toEqual(before);
    // The process is fine afterwards: a good manifest still goes through.
    const ok = await post(
      '/v1/batches',
      JSON.stringify({ projectUuid: p.projectUuid, documents: [{ filename: 'a.pdf', s3Bucket: 'limits-bucket', s3Key: 'limits/a.pdf' }] }),
    );
    expect(ok.status).toBe(202);
  });

  it.each([
    ['POST /v1/projects, an object 5,000 deep', '/v1/projects', deepObject(5000)],
    ['POST /v1/projects, an array 33 deep (one past the limit)', '/v1/projects', deepArray(33)],
    ['POST /v1/batches, an object 5,000 deep inside a document', '/v1/batches', `{"documents":[${deepObject(5000)}]}`],
    ['POST /v1/documents/:uuid/retry (no body DTO), 5,000 deep', '/v1/documents/00000000-0000-4000-8000-000000000000/retry', deepArray(5000)],
    ['POST /v1/batches, deep but malformed (never closed)', '/v1/batches', '['.repeat(5000)],
  ])('%s → 400 naming the limit', async (_what, path, body) => {
    expectError(await post(path, body), 400, DEPTH_MESSAGE);
  });

  it('exactly at the limit the body reaches validation (its own 400), and brackets inside strings do not count', async () => {
    const atLimit = await post('/v1/batches', `{"projectUuid":"${p.projectUuid}","documents":${deepArray(31)}}`);
    expectError(atLimit, 400, 'Validation failed: documents[0] must be a JSON object');
    const name = `${uniqueName('limits')} ${'[{'.repeat(100)}`;
    const created = await post('/v1/projects', JSON.stringify({ name }));
    expect(created.status).toBe(201);
    projectIds.push(created.body.id);
    expect(created.body.name).toBe(name);
  });

  it('documents holding arrays instead of objects ([[]], [[doc]]) → 400, not a 500 in the service (class-validator walks into them)', async () => {
    const before = await footprint(t, p.id);
    const doc = { filename: 'a.pdf', s3Bucket: 'limits-bucket', s3Key: 'limits/b.pdf' };
    for (const [documents, i] of [
      [[[]], 0],
      [[[doc]], 0],
      [[doc, [doc]], 1],
      [[[[doc]]], 0],
    ] as const) {
      const res = await post('/v1/batches', JSON.stringify({ projectUuid: p.projectUuid, documents }));
      expectError(res, 400, `Validation failed: documents[${i}] must be a JSON object`);
      expect(res.body.errors).toEqual([{ field: 'documents', messages: [`documents[${i}] must be a JSON object`] }]);
    }
    expect(await footprint(t, p.id)).toEqual(before);
  });

  it('a body over JSON_BODY_LIMIT_KB → 413 naming the limit, before any depth scan', async () => {
    const big = JSON.stringify({ name: uniqueName('x'.repeat(65 * 1024)) });
    expectError(await post('/v1/projects', big), 413, 'Body larger than the limit of 64 KiB (65536 bytes)');
    expectError(await post('/v1/batches', deepArray(40 * 1024)), 413, 'Body larger than the limit of 64 KiB (65536 bytes)');
  });
});

describe('JSON_MAX_DEPTH at its largest allowed value (512)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ JSON_MAX_DEPTH: '512' });
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, []);
    await t?.close();
  });

  it('a manifest nested 512 deep is refused by validation (400, not a stack overflow) and 513 by the depth limit', async () => {
    const uuid = '00000000-0000-4000-8000-000000000000';
    for (const inner of ['', '{}', '{"filename":"a.pdf"}']) {
      const res = await request(t.http)
        .post('/v1/batches')
        .set('Content-Type', 'application/json')
        .send(`{"projectUuid":"${uuid}","documents":${deepArray(511 - (inner ? 1 : 0), inner)}}`);
      expect(res.status).toBe(400);
      expect(res.body.message).not.toContain('nested deeper');
    }
    const res = await request(t.http)
      .post('/v1/batches')
      .set('Content-Type', 'application/json')
      .send(`{"documents":${deepArray(512)}}`);
    expectError(res, 400, 'JSON body nested deeper than 512 levels (JSON_MAX_DEPTH)');
  });
});
