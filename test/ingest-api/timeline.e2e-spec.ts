import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { ApiWithWorker, openApiWithWorker } from '../support/api-with-worker';

jest.setTimeout(120_000);

interface Item {
  date: string;
  text: string;
  documentUuid: string;
  filename: string;
  page: number | null;
  sentence: string;
  highlight: [number, number];
}

/** The timeline on a graph the real graph worker built from documents with dates, over two pages. */
describe('GET /v1/projects/:projectUuid/timeline', () => {
  let stack: ApiWithWorker;
  let base: string;

  beforeAll(async () => {
    stack = await openApiWithWorker('timeline', [
      {
        filename: 'complaint.txt',
        pages: [
          'Acme Holdings, Inc. v. Rosa Hines. The complaint was filed on March 3, 2021 in Boston. Rosa Hines answered later.',
          'The hearing was set for 2021-06-15 before Judge Maria Lopez. In 2019 nothing happened. Acme Holdings, Inc. paid on 4 January 2022.',
        ],
      },
      {
        filename: '<img src=x onerror=alert(1)>.txt',
        pages: ['John Smith signed the lease on 3 March 2021. John Smith paid the deposit.'],
      },
    ]);
    base = `/v1/projects/${stack.project.projectUuid}/timeline`;
  });

  afterAll(async () => {
    await stack?.close();
  });

  const get = async (qs = '') => (await request(stack.t.http).get(`${base}${qs}`).expect(200)).body as { total: number; items: Item[] };

  it('lists the days by date then file name, with sentence, marked date, page and file name', async () => {
    const body = await get();
    const rows = body.items.map((i) => [i.date, i.filename, i.page, i.sentence.slice(i.highlight[0], i.highlight[1])]);
    expect(rows).toEqual([
      ['2021-03-03', '<img src=x onerror=alert(1)>.txt', 1, '3 March 2021'],
      ['2021-03-03', 'complaint.txt', 1, 'March 3, 2021'],
      ['2021-06-15', 'complaint.txt', 2, '2021-06-15'],
      ['2022-01-04', 'complaint.txt', 2, '4 January 2022'],
    ]);
    expect(body.total).toBe(4);
    expect(body.items[1].sentence).toBe('The complaint was filed on March 3, 2021 in Boston.');
    expect(body.items[2].sentence).toBe('The hearing was set for 2021-06-15 before Judge Maria Lopez.');
    // Both documents' 3 March 2021 are one DATE entity.
    expect(new Set(body.items.slice(0, 2).map((i) => (i as unknown as { entityUuid: string }).entityUuid)).size).toBe(1);
  });

  it('leaves out a year-only date (no day to place)', async () => {
    const dates: Array<{ normalized_key: string }> = await stack.t.db.query(
      `SELECT normalized_key FROM canonical_entities WHERE project_uuid = $1 AND entity_type = 'DATE'`,
      [stack.project.projectUuid],
    );
    const keys = dates.map((d) => d.normalized_key);
    expect(keys).toEqual(expect.arrayContaining(['2019', '2021-03-03', '2021-06-15', '2022-01-04']));
    expect((await get()).items.map((i) => i.date)).not.toContain('2019');
  });

  it('filters by from / to and pages', async () => {
    expect((await get('?from=2021-04-01&to=2021-12-31')).items.map((i) => i.date)).toEqual(['2021-06-15']);
    const p2 = await get('?page=2&pageSize=3');
    expect([p2.total, p2.items.map((i) => i.date)]).toEqual([4, ['2022-01-04']]);
  });

  it('entity= keeps the dates mentioned near the entity', async () => {
    const ents = await request(stack.t.http).get(`/v1/projects/${stack.project.projectUuid}/entities?q=John Smith&type=PERSON`).expect(200);
    const smith = ents.body.items[0].uuid as string;
    expect((await get(`?entity=${smith}`)).items.map((i) => [i.date, i.filename])).toEqual([['2021-03-03', '<img src=x onerror=alert(1)>.txt']]);
  });

  it('answers 400 on bad parameters and 404 on an unknown project or entity', async () => {
    for (const qs of ['?from=2021-13-01', '?to=yesterday', '?from=2022-01-01&to=2021-01-01', '?entity=nope', '?pageSize=1000', '?page=0']) {
      const res = await request(stack.t.http).get(`${base}${qs}`);
      expect([qs, res.status]).toEqual([qs, 400]);
    }
    await request(stack.t.http).get(`/v1/projects/not-a-uuid/timeline`).expect(400);
    await request(stack.t.http).get(`/v1/projects/${randomUUID()}/timeline`).expect(404);
    await request(stack.t.http).get(`${base}?entity=${randomUUID()}`).expect(404);
  });
});
