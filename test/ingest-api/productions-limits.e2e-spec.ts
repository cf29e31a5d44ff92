/**
 * Production import limits: an image over MAX_FILE_MB is reported (its record unreadable, the rest imported), too
 * many images or a body over PRODUCTION_MAX_TOTAL_MB is refused with 413 and nothing kept, a record over
 * PRODUCTION_MAX_PAGES is reported, an image over PRODUCTION_MAX_IMAGE_PIXELS is reported. Real API, PostgreSQL, Redis.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import request from 'supertest';
import sharp from 'sharp';
import { BuiltProduction, buildProduction } from '@casegraph/formats/testing';
import { StorageService } from '@casegraph/storage';
import { cleanupTestData, createTestApp, TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { createProject, filesUnder } from '../../apps/ingest-api/src/testing/helpers';

jest.setTimeout(60_000);

const prefix = () =>
  Array.from(randomBytes(5))
    .map((b) => String.fromCharCode(65 + (b % 26)))
    .join('');

type Req = ReturnType<ReturnType<typeof request>['post']>;
function attach(req: Req, p: BuiltProduction): Req {
  let r = req.attach('loadFile', p.dat, 'P.dat').attach('images', p.opt, 'P.opt');
  for (const im of p.images) r = r.attach('files', im.bytes, { filepath: im.path, contentType: 'image/tiff' } as never);
  return r;
}

describe('production import limits', () => {
  let t: TestApp;
  const projectIds: number[] = [];
  const LIMITS = { PRODUCTION_MAX_FILES: '4', PRODUCTION_MAX_PAGES: '3', PRODUCTION_MAX_IMAGE_PIXELS: '2000000', PRODUCTION_MAX_TOTAL_MB: '2' };

  beforeAll(async () => {
    // The production limits are part of the API's validated config, like MAX_FILE_MB.
    t = await createTestApp({ MAX_FILE_MB: '0.05', ...LIMITS });
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    await t?.close();
  });

  const post = (projectUuid: string) => request(t.http).post(`/v1/projects/${projectUuid}/productions`);

  it('reports an image over MAX_FILE_MB, a record over PRODUCTION_MAX_PAGES and an image over the pixel limit; imports the rest', async () => {
    const project = await createProject(t, projectIds, 'prod-limits');
    const prod = await buildProduction({
      prefix: prefix(),
      start: 1,
      records: [{ pages: [[`ok ${randomUUID()}`]] }, { pages: [['big']] }, { pages: [['a'], ['b'], ['c'], ['d']] }, { pages: [['huge']] }],
    });
    // Record 1: an image over 50 KiB (noise does not compress).
    const big = prod.images[1];
    big.bytes = Buffer.concat([big.bytes, randomBytes(80 * 1024)]);
    // Record 3: 2000 × 2000 pixels, over 2 000 000.
    const huge = prod.images.at(-1)!;
    huge.bytes = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: { r: 255, g: 255, b: 255 } } })
      .tiff({ compression: 'ccittfax4', bitdepth: 1 })
      .toColourspace('b-w')
      .toBuffer();
    // Record 2's four images would exceed PRODUCTION_MAX_FILES (4) with the others: send only its first.
    const sent = { ...prod, images: prod.images.filter((im, i) => i < 3 || i === prod.images.length - 1) };
    const res = await attach(post(project.projectUuid), sent).expect(202);
    const b = prod.bates;
    expect(res.body.documents.map((d: { begBates: string }) => d.begBates)).toEqual([b[0][0]]);
    expect(res.body.unreadable).toEqual([
      { line: 4, source: 'dat', reason: `${b[2][0]} has 4 pages, more than PRODUCTION_MAX_PAGES (3)` },
      { line: 2, source: 'image', reason: `${b[1][0]}: the image IMAGES/0001/${b[1][0]}.tif is larger than MAX_FILE_MB (0.05 MiB)` },
      { line: 7, source: 'image', reason: `${b[3][0]}: IMAGES/0001/${b[3][0]}.tif is 2000×2000 pixels, more than 2000000` },
    ]);
    expect((await filesUnder(t.storageDir)).filter((f) => f.includes(project.projectUuid))).toHaveLength(1);
  });

  it('refuses more images than PRODUCTION_MAX_FILES with 413 and keeps nothing', async () => {
    const project = await createProject(t, projectIds, 'prod-files');
    const prod = await buildProduction({ prefix: prefix(), start: 1, records: [{ pages: [['a'], ['b'], ['c']] }, { pages: [['d'], ['e']] }] });
    const res = await attach(post(project.projectUuid), prod).expect(413);
    expect(res.body.message).toMatch(/Too many (files|parts)/);
    const n = await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [project.id]);
    expect(n[0].n).toBe(0);
    expect((await filesUnder(t.storageDir)).filter((f) => f.includes(project.projectUuid))).toEqual([]);
  });

  it('refuses a body over PRODUCTION_MAX_TOTAL_MB with 413 and keeps nothing', async () => {
    const project = await createProject(t, projectIds, 'prod-total');
    const prod = await buildProduction({ prefix: prefix(), start: 1, records: [{ pages: [['a']] }] });
    const res = await post(project.projectUuid)
      .attach('loadFile', prod.dat, 'P.dat')
      .attach('images', Buffer.concat([prod.opt, Buffer.from(`\r\n${'X'.repeat(3 * 1024 * 1024)}`)]), 'P.opt');
    expect(res.status).toBe(413);
    const n = await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [project.id]);
    expect(n[0].n).toBe(0);
  });

  it('an upload aborted mid-image leaves no temp folder, no rows and a working API', async () => {
    const project = await createProject(t, projectIds, 'prod-abort');
    const tempsBefore = (await readdir(tmpdir())).filter((n) => n.startsWith('casegraph-production-')).length;
    const boundary = `----h6${randomUUID()}`;
    const prod = await buildProduction({ prefix: prefix(), start: 1, records: [{ pages: [['a']] }] });
    const part = (name: string, filename: string, bytes: Buffer) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        ),
        bytes,
        Buffer.from('\r\n'),
      ]);
    const head = Buffer.concat([
      part('loadFile', 'P.dat', prod.dat),
      part('images', 'P.opt', prod.opt),
      part('files', prod.images[0].path, prod.images[0].bytes.subarray(0, 100)),
    ]);
    const addr = await new Promise<AddressInfo>((resolve) => {
      const server = t.app.getHttpServer();
      if (server.listening) resolve(server.address() as AddressInfo);
      else server.listen(0, '127.0.0.1', () => resolve(server.address() as AddressInfo));
    });
    await new Promise<void>((resolve) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port: addr.port,
        method: 'POST',
        path: `/v1/projects/${project.projectUuid}/productions`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + 100_000) },
      });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      req.write(head, () => setImmediate(() => req.destroy()));
    });
    // The API still answers, and the aborted request left nothing behind once it settled.
    await request(t.http).get(`/v1/projects/${project.projectUuid}/bates/ABC000001`).expect(404);
    const n = await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [project.id]);
    expect(n[0].n).toBe(0);
    let temps = -1;
    for (let i = 0; i < 100 && temps !== tempsBefore; i++) {
      temps = (await readdir(tmpdir())).filter((x) => x.startsWith('casegraph-production-')).length;
      if (temps !== tempsBefore) await new Promise((r) => setTimeout(r, 50));
    }
    expect(temps).toBe(tempsBefore);
  });

  it('a storage failure midway stores nothing: the PDFs already stored are deleted, 503, no rows', async () => {
    const project = await createProject(t, projectIds, 'prod-storage');
    const prod = await buildProduction({
      prefix: prefix(),
      start: 1,
      records: [{ pages: [[`one ${randomUUID()}`]] }, { pages: [[`two ${randomUUID()}`]] }],
    });
    const storage = t.app.get(StorageService);
    const real = storage.put.bind(storage);
    let calls = 0;
    // Storage (not SQL or Redis) fails on the second record's PDF.
    const spy = jest.spyOn(storage, 'put').mockImplementation((key, body, opts) => {
      if (++calls === 2) {
        body.resume();
        return Promise.reject(new Error('disk on fire'));
      }
      return real(key, body, opts);
    });
    try {
      const res = await attach(post(project.projectUuid), prod).expect(503);
      expect(res.body.message).toMatch(/nothing was stored/);
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBe(2);
    const n = await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [project.id]);
    expect(n[0].n).toBe(0);
    expect((await filesUnder(t.storageDir)).filter((f) => f.includes(project.projectUuid))).toEqual([]);
  });
});
