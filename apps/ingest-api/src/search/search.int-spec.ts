/**
 * Search routes on the real AppModule and PostgreSQL: the rows are inserted the way the pipeline leaves them (pages by
 * the OCR stage, mentions by the graph stage); the search vector comes from the database's trigger alone.
 */
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { TestApp, cleanupTestData, createTestApp, uniqueName } from '../testing/test-app';

jest.setTimeout(60_000);

const KEY = `search-key-${randomUUID()}`;
const BOUND = `search-bound-${randomUUID()}`;

interface Doc {
  uuid: string;
  name: string;
}

describe('search routes', () => {
  let t: TestApp;
  const ids: number[] = [];
  let a: { id: number; uuid: string };
  let b: { id: number; uuid: string };
  let opinion: Doc, mail: Doc, scan: Doc, other: Doc;
  const person = randomUUID();
  const auth = { 'X-API-Key': KEY };

  async function project(uuid: string): Promise<{ id: number; uuid: string }> {
    const [p] = await t.db.query(`INSERT INTO projects (name, project_uuid) VALUES ($1, $2) RETURNING id, project_uuid::text AS uuid`, [
      uniqueName('search'),
      uuid,
    ]);
    ids.push(p.id);
    return p;
  }

  async function doc(
    p: { id: number; uuid: string },
    name: string,
    mime: string,
    pages: Array<string | [string, string]>,
    metadata?: object,
  ): Promise<Doc> {
    const uuid = randomUUID();
    await t.db.query(
      `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name, detected_file_type, status, document_metadata)
       VALUES ($1, $2, $3, $4, $5, 'completed', $6)`,
      [uuid, p.id, p.uuid, name, mime, metadata ? JSON.stringify(metadata) : null],
    );
    for (const [i, page] of pages.entries()) {
      const [text, bates] = Array.isArray(page) ? page : [page, null];
      await t.db.query(
        `INSERT INTO document_pages (document_uuid, page_number, text, engine, bates, bates_prefix, bates_seq)
         VALUES ($1, $2, $3, 'pdfjs', $4, $5, $6)`,
        [uuid, i + 1, text, bates, bates ? bates.replace(/\d+$/, '') : null, bates ? Number(bates.replace(/^\D+/, '')) : null],
      );
    }
    return { uuid, name };
  }

  async function mention(p: { uuid: string }, d: Doc, type: string, text: string, key: string, canonical: string | null): Promise<void> {
    await t.db.query(
      `INSERT INTO entity_mentions (mention_uuid, document_uuid, project_uuid, entity_text, entity_type, start_char, end_char, confidence_score, method,
                                    normalized_key, canonical_entity_uuid)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, 0, $5, 0.9, 'test', $6, $7)`,
      [d.uuid, p.uuid, text, type, text.length, key, canonical],
    );
  }

  beforeAll(async () => {
    const aUuid = randomUUID();
    t = await createTestApp({ CASEGRAPH_API_KEYS: `${KEY},${BOUND}:${aUuid}` });
    a = await project(aUuid);
    b = await project(randomUUID());
    opinion = await doc(a, 'opinion.pdf', 'application/pdf', [
      'The court ruled on the petition for a writ of mandamus. See Roe v. Wade, 410 U.S. 113 (1973).',
      ['Plaintiff sued under 42 U.S.C. § 1983 against Halvorsen Marine Logistics, LLC.', 'ABC000101'],
      ['Scattered: 410 pages went by U.S. mail within 113 days. The ruling was appealed.', 'ABC000102'],
    ]);
    mail = await doc(
      a,
      'mail.eml',
      'message/rfc822',
      [
        'Re: certiorari petition. <img src=x onerror=alert(1)> <script>alert(2)</script> <b style="x">bold</b> mandamus denied \uE000fake\uE001 mark\uE004.',
      ],
      {
        email: { date: '2021-03-04T10:00:00.000Z', subject: 'Re: certiorari' },
      },
    );
    scan = await doc(a, 'scan.png', 'image/png', ['Certiorari granted; the mandamus petition is moot. Cited at 123 F.3d 456.']);
    other = await doc(b, 'other.pdf', 'application/pdf', ['A mandamus petition in another project.']);
    await mention(a, scan, 'PERSON', 'Ada Hines', 'ada hines', person);
    await mention(a, scan, 'DATE', 'June 1, 2019', '2019-06-01', null);
    await mention(a, opinion, 'ORG', 'Halvorsen Marine Logistics, LLC', 'halvorsen marine logistics', randomUUID());
  });

  afterAll(async () => {
    if (t) await cleanupTestData(t, ids);
    await t?.close();
  });

  const search = (project: string, query: Record<string, string | number>, headers: Record<string, string> = auth) =>
    request(t.http).get(`/v1/projects/${project}/search`).query(query).set(headers);
  const pagesOf = (body: { items: Array<{ documentUuid: string; page: number }> }) =>
    body.items
      .map(
        (i) =>
          `${i.documentUuid === opinion.uuid ? 'opinion' : i.documentUuid === mail.uuid ? 'mail' : i.documentUuid === scan.uuid ? 'scan' : 'other'}#${i.page}`,
      )
      .sort();
  const found = async (q: string, extra: Record<string, string> = {}) => {
    const res = await search(a.uuid, { q, ...extra });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(res.body.items.length);
    return pagesOf(res.body);
  };

  it('finds a word in the page text, stemmed, within the project only; items carry file, page, type and Bates', async () => {
    expect(await found('mandamus')).toEqual(['mail#1', 'opinion#1', 'scan#1']);
    expect(await found('ruling')).toEqual(['opinion#1', 'opinion#3']);
    expect(await found('Ruled')).toEqual(['opinion#1', 'opinion#3']);
    const res = await search(a.uuid, { q: 'halvorsen' });
    expect(res.body.items).toEqual([
      expect.objectContaining({ documentUuid: opinion.uuid, filename: 'opinion.pdf', page: 2, bates: 'ABC000101', documentType: 'pdf' }),
    ]);
    expect(res.body).toMatchObject({ total: 1, totalIsExact: true, page: 1, pageSize: 20 });
    expect(pagesOf((await search(b.uuid, { q: 'mandamus' })).body)).toEqual(['other#1']);
  });

  it('matches quoted phrases and citations exactly: the words in order, unstemmed', async () => {
    expect(await found('"writ of mandamus"')).toEqual(['opinion#1']);
    expect(await found('"writs of mandamus"')).toEqual([]);
    expect(await found('"410 U.S. 113"')).toEqual(['opinion#1']);
    expect(await found('410 U.S. 113')).toEqual(['opinion#1']);
    // The same three words, scattered, are found as words but not as the citation.
    expect(await found('410 113 mail')).toEqual(['opinion#3']);
    expect(await found('§ 1983')).toEqual(['opinion#2']);
    expect(await found('42 U.S.C. § 1983')).toEqual(['opinion#2']);
    expect(await found('F.3d')).toEqual(['scan#1']);
    expect(await found('"Halvorsen Marine Logistics"')).toEqual(['opinion#2']);
  });

  it('reads or and -word; nonsense and syntax characters degrade, never 500', async () => {
    expect(await found('halvorsen or certiorari')).toEqual(['mail#1', 'opinion#2', 'scan#1']);
    expect(await found('mandamus -denied')).toEqual(['opinion#1', 'scan#1']);
    expect(await found('mandamus -"writ of"')).toEqual(['mail#1', 'scan#1']);
    for (const q of ["'):* & | !( <->", '"', '-', 'or or', 'the of and', '\\', "O'Brien", '§', '%_']) {
      const res = await search(a.uuid, { q });
      expect({ q, status: res.status }).toEqual({ q, status: 200 });
    }
    expect(await found('the of and')).toEqual([]);
  });

  it('marks the hits: highlights are offsets of the hit words in a plain-text snippet', async () => {
    const res = await search(a.uuid, { q: 'mandamus ruled' });
    const [hit] = res.body.items;
    expect(hit.documentUuid).toBe(opinion.uuid);
    expect(hit.snippet).toContain('The court ruled on the petition for a writ of mandamus.');
    expect(hit.highlights.map(([s, e]: [number, number]) => hit.snippet.slice(s, e))).toEqual(['ruled', 'mandamus']);
    const sec = (await search(a.uuid, { q: '§ 1983' })).body.items[0];
    expect(sec.snippet).toContain('42 U.S.C. § 1983 against');
    expect(sec.highlights.map(([s, e]: [number, number]) => sec.snippet.slice(s, e))).toEqual(['§', '1983']);
    const cite = (await search(a.uuid, { q: '410 U.S. 113' })).body.items[0];
    expect(cite.highlights.map(([s, e]: [number, number]) => cite.snippet.slice(s, e))).toEqual(['410', 'U.S', '113']);
    expect(cite.score).toBeGreaterThan(0);
  });

  it('refuses a query that only excludes words (it would rank every page), naming what to add', async () => {
    for (const q of ['-mandamus', '-mandamus -certiorari', '-mandamus or -ruling']) {
      const res = await search(a.uuid, { q });
      expect([res.status, res.body.message]).toEqual([400, expect.stringContaining('only excludes words')]);
    }
    expect((await search(a.uuid, { q: 'petition -mandamus' })).status).toBe(200);
  });

  it('returns hostile text as plain text, and a page cannot forge a highlight', async () => {
    const res = await search(a.uuid, { q: 'certiorari denied' });
    const [hit] = res.body.items;
    expect(hit.documentUuid).toBe(mail.uuid);
    // Quoted exactly: ts_headline would take `<script>` and `<b …>` for tags and drop them, were they not guarded.
    expect(hit.snippet).toContain('<img src=x onerror=alert(1)> <script>alert(2)</script> <b style="x">bold</b> mandamus');
    expect(hit.snippet).not.toMatch(/[\uE000-\uE004]/);
    expect(hit.highlights.map(([s, e]: [number, number]) => hit.snippet.slice(s, e))).toEqual(['certiorari', 'denied']);
    // The page's own marks were stripped: "fake" is highlighted only when asked for.
    const fake = (await search(a.uuid, { q: 'fake' })).body.items[0];
    expect(fake.snippet).toContain('denied fake mark');
    expect(fake.highlights.map(([s, e]: [number, number]) => fake.snippet.slice(s, e))).toEqual(['fake']);
  });

  it('ranks exact hits above stemmed ones, and pages through the results', async () => {
    const res = await search(a.uuid, { q: 'ruling' });
    expect(res.body.items[0]).toMatchObject({ documentUuid: opinion.uuid, page: 3 });
    const p1 = await search(a.uuid, { q: 'mandamus', pageSize: 2, page: 1 });
    const p2 = await search(a.uuid, { q: 'mandamus', pageSize: 2, page: 2 });
    expect([p1.body.total, p1.body.items.length, p2.body.total, p2.body.items.length]).toEqual([3, 2, 3, 1]);
    expect(pagesOf({ items: [...p1.body.items, ...p2.body.items] })).toEqual(['mail#1', 'opinion#1', 'scan#1']);
  });

  it('filters by entity type, entity, date range, document type and Bates number', async () => {
    expect(await found('mandamus', { types: 'PERSON' })).toEqual(['scan#1']);
    expect(await found('mandamus', { types: 'PERSON,ORG' })).toEqual(['opinion#1', 'scan#1']);
    expect(await found('mandamus', { entity: person })).toEqual(['scan#1']);
    expect(await found('mandamus', { entity: randomUUID() })).toEqual([]);
    expect(await found('mandamus', { from: '2021-03-01', to: '2021-03-31' })).toEqual(['mail#1']);
    expect(await found('mandamus', { from: '2019-06-01', to: '2019-06-01' })).toEqual(['scan#1']);
    expect(await found('mandamus', { from: '2020-01-01' })).toEqual(['mail#1']);
    expect(await found('mandamus', { to: '2020-01-01' })).toEqual(['scan#1']);
    expect(await found('mandamus', { documentType: 'eml' })).toEqual(['mail#1']);
    expect(await found('mandamus', { documentType: 'image' })).toEqual(['scan#1']);
    expect(await found('mandamus', { documentType: 'pdf,png' })).toEqual(['opinion#1', 'scan#1']);
    expect(await found('ruling or 1983', { bates: 'ABC000101-ABC000102' })).toEqual(['opinion#2', 'opinion#3']);
    expect(await found('ruling or 1983', { bates: 'abc-000102' })).toEqual(['opinion#3']);
  });

  it('never shows a deleted document', async () => {
    const gone = await doc(a, 'gone.pdf', 'application/pdf', ['A vanishing mandamus.']);
    const before = await search(a.uuid, { q: 'vanishing' });
    expect(before.body.items.map((i: { documentUuid: string }) => i.documentUuid)).toEqual([gone.uuid]);
    const del = await request(t.http).delete(`/v1/documents/${gone.uuid}`).set(auth);
    expect(del.status).toBe(200);
    expect(await found('vanishing')).toEqual([]);
  });

  it('answers 400 for bad parameters and 404 for an unknown project', async () => {
    const bad: Array<Record<string, string | number>> = [
      {},
      { q: '' },
      { q: 'x'.repeat(501) },
      { q: 'a\u0001b' },
      { q: 'x', page: 0 },
      { q: 'x', pageSize: 101 },
      { q: 'x', types: 'PERSON,ALIEN' },
      { q: 'x', entity: 'not-a-uuid' },
      { q: 'x', from: '2021-02-30' },
      { q: 'x', to: '2021/01/01' },
      { q: 'x', from: '2021-02-02', to: '2021-02-01' },
      { q: 'x', documentType: 'exe' },
      { q: 'x', bates: 'not a bates' },
      { q: 'x', bates: 'ABC000200-ABC000100' },
    ];
    for (const query of bad) {
      const res = await search(a.uuid, query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.message).toEqual(expect.any(String));
    }
    expect((await search('not-a-uuid', { q: 'x' })).status).toBe(400);
    const unknown = await search(randomUUID(), { q: 'x' });
    expect(unknown.status).toBe(404);
  });

  it('a bound key searches its project only', async () => {
    const bound = { 'X-API-Key': BOUND };
    expect(pagesOf((await search(a.uuid, { q: 'mandamus' }, bound)).body)).toEqual(['mail#1', 'opinion#1', 'scan#1']);
    const refused = await search(b.uuid, { q: 'mandamus' }, bound);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain(other.uuid);
    expect(
      (
        await request(t.http)
          .post(`/v1/projects/${b.uuid}/search/batch`)
          .set(bound)
          .send({ terms: ['mandamus'] })
      ).status,
    ).toBe(403);
    expect((await search(a.uuid, { q: 'mandamus' }, {})).status).toBe(401);
  });

  describe('with SEARCH_COUNT_CAP=2', () => {
    let capped: TestApp;
    beforeAll(async () => {
      capped = await createTestApp({ CASEGRAPH_API_KEYS: KEY, SEARCH_COUNT_CAP: '2' });
    });
    afterAll(async () => {
      await capped?.close();
    });

    it('counts every match ranked exactly; past the last match it counts up to the cap only', async () => {
      const get = (query: Record<string, string | number>) => request(capped.http).get(`/v1/projects/${a.uuid}/search`).query(query).set(auth);
      // Three matches, all ranked to find the first one: counted with them, exactly, whatever the cap.
      expect((await get({ q: 'mandamus', pageSize: 1 })).body).toMatchObject({ total: 3, totalIsExact: true, page: 1, pageSize: 1 });
      expect((await get({ q: 'mandamus', pageSize: 1, page: 3 })).body.items).toHaveLength(1);
      // A page past the end ranks nothing: its own count stops at the cap.
      const past = await get({ q: 'mandamus', pageSize: 1, page: 4 });
      expect(past.status).toBe(200);
      expect(past.body).toMatchObject({ total: 2, totalIsExact: false, page: 4, items: [] });
      expect((await get({ q: 'ruling', pageSize: 1, page: 3 })).body).toMatchObject({ total: 2, totalIsExact: true, items: [] });
      expect((await get({ q: 'nothingatall', page: 2 })).body).toMatchObject({ total: 0, totalIsExact: true, items: [] });
      const res = await request(capped.http)
        .post(`/v1/projects/${a.uuid}/search/batch`)
        .set(auth)
        .send({ terms: ['mandamus', 'ruling'] });
      expect(res.body.items.map((i: { total: number; totalIsExact: boolean; documents: number }) => [i.total, i.totalIsExact, i.documents])).toEqual([
        [3, true, 3],
        [2, true, 1],
      ]);
    });
  });

  describe('batch', () => {
    const batch = (body: object, project = a.uuid) => request(t.http).post(`/v1/projects/${project}/search/batch`).set(auth).send(body);

    it('answers per term: pages, distinct documents and the first hits, in the order given', async () => {
      const res = await batch({ terms: ['mandamus', '410 U.S. 113', 'ruling', 'nothingatall'], hitsPerTerm: 2 });
      expect(res.status).toBe(200);
      expect(
        res.body.items.map((i: { term: string; total: number; documents: number; hits: unknown[] }) => [i.term, i.total, i.documents, i.hits.length]),
      ).toEqual([
        ['mandamus', 3, 3, 2],
        ['410 U.S. 113', 1, 1, 1],
        ['ruling', 2, 1, 2],
        ['nothingatall', 0, 0, 0],
      ]);
      expect(res.body.items[1].hits[0]).toMatchObject({ documentUuid: opinion.uuid, page: 1, filename: 'opinion.pdf' });
      expect(res.body.items.map((i: { totalIsExact: boolean }) => i.totalIsExact)).toEqual([true, true, true, true]);
      const filtered = await batch({ terms: ['mandamus'], documentType: ['eml'] });
      expect(filtered.body.items[0]).toMatchObject({ total: 1, totalIsExact: true, documents: 1 });
    });

    it('takes 200 terms; refuses more, longer, empty or non-string terms and bad filters', async () => {
      const many = await batch({ terms: Array.from({ length: 200 }, (_, i) => `term${i} or mandamus`) });
      expect(many.status).toBe(200);
      expect(many.body.items).toHaveLength(200);
      expect(many.body.items[199]).toMatchObject({ term: 'term199 or mandamus', total: 3 });
      for (const body of [
        {},
        { terms: [] },
        { terms: Array.from({ length: 201 }, () => 'x') },
        { terms: ['x'.repeat(201)] },
        { terms: [''] },
        { terms: [1] },
        { terms: ['x'], hitsPerTerm: 11 },
        { terms: ['x'], bates: 'nope' },
        { terms: ['x'], from: '2021-13-01' },
      ]) {
        const res = await batch(body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
      expect((await batch({ terms: ['x'] }, randomUUID())).status).toBe(404);
    });
  });
});
