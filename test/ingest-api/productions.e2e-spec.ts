/**
 * Production import through the API: a DAT/OPT/TIFF production built by the test (buildProduction) posted to
 * POST /v1/projects/:projectUuid/productions; documents created with their load-file metadata, page counts and
 * occurrences, OCR enqueued, unreadable records reported with their lines, duplicates across custodians kept once,
 * Bates lookups, and a bound API key kept to its project. Real PostgreSQL, Redis and the ingest AppModule.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import request from 'supertest';
import { documentJobId } from '@casegraph/contracts';
import { BuiltProduction, buildProduction } from '@casegraph/formats/testing';
import { cleanupTestData, createTestApp, TestApp, uniqueName } from '../../apps/ingest-api/src/testing/test-app';
import { createProject, filesUnder } from '../../apps/ingest-api/src/testing/helpers';
import { ingestMetrics } from '../../apps/ingest-api/src/metrics';

/** A prefix no other run uses (letters only). */
const prefix = () =>
  Array.from(randomBytes(5))
    .map((b) => String.fromCharCode(65 + (b % 26)))
    .join('');

jest.setTimeout(60_000);

type Req = ReturnType<ReturnType<typeof request>['post']>;

function attachProduction(req: Req, p: BuiltProduction, skip: string[] = []): Req {
  let r = req.attach('loadFile', p.dat, 'PROD.dat').attach('images', p.opt, 'PROD.opt');
  for (const im of p.images) {
    if (skip.includes(im.path)) continue;
    // filepath (not filename): form-data keeps the folders, as a client sending an image's relative path must.
    r = r.attach('files', im.bytes, { filepath: im.path, contentType: 'image/tiff' } as never);
  }
  return r;
}

describe('POST /v1/projects/:projectUuid/productions', () => {
  let t: TestApp;
  const projectIds: number[] = [];

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    await t?.close();
  });

  const post = (projectUuid: string) => request(t.http).post(`/v1/projects/${projectUuid}/productions`);

  it('imports each record as a PDF document with its fields, pages and custodian, and reports the rest with lines', async () => {
    const project = await createProject(t, projectIds, 'prod');
    const P = prefix();
    const marker = randomUUID();
    const prod = await buildProduction({
      prefix: P,
      start: 1,
      records: [
        { pages: [[`Memo ${marker}`], ['page two']], custodian: 'Smith, Jane', fields: { TITLE: 'Memo', 'Date Sent': '2021-03-04' } },
        { pages: [[`Letter ${marker}`]], fields: { TITLE: 'Letter' } },
        { pages: [['missing image']], fields: { TITLE: 'x' } },
        { pages: [['bad count']], fields: { TITLE: 'y' } },
        { pages: [['unclosed']], fields: { TITLE: 'z' } },
        { pages: [['corrupt image']], fields: { TITLE: 'w' } },
      ],
      hostile: [
        { record: 2, kind: 'missing-image' },
        { record: 3, kind: 'wrong-field-count' },
        { record: 4, kind: 'unclosed-quote' },
        { record: 5, kind: 'corrupt-image' },
      ],
    });
    const res = await attachProduction(post(project.projectUuid), prod).field('custodian', 'Default Custodian').field('name', 'Vol 1').expect(202);
    const b = (n: number) => prod.bates[n];

    expect(res.body.documents.map((d: Record<string, unknown>) => [d.begBates, d.endBates, d.pages, d.custodian, d.duplicateOf])).toEqual([
      [b(0)[0], b(0)[1], 2, 'Smith, Jane', undefined],
      [b(1)[0], b(1)[0], 1, 'Default Custodian', undefined],
    ]);
    expect(res.body.unreadable).toEqual([
      { line: 5, source: 'dat', reason: 'expected 5 fields (as in the header row), found 4' },
      { line: 6, source: 'dat', reason: 'unclosed þ quote: the record is not read' },
      { line: 5, source: 'opt', reason: `the document ${b(3)[0]} has no record in the DAT` },
      { line: 6, source: 'opt', reason: `the document ${b(4)[0]} has no record in the DAT` },
      { line: 4, source: 'image', reason: `${b(2)[0]}: the image IMAGES/0001/${b(2)[0]}.tif was not sent` },
      { line: 7, source: 'image', reason: expect.stringMatching(new RegExp(`^${b(5)[0]}: IMAGES/0001/${b(5)[0]}\\.tif cannot be read`)) },
    ]);
    expect(res.body).toMatchObject({
      name: 'Vol 1',
      projectUuid: project.projectUuid,
      counts: { records: 6, imported: 2, duplicates: 0, unreadable: 6, pages: 3, images: 6 },
      enqueued: true,
    });

    const [first, second] = res.body.documents as Array<{ documentUuid: string }>;
    const rows = await t.db.query(
      `SELECT document_uuid, file_name, detected_file_type, document_metadata, s3_key FROM source_documents WHERE document_uuid = ANY($1::uuid[]) ORDER BY file_name`,
      [[first.documentUuid, second.documentUuid]],
    );
    expect(rows.map((r: { file_name: string }) => r.file_name)).toEqual([`${b(0)[0]}.pdf`, `${b(1)[0]}.pdf`]);
    expect(rows[0].document_metadata).toEqual({
      format: 'pdf',
      production: {
        productionUuid: res.body.productionUuid,
        fields: { BEGBATES: b(0)[0], ENDBATES: b(0)[1], CUSTODIAN: 'Smith, Jane', TITLE: 'Memo', 'Date Sent': '2021-03-04' },
        begBates: b(0)[0],
        endBates: b(0)[1],
        pageBates: b(0),
        custodian: 'Smith, Jane',
      },
    });
    // The stored PDF has one page per image.
    const pdf = await PDFDocument.load(await readFile(join(t.storageDir, rows[0].s3_key)));
    expect(pdf.getPageCount()).toBe(2);
    const occ = await t.db.query(`SELECT source, custodian, path, production_uuid FROM document_occurrences WHERE document_uuid = $1`, [
      second.documentUuid,
    ]);
    expect(occ).toEqual([
      { source: 'production', custodian: 'Default Custodian', path: `IMAGES/0001/${b(1)[0]}.tif`, production_uuid: res.body.productionUuid },
    ]);
    // OCR is enqueued for each new document.
    for (const d of [first, second]) expect(await t.ocrQueue.getJob(documentJobId(d.documentUuid))).not.toBeNull();
    // Only the two PDFs are kept: no temp images, nothing of the unreadable records.
    expect((await filesUnder(t.storageDir)).filter((f) => f.includes(project.projectUuid))).toHaveLength(2);
  });

  it('keeps one document for the same record from two custodians, with an occurrence for each', async () => {
    const project = await createProject(t, projectIds, 'prod-dup');
    const P = prefix();
    const prod = await buildProduction({
      prefix: P,
      start: 100,
      records: [
        { pages: [[`Contract ${randomUUID()}`]] },
        // Unstamped and alike: the same images, so the same PDF, within one production.
        { pages: [[`Twin ${randomUUID()}`]], stamp: false, custodian: 'Roe' },
      ],
    });
    const one = await attachProduction(post(project.projectUuid), prod).field('custodian', 'Alice').expect(202);
    const two = await attachProduction(post(project.projectUuid), prod).field('custodian', 'Bob').expect(202);
    expect(one.body.counts).toMatchObject({ imported: 2, duplicates: 0 });
    expect(two.body.counts).toMatchObject({ imported: 0, duplicates: 2 });
    expect(two.body.documents.map((d: { duplicateOf?: string }) => d.duplicateOf)).toEqual(
      one.body.documents.map((d: { documentUuid: string }) => d.documentUuid),
    );
    const doc = one.body.documents[0].documentUuid as string;
    const occ = await t.db.query(`SELECT custodian, production_uuid FROM document_occurrences WHERE document_uuid = $1 ORDER BY custodian`, [doc]);
    expect(occ).toEqual([
      { custodian: 'Alice', production_uuid: one.body.productionUuid },
      { custodian: 'Bob', production_uuid: two.body.productionUuid },
    ]);
    const n = await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [project.id]);
    expect(n[0].n).toBe(2);
    // The second request's PDFs were not kept.
    expect((await filesUnder(t.storageDir)).filter((f) => f.includes(project.projectUuid))).toHaveLength(2);
  });

  it("counts the documents it creates under the metrics source 'production', not 'batch'", async () => {
    const created = async (source: string) => (await ingestMetrics.documentsCreated.get()).values.find((v) => v.labels.source === source)?.value ?? 0;
    const project = await createProject(t, projectIds, 'prod-metric');
    const prod = await buildProduction({
      prefix: prefix(),
      start: 1,
      records: [{ pages: [[`A ${randomUUID()}`]] }, { pages: [[`B ${randomUUID()}`]] }],
    });
    const [production, batch] = [await created('production'), await created('batch')];
    await attachProduction(post(project.projectUuid), prod).expect(202);
    expect(await created('production')).toBe(production + 2);
    expect(await created('batch')).toBe(batch);
  });

  it('records every custodian of All Custodians on one document', async () => {
    const project = await createProject(t, projectIds, 'prod-all');
    const prod = await buildProduction({
      prefix: prefix(),
      start: 1,
      records: [{ pages: [[`Shared ${randomUUID()}`]], fields: { 'All Custodians': 'Doe, John; Roe, Richard' } }],
    });
    const res = await attachProduction(post(project.projectUuid), prod).expect(202);
    expect(res.body.documents).toHaveLength(1);
    const occ = await t.db.query(`SELECT custodian FROM document_occurrences WHERE document_uuid = $1 ORDER BY custodian`, [
      res.body.documents[0].documentUuid,
    ]);
    expect(occ.map((o: { custodian: string }) => o.custodian)).toEqual(['Doe, John', 'Roe, Richard']);
  });

  it('finds documents and pages by Bates number, in a range, and 404s when none', async () => {
    const project = await createProject(t, projectIds, 'prod-bates');
    const P = prefix();
    const prod = await buildProduction({ prefix: P, start: 120, records: [{ pages: [['a'], ['b'], ['c']] }, { pages: [['d']] }] });
    const res = await attachProduction(post(project.projectUuid), prod).expect(202);
    const [d1, d2] = res.body.documents as Array<{ documentUuid: string }>;
    const get = (bates: string) => request(t.http).get(`/v1/projects/${project.projectUuid}/bates/${encodeURIComponent(bates)}`);

    // Before OCR: found through the production range, page from the OPT.
    expect((await get(`${P}000121`).expect(200)).body).toMatchObject({
      documentUuid: d1.documentUuid,
      page: 2,
      matchedBy: 'production',
      pageBates: `${P}000121`,
    });
    expect((await get(`${P.toLowerCase()}-000123`).expect(200)).body).toMatchObject({ documentUuid: d2.documentUuid, page: 1 });
    // After OCR the worker stores each page's Bates number: found by the page itself.
    await t.db.query(
      `INSERT INTO document_pages (document_uuid, page_number, text, engine, bates, bates_prefix, bates_seq)
       VALUES ($1, 3, 'c', 'test', $2, $3, 122)`,
      [d1.documentUuid, `${P}000122`, P],
    );
    expect((await get(`${P}000122`).expect(200)).body).toMatchObject({ documentUuid: d1.documentUuid, page: 3, matchedBy: 'page' });
    await get(`${P}000999`).expect(404);
    expect((await get('not-bates').expect(400)).body.message).toMatch(/is not a Bates number/);

    const range = await request(t.http)
      .get(`/v1/projects/${project.projectUuid}/bates`)
      .query({ bates: `${P}000121 - ${P}000123` })
      .expect(200);
    expect(range.body.hits.map((h: { bates: string; page: number }) => [h.bates, h.page])).toEqual([
      [`${P}000122`, 3],
      [`${P}000121`, 2],
      [`${P}000123`, 1],
    ]);
    // Another project does not see these numbers.
    const other = await createProject(t, projectIds, 'prod-bates-other');
    await request(t.http).get(`/v1/projects/${other.projectUuid}/bates/${P}000121`).expect(404);
  });

  it.each([
    ['no DAT', (r: Req, p: BuiltProduction) => r.attach('images', p.opt, 'PROD.opt'), 400, /loadFile: no load file/],
    ['no OPT', (r: Req, p: BuiltProduction) => r.attach('loadFile', p.dat, 'PROD.dat'), 400, /images: no image load file/],
    [
      'a DAT that is not one',
      (r: Req, p: BuiltProduction) => r.attach('loadFile', Buffer.from('a,b,c\n1,2,3\n'), 'x.dat').attach('images', p.opt, 'x.opt'),
      422,
      /not a Concordance DAT/,
    ],
    ['an unknown field', (r: Req, p: BuiltProduction) => attachProduction(r, p).field('password', 'x'), 400, /password: unknown field/],
  ])('refuses %s with a reason and keeps nothing', async (_name, build, status, message) => {
    const project = await createProject(t, projectIds, 'prod-refuse');
    const prod = await buildProduction({ prefix: prefix(), start: 1, records: [{ pages: [['a']] }] });
    const res = await build(post(project.projectUuid), prod).expect(status);
    expect(res.body.message).toMatch(message);
    const n = await t.db.query(`SELECT count(*)::int AS n FROM source_documents WHERE project_fk_id = $1`, [project.id]);
    expect(n[0].n).toBe(0);
    expect((await filesUnder(t.storageDir)).filter((f) => f.includes(project.projectUuid))).toEqual([]);
  });

  it('refuses a request that is not multipart, and an unknown project', async () => {
    const project = await createProject(t, projectIds, 'prod-415');
    await post(project.projectUuid).send({ x: 1 }).expect(415);
    const prod = await buildProduction({ prefix: prefix(), start: 1, records: [{ pages: [['a']] }] });
    await attachProduction(post(randomUUID()), prod).expect(404);
  });
});

describe('productions with a bound API key', () => {
  let t: TestApp;
  const projectIds: number[] = [];
  let a: { projectUuid: string };
  let b: { projectUuid: string };
  const BOUND = `bound-${randomUUID()}`;

  beforeAll(async () => {
    // The key is bound before its project exists; the projects are rows (the API is closed to other keys).
    const projectA = randomUUID();
    t = await createTestApp({ CASEGRAPH_API_KEYS: `${BOUND}:${projectA}` });
    [a, b] = await Promise.all(
      [projectA, randomUUID()].map(async (projectUuid, i) => {
        const [row] = await t.db.query(`INSERT INTO projects (name, project_uuid) VALUES ($1, $2) RETURNING id`, [
          uniqueName(`prod-auth-${'ab'[i]}`),
          projectUuid,
        ]);
        projectIds.push(Number(row.id));
        return { projectUuid };
      }),
    );
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, projectIds);
    await t?.close();
  });

  it('imports into its own project only, and looks up Bates numbers there only', async () => {
    const P = prefix();
    const prod = await buildProduction({ prefix: P, start: 1, records: [{ pages: [[`Bound ${randomUUID()}`]] }] });
    await attachProduction(request(t.http).post(`/v1/projects/${a.projectUuid}/productions`), prod).expect(401);
    await attachProduction(request(t.http).post(`/v1/projects/${b.projectUuid}/productions`).set('X-API-Key', BOUND), prod).expect(403);
    await attachProduction(request(t.http).post(`/v1/projects/${a.projectUuid}/productions`).set('X-API-Key', BOUND), prod).expect(202);
    await request(t.http).get(`/v1/projects/${a.projectUuid}/bates/${P}000001`).set('X-API-Key', BOUND).expect(200);
    await request(t.http).get(`/v1/projects/${b.projectUuid}/bates/${P}000001`).set('X-API-Key', BOUND).expect(403);
    await request(t.http)
      .get(`/v1/projects/${b.projectUuid}/bates`)
      .query({ bates: `${P}000001` })
      .set('X-API-Key', BOUND)
      .expect(403);
  });
});
