import { DataSource } from 'typeorm';
import { type EdgeEvidence, type RelationshipType, UNDIRECTED_RELATIONSHIP_TYPES } from '@casegraph/contracts';
import { dropDocumentEdges, inDocumentTransaction, lockEntityRows, recountMentions } from '@casegraph/graph';
import {
  PipelineApp,
  TestAddress,
  TestEmail,
  TestProject,
  cleanupProjects,
  createDocument,
  createEmailDocument,
  createPipelineApp,
  createProject,
  headerEntry,
} from '../testing/graph-test-kit';

jest.setTimeout(300_000);

// An invented thread (no real person or matter): Jane writes to John and Ann (Bob in copy, Carol blind),
// John answers, Jane answers John.
const JANE: TestAddress = { name: 'Jane Doe', address: 'jane@example.com' };
const JOHN: TestAddress = { name: 'John Roe', address: 'john@example.com' };
const ANN: TestAddress = { name: 'Ann Poe', address: 'ann@example.com' };
const BOB: TestAddress = { name: 'Bob Stone', address: 'bob@example.org' };
const CAROL: TestAddress = { name: 'Carol Vance', address: 'carol@example.org' };

const THREAD: Record<'A' | 'B' | 'C', TestEmail> = {
  A: {
    from: [JANE],
    to: [JOHN, ANN],
    cc: [BOB],
    bcc: [CAROL],
    date: '2024-03-01T10:00:00.000Z',
    subject: 'settlement',
    messageId: 'a1@mail.example.com',
    body: 'John, the settlement draft is attached. Jane',
  },
  B: {
    // "Last, First", another case, and Ann both in To and Cc
    from: [{ name: 'Roe, John', address: 'john@example.com' }],
    to: [{ name: 'JANE DOE', address: 'jane@example.com' }, ANN],
    cc: [ANN],
    date: '2024-03-02T09:00:00.000Z',
    subject: 'Re: settlement',
    messageId: 'b2@mail.example.com',
    inReplyTo: 'a1@mail.example.com',
    references: ['a1@mail.example.com'],
    body: 'Jane, fine with me. John',
  },
  C: {
    from: [JANE],
    to: [JOHN],
    date: '2024-03-03T08:00:00.000Z',
    subject: 'Re: Re: settlement',
    messageId: 'c3@mail.example.com',
    inReplyTo: 'b2@mail.example.com',
    references: ['a1@mail.example.com', 'b2@mail.example.com'],
    body: 'Signed. Jane',
  },
};
type Label = keyof typeof THREAD;
const LABELS: Label[] = ['A', 'B', 'C'];

interface EdgeRow {
  relationship_type: string;
  source_entity_uuid: string;
  target_entity_uuid: string;
  weight: number;
  properties: Record<string, unknown>;
  evidence: EdgeEvidence[] | null;
}

/** "source -> target"; an undirected edge (stored with source < target by UUID) in name order. */
const ends = (type: string, s: string, t: string) =>
  UNDIRECTED_RELATIONSHIP_TYPES.includes(type as RelationshipType) ? [s, t].sort().join(' -- ') : `${s} -> ${t}`;

const permutations = <T>(xs: T[]): T[][] =>
  xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));

describe('e-mail entities and edges through the graph pipeline (PostgreSQL + Redis)', () => {
  let t: PipelineApp;
  let t2: PipelineApp;
  let t3: PipelineApp;
  let db: DataSource;
  const projects: TestProject[] = [];

  beforeAll(async () => {
    [t, t2, t3] = await Promise.all([createPipelineApp(), createPipelineApp(), createPipelineApp()]);
    db = t.db;
  });

  afterAll(async () => {
    await cleanupProjects(db, projects);
    await Promise.all([t.close(), t2.close(), t3.close()]);
  });

  async function project(label: string): Promise<TestProject> {
    const p = await createProject(db, label);
    projects.push(p);
    return p;
  }

  /** A thread's documents (those of `only`) in a new project. */
  async function thread(label: string, only: Label[] = LABELS): Promise<{ p: TestProject; docs: Partial<Record<Label, string>> }> {
    const p = await project(label);
    const docs: Partial<Record<Label, string>> = {};
    for (const l of only) docs[l] = await createEmailDocument(db, p, THREAD[l], `${l}.eml`);
    return { p, docs };
  }

  const edges = (projectUuid: string, type?: string): Promise<EdgeRow[]> =>
    db.query(
      `SELECT relationship_type, source_entity_uuid, target_entity_uuid, weight, properties, evidence FROM relationship_staging
        WHERE project_uuid = $1 AND ($2::text IS NULL OR relationship_type = $2) ORDER BY relationship_type, source_entity_uuid, target_entity_uuid`,
      [projectUuid, type ?? null],
    );

  /** uuid -> "TYPE:name" for entities, the label for documents. */
  async function namer(p: TestProject, docs: Partial<Record<Label, string>>): Promise<(u: string) => string> {
    const rows: Array<{ u: string; t: string; n: string }> = await db.query(
      'SELECT canonical_entity_uuid AS u, entity_type AS t, canonical_name AS n FROM canonical_entities WHERE project_uuid = $1',
      [p.projectUuid],
    );
    const m = new Map(rows.map((r) => [r.u, `${r.t}:${r.n}`]));
    for (const [l, d] of Object.entries(docs)) if (d) m.set(d, `DOC:${l}`);
    return (u) => m.get(u) ?? `?${u}`;
  }

  /** Every edge of the project in names (no UUIDs): comparable across projects. */
  async function readable(p: TestProject, docs: Partial<Record<Label, string>>, type?: string): Promise<string[]> {
    const name = await namer(p, docs);
    return (await edges(p.projectUuid, type))
      .map((e) => {
        const props = Object.fromEntries(Object.entries(e.properties).filter(([k]) => k !== 'evidenceChunkUuids'));
        // (evidence is ordered by document UUID: sorted by label here)
        const ev = (e.evidence ?? []).map((x) => `${name(x.documentUuid)}@${x.page}:${x.start}-${x.end}:${x.snippet}`).sort();
        return `${e.relationship_type} ${ends(e.relationship_type, name(e.source_entity_uuid), name(e.target_entity_uuid))} w=${e.weight} ${JSON.stringify(props)} ${JSON.stringify(ev)}`;
      })
      .sort();
  }

  /** The API's deletion of one document (DeletionService.removeDocument), through libs/graph's functions. */
  async function deleteDocument(projectUuid: string, documentUuid: string): Promise<void> {
    await inDocumentTransaction(db, documentUuid, async (m) => {
      const rows = await m.query<Array<{ u: string }>>(
        'SELECT DISTINCT canonical_entity_uuid AS u FROM entity_mentions WHERE document_uuid = $1 AND canonical_entity_uuid IS NOT NULL',
        [documentUuid],
      );
      const ents = rows.map((r) => r.u);
      await lockEntityRows(m, ents);
      await dropDocumentEdges(m, projectUuid, documentUuid);
      await m.query('DELETE FROM entity_mentions WHERE document_uuid = $1', [documentUuid]);
      await m.query('DELETE FROM document_chunks WHERE document_uuid = $1', [documentUuid]);
      await m.query('DELETE FROM document_pages WHERE document_uuid = $1', [documentUuid]);
      await m.query('DELETE FROM source_documents WHERE document_uuid = $1', [documentUuid]);
      await recountMentions(m, ents, false);
      await m.query('DELETE FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[]) AND mention_count = 0', [ents]);
    });
  }

  describe('one thread processed in order', () => {
    let p: TestProject;
    let docs: Record<Label, string>;

    beforeAll(async () => {
      const th = await thread('email-thread');
      p = th.p;
      docs = th.docs as Record<Label, string>;
      for (const l of LABELS) await t.pipeline.process(docs[l]);
    });

    it('writes a PERSON for each display name and an EMAIL for each address, from the headers, once per span', async () => {
      const rows: Array<{
        entity_type: string;
        entity_text: string;
        method: string;
        attributes: Record<string, unknown>;
        start_char: number;
        end_char: number;
        raw: string;
      }> = await db.query(
        `SELECT m.entity_type, m.entity_text, m.method, m.attributes, m.start_char, m.end_char,
                  substr(d.raw_extracted_text, m.start_char + 1, m.end_char - m.start_char) AS raw
             FROM entity_mentions m JOIN source_documents d ON d.document_uuid = m.document_uuid
            WHERE m.document_uuid = $1 AND m.method = 'email:header' ORDER BY m.start_char`,
        [docs.A],
      );
      expect(rows.map((r) => `${r.entity_type}:${r.entity_text}:${r.attributes.emailField}:${r.attributes.emailEntry}`)).toEqual([
        'PERSON:Jane Doe:from:0',
        'EMAIL:jane@example.com:from:0',
        'PERSON:John Roe:to:0',
        'EMAIL:john@example.com:to:0',
        'PERSON:Ann Poe:to:1',
        'EMAIL:ann@example.com:to:1',
        'PERSON:Bob Stone:cc:0',
        'EMAIL:bob@example.org:cc:0',
        'PERSON:Carol Vance:bcc:0',
        'EMAIL:carol@example.org:bcc:0',
      ]);
      // offsets are into the document's text
      for (const r of rows) expect(r.raw).toBe(r.entity_text);
      // no other mention on a header span (the e-mail pattern, the name finder)
      const overlapping: Array<{ n: number }> = await db.query(
        `SELECT count(*)::int AS n FROM entity_mentions o JOIN entity_mentions h
             ON h.document_uuid = o.document_uuid AND h.method = 'email:header' AND o.method <> 'email:header'
            AND o.start_char < h.end_char AND h.start_char < o.end_char
          WHERE o.document_uuid = ANY($1::uuid[])`,
        [Object.values(docs)],
      );
      expect(overlapping[0].n).toBe(0);
    });

    it('resolves a person named differently (case, "Last, First") and an address across e-mails to one entity', async () => {
      const rows: Array<{ entity_type: string; canonical_name: string; n: number }> = await db.query(
        `SELECT c.entity_type, c.canonical_name, count(*)::int AS n
           FROM entity_mentions m JOIN canonical_entities c ON c.canonical_entity_uuid = m.canonical_entity_uuid
          WHERE m.project_uuid = $1 AND m.method = 'email:header' GROUP BY 1, 2 ORDER BY 1, 2`,
        [p.projectUuid],
      );
      expect(rows.map((r) => `${r.entity_type}:${r.canonical_name}:${r.n}`)).toEqual([
        'EMAIL:ann@example.com:3',
        'EMAIL:bob@example.org:1',
        'EMAIL:carol@example.org:1',
        'EMAIL:jane@example.com:3',
        'EMAIL:john@example.com:3',
        'PERSON:Ann Poe:3',
        'PERSON:Bob Stone:1',
        'PERSON:Carol Vance:1',
        'PERSON:Jane Doe:3',
        'PERSON:John Roe:3',
      ]);
    });

    it('links SENT, RECEIVED (roles merged), HAS_ADDRESS and IN_REPLY_TO', async () => {
      expect(await readable(p, docs, 'SENT').then((x) => x.map((l) => l.split(' w=')[0]))).toEqual([
        'SENT PERSON:Jane Doe -> DOC:A',
        'SENT PERSON:Jane Doe -> DOC:C',
        'SENT PERSON:John Roe -> DOC:B',
      ]);
      const name = await namer(p, docs);
      const received = (await edges(p.projectUuid, 'RECEIVED')).map(
        (e) => `${name(e.source_entity_uuid)} -> ${name(e.target_entity_uuid)} ${JSON.stringify(e.properties.roles)} w=${e.weight}`,
      );
      expect(received.sort()).toEqual([
        'DOC:A -> PERSON:Ann Poe ["to"] w=1',
        'DOC:A -> PERSON:Bob Stone ["cc"] w=1',
        'DOC:A -> PERSON:Carol Vance ["bcc"] w=1',
        'DOC:A -> PERSON:John Roe ["to"] w=1',
        'DOC:B -> PERSON:Ann Poe ["cc","to"] w=2',
        'DOC:B -> PERSON:Jane Doe ["to"] w=1',
        'DOC:C -> PERSON:John Roe ["to"] w=1',
      ]);
      const has = (await edges(p.projectUuid, 'HAS_ADDRESS')).map(
        (e) => `${name(e.source_entity_uuid)} -> ${name(e.target_entity_uuid)} w=${e.weight} docs=${e.properties.documentCount}`,
      );
      expect(has.sort()).toEqual([
        'PERSON:Ann Poe -> EMAIL:ann@example.com w=3 docs=2',
        'PERSON:Bob Stone -> EMAIL:bob@example.org w=1 docs=1',
        'PERSON:Carol Vance -> EMAIL:carol@example.org w=1 docs=1',
        'PERSON:Jane Doe -> EMAIL:jane@example.com w=3 docs=3',
        'PERSON:John Roe -> EMAIL:john@example.com w=3 docs=3',
      ]);
      const replies = (await edges(p.projectUuid, 'IN_REPLY_TO')).map(
        (e) => `${name(e.source_entity_uuid)} -> ${name(e.target_entity_uuid)} w=${e.weight}`,
      );
      expect(replies.sort()).toEqual(['DOC:B -> DOC:A w=1', 'DOC:C -> DOC:B w=1']);
    });

    it('gives each edge its header evidence: document, page 1, span, snippet', async () => {
      const [raw]: Array<{ t: string }> = await db.query('SELECT raw_extracted_text AS t FROM source_documents WHERE document_uuid = $1', [docs.B]);
      const sent = (await edges(p.projectUuid, 'SENT')).find((e) => e.target_entity_uuid === docs.B)!;
      expect(sent.evidence).toHaveLength(1);
      const ev = sent.evidence![0];
      expect(ev).toMatchObject({ documentUuid: docs.B, page: 1 });
      expect(raw.t.slice(ev.start, ev.end)).toBe('Roe, John" <john@example.com');
      expect(ev.snippet).toContain('From: "Roe, John" <john@example.com>');
      const ann = (await edges(p.projectUuid, 'RECEIVED')).find((e) => e.source_entity_uuid === docs.B && e.weight === 2)!;
      expect(ann.evidence!.map((x) => raw.t.slice(x.start, x.end))).toEqual([headerEntry(ANN), headerEntry(ANN)].map((s) => s.slice(0, -1)));
      const reply = (await edges(p.projectUuid, 'IN_REPLY_TO')).find((e) => e.source_entity_uuid === docs.B)!;
      expect(reply.evidence).toHaveLength(1);
      expect(reply.evidence![0]).toMatchObject({ documentUuid: docs.B, page: 1 });
      expect(raw.t.slice(reply.evidence![0].start, reply.evidence![0].end)).toBe('Subject: Re: settlement');
      expect(reply.properties.evidenceChunkUuids).toHaveLength(1);
    });

    it('re-processing writes the same rows (nothing doubles)', async () => {
      const before = await readable(p, docs);
      const contributions = async () =>
        (
          await db.query<Array<{ n: number }>>('SELECT count(*)::int AS n FROM relationship_contributions WHERE project_uuid = $1', [p.projectUuid])
        )[0].n;
      const n = await contributions();
      for (const l of ['C', 'A', 'B'] as Label[]) await t.pipeline.process(docs[l]);
      await Promise.all([t.pipeline.process(docs.A), t2.pipeline.process(docs.B), t3.pipeline.process(docs.A)]);
      expect(await readable(p, docs)).toEqual(before);
      expect(await contributions()).toBe(n);
    });
  });

  describe('order independence', () => {
    let reference: string[];

    beforeAll(async () => {
      const { p, docs } = await thread('email-order-ref');
      for (const l of LABELS) await t.pipeline.process(docs[l]!);
      reference = await readable(p, docs);
      expect(reference.filter((l) => l.startsWith('IN_REPLY_TO'))).toHaveLength(2);
    });

    it.each(permutations(LABELS).map((order) => [order.join('')]))('processing %s gives the same edges', async (order) => {
      const { p, docs } = await thread(`email-order-${order}`);
      for (const l of order.split('') as Label[]) await t.pipeline.process(docs[l]!);
      expect(await readable(p, docs)).toEqual(reference);
    });

    it.each(permutations(LABELS).map((order) => [order.join('')]))(
      'documents arriving (OCR done) and processed one by one in the order %s give the same edges',
      async (order) => {
        const p = await project(`email-arrive-${order}`);
        const docs: Partial<Record<Label, string>> = {};
        for (const l of order.split('') as Label[]) {
          const d = await createEmailDocument(db, p, THREAD[l], `${l}.eml`);
          docs[l] = d;
          await t.pipeline.process(d);
        }
        expect(await readable(p, docs)).toEqual(reference);
      },
    );

    it('three workers processing the thread at once (three rounds) give the same edges', async () => {
      for (let round = 0; round < 3; round++) {
        const { p, docs } = await thread(`email-parallel-${round}`);
        const order = permutations(LABELS)[round * 2];
        await Promise.all(order.map((l, i) => [t, t2, t3][i].pipeline.process(docs[l]!)));
        expect(await readable(p, docs)).toEqual(reference);
      }
    });

    it('messages arriving while their reply is processed by another worker give the same edges (three rounds)', async () => {
      for (let round = 0; round < 3; round++) {
        const p = await project(`email-parallel-arrive-${round}`);
        const docs: Partial<Record<Label, string>> = { C: await createEmailDocument(db, p, THREAD.C, 'C.eml') };
        await Promise.all([
          t.pipeline.process(docs.C!),
          (async () => {
            docs.B = await createEmailDocument(db, p, THREAD.B, 'B.eml');
            await t2.pipeline.process(docs.B);
          })(),
          (async () => {
            docs.A = await createEmailDocument(db, p, THREAD.A, 'A.eml');
            await t3.pipeline.process(docs.A);
          })(),
        ]);
        expect(await readable(p, docs)).toEqual(reference);
      }
    });
  });

  describe('deletion', () => {
    it('deleting the middle message removes its edges; its reply answers the message before it (References)', async () => {
      const { p, docs } = await thread('email-delete');
      for (const l of LABELS) await t.pipeline.process(docs[l]!);
      const before = await readable(p, docs);
      await deleteDocument(p.projectUuid, docs.B!);
      const after = await readable(p, { A: docs.A, C: docs.C });
      // the same graph as a project that never had B
      const fresh = await thread('email-delete-fresh', ['A', 'C']);
      for (const l of ['A', 'C'] as Label[]) await t.pipeline.process(fresh.docs[l]!);
      expect(after).toEqual(await readable(fresh.p, fresh.docs));
      // B's edges are gone, A's own edges are as they were
      expect(after.some((l) => l.includes('DOC:B') || l.includes('?'))).toBe(false);
      expect(after.filter((l) => l.startsWith('IN_REPLY_TO'))).toEqual([expect.stringMatching(/^IN_REPLY_TO DOC:C -> DOC:A /)]);
      const ofA = (ls: string[]) => ls.filter((l) => /^(SENT \S+ \S+ -> DOC:A|RECEIVED DOC:A )/.test(l));
      expect(ofA(after)).toEqual(ofA(before));
      expect(ofA(after)).toHaveLength(5);
      const stray: Array<{ n: number }> = await db.query(
        'SELECT count(*)::int AS n FROM relationship_contributions WHERE project_uuid = $1 AND (source_entity_uuid = $2 OR target_entity_uuid = $2 OR document_uuid = $2)',
        [p.projectUuid, docs.B],
      );
      expect(stray[0].n).toBe(0);
    });

    it('deleting the message answered, then re-adding it, links the reply again', async () => {
      const { p, docs } = await thread('email-delete-first', ['A', 'B']);
      for (const l of ['A', 'B'] as Label[]) await t.pipeline.process(docs[l]!);
      await deleteDocument(p.projectUuid, docs.A!);
      expect(await edges(p.projectUuid, 'IN_REPLY_TO')).toEqual([]);
      const again = await createEmailDocument(db, p, THREAD.A, 'A.eml');
      await t.pipeline.process(again);
      const rows = await edges(p.projectUuid, 'IN_REPLY_TO');
      expect(rows.map((e) => [e.source_entity_uuid, e.target_entity_uuid, e.weight])).toEqual([[docs.B, again, 1]]);
    });
  });

  it('leaves a document that is no e-mail as it was', async () => {
    const text = ['Memo. Jane Doe (jane@example.com) met John Roe on March 1, 2024 about the settlement.'];
    const alone = await project('email-plain-alone');
    const a = await createDocument(db, alone, text, 'memo.pdf');
    await t.pipeline.process(a);
    const { p, docs } = await thread('email-plain-mixed');
    for (const l of LABELS) await t.pipeline.process(docs[l]!);
    const memo = await createDocument(db, p, text, 'memo.pdf');
    await t.pipeline.process(memo);
    for (const l of LABELS) await t.pipeline.process(docs[l]!);
    const contributionsOf = async (pr: TestProject, d: string) => {
      const name = await namer(pr, { A: d });
      const rows: Array<{ s: string; tg: string; ty: string; w: number; x: EdgeEvidence[] | null }> = await db.query(
        `SELECT source_entity_uuid AS s, target_entity_uuid AS tg, relationship_type AS ty, weight AS w, evidence AS x
           FROM relationship_contributions WHERE document_uuid = $1`,
        [d],
      );
      return rows
        .map((r) => `${r.ty} ${ends(r.ty, name(r.s), name(r.tg))} ${r.w} ${JSON.stringify((r.x ?? []).map((e) => [e.start, e.end, e.snippet]))}`)
        .sort();
    };
    const mine = await contributionsOf(p, memo);
    expect(mine).toEqual(await contributionsOf(alone, a));
    expect(mine.some((l) => /^(SENT|RECEIVED|IN_REPLY_TO|HAS_ADDRESS) /.test(l))).toBe(false);
    const methods: Array<{ method: string }> = await db.query('SELECT DISTINCT method FROM entity_mentions WHERE document_uuid = $1', [memo]);
    expect(methods.map((m) => m.method)).not.toContain('email:header');
  });

  describe('hostile metadata', () => {
    it('missing fields, wrong types and a metadata without e-mail: processed, no e-mail edge', async () => {
      const p = await project('email-hostile-types');
      const cases: unknown[] = [
        { format: 'eml' },
        { format: 'eml', email: null },
        { format: 'eml', email: [] },
        { format: 'eml', email: 'From: x' },
        { format: 'eml', email: { from: 'jane@example.com', to: [null, 3, { name: 7 }], references: 'a1', messageId: 42 } },
        { format: 'eml', email: { from: [{ address: 'jane@example.com' }], inReplyTo: { id: 1 } } },
        'not an object',
      ];
      const docs: string[] = [];
      for (const metadata of cases) docs.push(await createEmailDocument(db, p, THREAD.A, 'x.eml', { metadata }));
      for (const d of docs) await t.pipeline.process(d);
      const types: Array<{ relationship_type: string; n: number }> = await db.query(
        `SELECT relationship_type, count(*)::int AS n FROM relationship_staging WHERE project_uuid = $1 GROUP BY 1 ORDER BY 1`,
        [p.projectUuid],
      );
      // only the one entry the metadata names (the sender's address) gives an e-mail edge: jane@ SENT x.eml
      const sent = await edges(p.projectUuid, 'SENT');
      expect(sent).toHaveLength(1);
      expect(sent[0].target_entity_uuid).toBe(docs[5]);
      expect(types.map((x) => x.relationship_type).filter((x) => ['RECEIVED', 'IN_REPLY_TO', 'HAS_ADDRESS'].includes(x))).toEqual([]);
    });

    it('500 recipients, a name with <script>, an address without a name, a name that is its address, a self-reply', async () => {
      const p = await project('email-hostile-many');
      const many: TestAddress[] = Array.from({ length: 500 }, (_, i) => ({ name: `Recipient Number${i}`, address: `r${i}@bulk.example.net` }));
      const email: TestEmail = {
        from: [{ name: null, address: 'noreply@example.com' }],
        to: many,
        cc: [
          { name: '<script>alert(1)</script> Mallory', address: 'mallory@example.com' },
          { name: 'same@example.com', address: 'same@example.com' },
        ],
        messageId: 'self@example.com',
        inReplyTo: 'self@example.com',
        references: ['self@example.com', 'unknown@example.com'],
        subject: 'Newsletter',
      };
      const d = await createEmailDocument(db, p, email, 'bulk.eml');
      await t.pipeline.process(d);
      const name = await namer(p, { A: d });
      const sent = await edges(p.projectUuid, 'SENT');
      expect(sent.map((e) => `${name(e.source_entity_uuid)} -> ${name(e.target_entity_uuid)}`)).toEqual(['EMAIL:noreply@example.com -> DOC:A']);
      const received = await edges(p.projectUuid, 'RECEIVED');
      expect(received).toHaveLength(502);
      const targets = received.map((e) => name(e.target_entity_uuid));
      expect(targets).toContain('PERSON:Recipient Number499');
      expect(targets).toContain('PERSON:<script>alert(1)</script> Mallory');
      expect(targets).toContain('EMAIL:same@example.com');
      expect(targets.filter((x) => x.startsWith('?'))).toEqual([]);
      expect(received.every((e) => Array.isArray(e.properties.roles) && e.evidence?.length === 1 && e.evidence[0].page === 1)).toBe(true);
      expect(await edges(p.projectUuid, 'IN_REPLY_TO')).toEqual([]);
      expect(await edges(p.projectUuid, 'HAS_ADDRESS')).toHaveLength(501);
    });

    it('names and addresses missing from the header page, and an e-mail without pages of parts, are left out', async () => {
      const p = await project('email-hostile-text');
      const d = await createEmailDocument(db, p, THREAD.A, 'odd.eml', { headerText: 'From: someone\nTo: John Roe <john@example.com>' });
      await t.pipeline.process(d);
      const name = await namer(p, { A: d });
      expect((await edges(p.projectUuid, 'SENT')).map((e) => name(e.source_entity_uuid))).toEqual([]);
      expect((await edges(p.projectUuid, 'RECEIVED')).map((e) => name(e.target_entity_uuid))).toEqual(['PERSON:John Roe']);
    });
  });
});
