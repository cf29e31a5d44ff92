import { randomUUID } from 'node:crypto';
import request from 'supertest';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the real worker's graph: the e2e specs' support, no copy of it
import { ApiWithWorker, openApiWithWorker } from '../../../../test/support/api-with-worker';

jest.setTimeout(180_000);

/**
 * GET /v1/documents/:id/entities over a graph the real graph worker built (an invented appellate opinion, two pages
 * of text, the second with an emoji so code points and UTF-16 indexes differ), through the real ingest API: each
 * mention's page-relative offsets give back its words in GET /text's page, and the summary names the caption's
 * parties with their roles, the judges (the dissenting one with her role), the court and the cited cases.
 */
const PAGE_1 = [
  '            IN THE UNITED STATES COURT OF APPEALS',
  '                    FOR THE SEVENTH CIRCUIT',
  '',
  'HARLOW MARINE SUPPLY, INC.,           )',
  '                                      )     No. 24-1188',
  '      Plaintiff-Appellant,            )',
  '                                      )',
  'v.                                    )',
  '                                      )',
  'DORIS P. KETTERIDGE,                  )',
  '                                      )',
  '      Defendant-Appellee.             )',
  '',
  'Appeal from the United States District Court for the Northern District of Illinois.',
  '',
  'Before WALCOTT, FENNIMORE, and ABERNATHY, Circuit Judges.',
  '',
  'Olivia Strand, Strand & Pike LLP, Chicago, for Appellant Harlow Marine Supply, Inc.',
  'Martin Quayle, Evanston, for Appellee.',
].join('\n');
const PAGE_2 = [
  'FENNIMORE, Circuit Judge: 😀',
  '',
  'Harlow Marine Supply, Inc. appeals the dismissal of its complaint against Doris P. Ketteridge. To survive a',
  'motion to dismiss, a complaint must contain enough facts to state a claim to relief that is plausible on its',
  'face. Bell Atlantic Corp. v. Twombly, 550 U.S. 544, 570 (2007). A claim is plausible when the pleaded facts',
  'allow the court to draw the reasonable inference that the defendant is liable. Ashcroft v. Iqbal, 556 U.S.',
  '662, 678 (2009). See also Twombly, 550 U.S. at 556.',
  '',
  'AFFIRMED.',
  '',
  'ABERNATHY, Circuit Judge, dissenting.',
  '',
  'I would reverse: the complaint pleads enough.',
].join('\n');

interface Mention {
  mentionUuid: string;
  entityUuid: string | null;
  type: string;
  text: string;
  role: string | null;
  page: number;
  start: number;
  end: number;
}
interface Item {
  entityUuid: string;
  name: string;
  type: string;
  roles: string[];
}

describe('GET /v1/documents/:id/entities (real worker, real PostgreSQL)', () => {
  let stack: ApiWithWorker | undefined;
  let opinion: string;
  const api = () => request(stack!.t.http);

  beforeAll(async () => {
    stack = await openApiWithWorker('document-entities', [{ pages: [PAGE_1, PAGE_2], filename: 'harlow-v-ketteridge.pdf' }]);
    [opinion] = stack.documents;
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("places every mention on its page at offsets that give back its words in that page's text", async () => {
    const res = await api().get(`/v1/documents/${opinion}/entities`).expect(200);
    expect(res.body).toMatchObject({ documentUuid: opinion, pageCount: 2 });
    const mentions: Mention[] = res.body.mentions;
    const stored: Array<{ n: number }> = await stack!.t.db.query(
      `SELECT count(*)::int AS n FROM entity_mentions WHERE document_uuid = $1 AND start_char IS NOT NULL`,
      [opinion],
    );
    expect(mentions.length).toBe(stored[0].n);
    expect(new Set(mentions.map((m) => m.page))).toEqual(new Set([1, 2]));
    const pages = [PAGE_1, PAGE_2];
    for (const m of mentions) expect({ text: pages[m.page - 1].slice(m.start, m.end), m }).toEqual({ text: m.text, m });
    // Past the emoji of page 2 (two UTF-16 units, one code point) the offsets still fit.
    expect(mentions.some((m) => m.page === 2 && m.start > PAGE_2.indexOf('😀'))).toBe(true);

    const page2 = await api().get(`/v1/documents/${opinion}/entities?page=2`).expect(200);
    expect(page2.body.mentions).toEqual(mentions.filter((m) => m.page === 2));
    expect(page2.body.summary).toEqual(res.body.summary);
  });

  it('summarises the parties with their roles, the judges, the court and the citations', async () => {
    const { summary } = (await api().get(`/v1/documents/${opinion}/entities?page=1`).expect(200)).body as Record<string, Item[]> & {
      summary: Record<string, Item[]>;
    };
    const named = (list: Item[]) => list.map((x) => [x.name.toLowerCase(), x.roles]);
    expect(named(summary.parties)).toEqual(
      expect.arrayContaining([
        [expect.stringContaining('harlow marine'), expect.arrayContaining(['appellant'])],
        [expect.stringContaining('ketteridge'), expect.arrayContaining(['appellee'])],
      ]),
    );
    const judges = Object.fromEntries(summary.judges.map((j) => [j.name.toLowerCase(), j.roles]));
    expect(Object.keys(judges)).toEqual(expect.arrayContaining([expect.stringContaining('walcott'), expect.stringContaining('fennimore')]));
    expect(Object.entries(judges).find(([n]) => n.includes('abernathy'))?.[1]).toEqual(expect.arrayContaining(['dissent']));
    expect(Object.entries(judges).find(([n]) => n.includes('fennimore'))?.[1]).toEqual(expect.arrayContaining(['author']));
    expect(summary.courts.length).toBeGreaterThan(0);
    expect(summary.courts[0].name.toLowerCase()).toContain('seventh');
    expect(summary.citations.map((c) => c.name)).toEqual(expect.arrayContaining([expect.stringMatching(/Twombly/), expect.stringMatching(/Iqbal/)]));
    expect(summary.citations.find((c) => /Iqbal/.test(c.name))?.roles).toEqual([]);
    expect(summary.cases.map((c) => c.type)).toEqual(['CASE']);
    // Every summary entity is a canonical entity of the document's project.
    const all = Object.values(summary).flat();
    const rows: Array<{ n: number }> = await stack!.t.db.query(
      `SELECT count(*)::int AS n FROM canonical_entities WHERE project_uuid = $1 AND canonical_entity_uuid = ANY($2::uuid[])`,
      [stack!.project.projectUuid, all.map((x) => x.entityUuid)],
    );
    expect(rows[0].n).toBe(new Set(all.map((x) => x.entityUuid)).size);
  });

  it('answers 400 for a bad UUID or page and 404 for an unknown document or a page beyond the last', async () => {
    expect((await api().get('/v1/documents/not-a-uuid/entities').expect(400)).body.message).toMatch(/documentUuid/);
    for (const page of ['0', 'x', '1.5', '-2']) {
      expect((await api().get(`/v1/documents/${opinion}/entities?page=${page}`).expect(400)).body.message).toMatch(/page/);
    }
    await api().get(`/v1/documents/${opinion}/entities?other=1`).expect(400);
    await api().get(`/v1/documents/${randomUUID()}/entities`).expect(404);
    expect((await api().get(`/v1/documents/${opinion}/entities?page=3`).expect(404)).body.message).toMatch(/2 pages/);
  });

  it('shows an old mention with chunk-relative offsets only where the page has its words there', async () => {
    const db = stack!.t.db;
    const [chunk] = await db.query(
      `SELECT chunk_uuid, char_start_index FROM document_chunks
        WHERE document_uuid = $1 AND char_start_index > 0 AND position('reverse' IN text) > 0 ORDER BY chunk_index LIMIT 1`,
      [opinion],
    );
    expect(chunk).toBeDefined();
    // The old code wrote offsets relative to the chunk: "reverse" (page 2) at its code-point offset minus the chunk's start.
    const text = `${PAGE_1}\n\n${PAGE_2}`;
    const word = 'reverse';
    const absolute = Array.from(text.slice(0, text.indexOf(word))).length;
    const base = Number(chunk.char_start_index);
    const good = randomUUID();
    const bad = randomUUID();
    await db.query(
      `INSERT INTO entity_mentions (mention_uuid, document_uuid, chunk_uuid, project_uuid, entity_text, entity_type, start_char, end_char,
                                    confidence_score, method, offset_basis)
       VALUES ($1, $3, $4, $5, 'reverse', 'ORG', $6, $7, 0.5, 'legacy', NULL),
              ($2, $3, $4, $5, 'Nowhere Inc', 'ORG', $6 + 1, $7 + 1, 0.5, 'legacy', NULL)`,
      [good, bad, opinion, chunk.chunk_uuid, stack!.project.projectUuid, absolute - base, absolute - base + word.length],
    );
    try {
      const { mentions } = (await api().get(`/v1/documents/${opinion}/entities?page=2`).expect(200)).body as { mentions: Mention[] };
      const found = mentions.find((m) => m.mentionUuid === good);
      expect(found).toBeDefined();
      expect(PAGE_2.slice(found!.start, found!.end)).toBe(word);
      expect(mentions.find((m) => m.mentionUuid === bad)).toBeUndefined();
    } finally {
      await db.query('DELETE FROM entity_mentions WHERE mention_uuid = ANY($1::uuid[])', [[good, bad]]);
    }
  });
});
