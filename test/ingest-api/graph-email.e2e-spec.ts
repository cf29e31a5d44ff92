import request from 'supertest';
import {
  TestAddress,
  TestEmail,
  TestProject,
  cleanupProjects,
  createDocument,
  createProject,
} from '../../apps/graph-worker/src/testing/graph-test-kit';
import { parseCsv, parseGraphml, replayCypher, textBody } from '../../apps/ingest-api/src/graph/testing/export-readers';
import { TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { ApiWithWorker, openApiWithWorker } from '../support/api-with-worker';

jest.setTimeout(180_000);

/**
 * A thread of two invented e-mails (no real person or matter) through the real graph pipeline, read through the real
 * ingest API: Jane writes to John (Bob in copy), John answers Jane. The worker stores SENT (sender -> e-mail),
 * RECEIVED (e-mail -> recipient, roles to/cc/bcc), IN_REPLY_TO (reply -> e-mail) and HAS_ADDRESS (person -> address);
 * the project graph, the neighbourhood, the entity detail and every export format must show exactly those.
 */
const JANE: TestAddress = { name: 'Jane Doe', address: 'jane@example.com' };
const JOHN: TestAddress = { name: 'John Roe', address: 'john@example.com' };
const BOB: TestAddress = { name: 'Bob Stone', address: 'bob@example.org' };

const FIRST: TestEmail = {
  from: [JANE],
  to: [JOHN],
  cc: [BOB],
  date: '2024-03-01T10:00:00.000Z',
  subject: 'draft agreement',
  messageId: 'first@mail.example.com',
  body: 'The draft is attached.',
};
const REPLY: TestEmail = {
  from: [JOHN],
  to: [JANE],
  date: '2024-03-02T09:00:00.000Z',
  subject: 'Re: draft agreement',
  messageId: 'reply@mail.example.com',
  inReplyTo: 'first@mail.example.com',
  references: ['first@mail.example.com'],
  body: 'Fine with me.',
};

const EMAIL_TYPES = ['SENT', 'RECEIVED', 'IN_REPLY_TO', 'HAS_ADDRESS'];

interface StoredEdge {
  id: string;
  type: string;
  source: string;
  target: string;
  roles: string[] | null;
}

describe('e-mail edges through the read API and the exports (real pipeline)', () => {
  let stack: ApiWithWorker | undefined;
  let t: TestApp;
  let project: TestProject;
  let first: string;
  let reply: string;
  /** name ("PERSON:Jane Doe", "EMAIL:jane@example.com") -> uuid, and back; documents as "DOC:first" / "DOC:reply". */
  const uuidOf = new Map<string, string>();
  const nameOf = new Map<string, string>();
  let stored: StoredEdge[] = [];

  beforeAll(async () => {
    stack = await openApiWithWorker('graph-email', [
      { pages: [], filename: 'first.eml', email: FIRST },
      { pages: [], filename: 'reply.eml', email: REPLY },
    ]);
    ({ t, project } = stack);
    [first, reply] = stack.documents;
    const entities: Array<{ u: string; n: string }> = await t.db.query(
      `SELECT canonical_entity_uuid AS u, entity_type || ':' || canonical_name AS n FROM canonical_entities
        WHERE project_uuid = $1 AND mention_count > 0`,
      [project.projectUuid],
    );
    for (const [n, u] of [...entities.map((e): [string, string] => [e.n, e.u]), ['DOC:first', first] as const, ['DOC:reply', reply] as const]) {
      uuidOf.set(n, u);
      nameOf.set(u, n);
    }
    stored = await t.db.query(
      `SELECT relationship_uuid AS id, relationship_type AS type, source_entity_uuid AS source, target_entity_uuid AS target,
              properties->'roles' AS roles
         FROM relationship_staging WHERE project_uuid = $1 AND relationship_type = ANY($2::text[])`,
      [project.projectUuid, EMAIL_TYPES],
    );
  });

  afterAll(async () => {
    await stack?.close();
  });

  const api = () => request(t.http);
  const base = () => `/v1/projects/${project.projectUuid}`;
  const id = (name: string) => {
    const u = uuidOf.get(name);
    if (!u) throw new Error(`no ${name} among ${[...uuidOf.keys()].join(', ')}`);
    return u;
  };
  const label = (e: { type: string; source: string; target: string }) =>
    `${e.type} ${nameOf.get(e.source) ?? e.source} -> ${nameOf.get(e.target) ?? e.target}`;
  const storedOf = (types: string[]) =>
    stored
      .filter((e) => types.includes(e.type))
      .map(label)
      .sort();

  it('the worker stored the thread (the ground truth of the tests below)', () => {
    expect(storedOf(['SENT', 'RECEIVED', 'IN_REPLY_TO'])).toEqual([
      'IN_REPLY_TO DOC:reply -> DOC:first',
      'RECEIVED DOC:first -> PERSON:Bob Stone',
      'RECEIVED DOC:first -> PERSON:John Roe',
      'RECEIVED DOC:reply -> PERSON:Jane Doe',
      'SENT PERSON:Jane Doe -> DOC:first',
      'SENT PERSON:John Roe -> DOC:reply',
    ]);
    expect(storedOf(['HAS_ADDRESS'])).toEqual([
      'HAS_ADDRESS PERSON:Bob Stone -> EMAIL:bob@example.org',
      'HAS_ADDRESS PERSON:Jane Doe -> EMAIL:jane@example.com',
      'HAS_ADDRESS PERSON:John Roe -> EMAIL:john@example.com',
    ]);
  });

  describe('GET graph', () => {
    it('relationshipTypes=SENT,RECEIVED,IN_REPLY_TO: the edges with roles, the e-mails as document nodes by file name', async () => {
      const res = await api().get(`${base()}/graph?relationshipTypes=SENT,RECEIVED,IN_REPLY_TO`).expect(200);
      const edges: Array<{ id: string; type: string; source: string; target: string; properties: { roles?: string[] }; evidence: unknown }> =
        res.body.edges;
      expect(edges.map(label).sort()).toEqual(storedOf(['SENT', 'RECEIVED', 'IN_REPLY_TO']));
      expect(new Set(edges.map((e) => e.id))).toEqual(new Set(stored.filter((e) => e.type !== 'HAS_ADDRESS').map((e) => e.id)));
      const roles = edges
        .filter((e) => e.type === 'RECEIVED')
        .map((e) => `${nameOf.get(e.target)} ${JSON.stringify(e.properties.roles)}`)
        .sort();
      expect(roles).toEqual(['PERSON:Bob Stone ["cc"]', 'PERSON:Jane Doe ["to"]', 'PERSON:John Roe ["to"]']);
      for (const e of edges) expect([label(e), e.evidence]).toEqual([label(e), expect.objectContaining({ page: 1 })]);
      const docs = res.body.nodes.filter((n: { kind: string }) => n.kind === 'document');
      expect(docs).toEqual([
        { id: first, label: 'first.eml', kind: 'document', type: 'DOCUMENT', mentionCount: null },
        { id: reply, label: 'reply.eml', kind: 'document', type: 'DOCUMENT', mentionCount: null },
      ]);
      const ids = new Set(res.body.nodes.map((n: { id: string }) => n.id));
      for (const e of edges) expect([label(e), ids.has(e.source) && ids.has(e.target)]).toEqual([label(e), true]);
    });

    it('each type alone filters; IN_REPLY_TO alone links the two e-mails', async () => {
      for (const type of ['SENT', 'RECEIVED', 'IN_REPLY_TO', 'HAS_ADDRESS']) {
        const res = await api().get(`${base()}/graph?relationshipTypes=${type}`).expect(200);
        expect([type, res.body.edges.map(label).sort()]).toEqual([type, storedOf([type])]);
        const ids = new Set(res.body.nodes.map((n: { id: string }) => n.id));
        for (const e of res.body.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
      }
      const replies = await api().get(`${base()}/graph?relationshipTypes=IN_REPLY_TO`).expect(200);
      expect(replies.body.nodes.filter((n: { kind: string }) => n.kind === 'document').map((n: { label: string }) => n.label)).toEqual([
        'first.eml',
        'reply.eml',
      ]);
      // HAS_ADDRESS is entity -> entity: no document comes in
      const has = await api().get(`${base()}/graph?relationshipTypes=HAS_ADDRESS`).expect(200);
      expect(has.body.nodes.every((n: { kind: string }) => n.kind === 'entity')).toBe(true);
    });

    it('the default view (every type but MENTIONED_IN) shows the e-mail edges too', async () => {
      const res = await api().get(`${base()}/graph`).expect(200);
      const shown = res.body.edges
        .filter((e: { type: string }) => EMAIL_TYPES.includes(e.type))
        .map(label)
        .sort();
      expect(shown).toEqual(storedOf(EMAIL_TYPES));
      expect(res.body.edges.some((e: { type: string }) => e.type === 'MENTIONED_IN')).toBe(false);
    });
  });

  it('the neighbourhood of the sender: the e-mails she sent and received, the reply link, her address', async () => {
    const jane = id('PERSON:Jane Doe');
    const res = await api().get(`${base()}/entities/${jane}/neighbourhood`).expect(200);
    const nodes: Array<{ id: string; kind: string; name: string; depth: number }> = res.body.nodes;
    expect(nodes.filter((n) => n.kind === 'document').map((n) => [n.name, n.depth])).toEqual(
      expect.arrayContaining([
        ['first.eml', 1],
        ['reply.eml', 1],
      ]),
    );
    const edges = res.body.edges.map(label);
    expect(edges).toEqual(
      expect.arrayContaining([
        'SENT PERSON:Jane Doe -> DOC:first',
        'RECEIVED DOC:reply -> PERSON:Jane Doe',
        'IN_REPLY_TO DOC:reply -> DOC:first',
        'HAS_ADDRESS PERSON:Jane Doe -> EMAIL:jane@example.com',
      ]),
    );
    const only = await api().get(`${base()}/entities/${jane}/neighbourhood?relationshipTypes=SENT,RECEIVED,IN_REPLY_TO`).expect(200);
    expect(only.body.edges.map(label).sort()).toEqual([
      'IN_REPLY_TO DOC:reply -> DOC:first',
      'RECEIVED DOC:reply -> PERSON:Jane Doe',
      'SENT PERSON:Jane Doe -> DOC:first',
    ]);
  });

  describe('GET entity detail: e-mail roles', () => {
    const detail = async (name: string) =>
      (
        await api()
          .get(`${base()}/entities/${id(name)}`)
          .expect(200)
      ).body.roles;

    it('a person: sent, received (with role), addresses', async () => {
      const jane = await detail('PERSON:Jane Doe');
      expect(jane.sent).toEqual([
        {
          relationshipUuid: stored.find((e) => e.type === 'SENT' && e.target === first)!.id,
          documentUuid: first,
          documentName: 'first.eml',
          subject: 'draft agreement',
          date: '2024-03-01T10:00:00.000Z',
          roles: [],
          evidenceCount: 1,
          evidence: expect.objectContaining({ documentUuid: first, page: 1 }),
        },
      ]);
      expect(jane.sentTotal).toBe(1);
      expect(jane.received.map((r: { documentName: string; subject: string; roles: string[] }) => [r.documentName, r.subject, r.roles])).toEqual([
        ['reply.eml', 'Re: draft agreement', ['to']],
      ]);
      expect(jane.receivedTotal).toBe(1);
      expect(jane.addresses.map((a: { entity: { type: string; name: string } }) => a.entity)).toEqual([
        { uuid: id('EMAIL:jane@example.com'), type: 'EMAIL', name: 'jane@example.com' },
      ]);
      expect(jane.addressOf).toEqual([]);
      const bob = await detail('PERSON:Bob Stone');
      expect(bob.sent).toEqual([]);
      expect(bob.sentTotal).toBe(0);
      expect(bob.received.map((r: { documentUuid: string; roles: string[] }) => [r.documentUuid, r.roles])).toEqual([[first, ['cc']]]);
    });

    it('an address: the persons it belongs to; the typed buckets stay empty', async () => {
      const address = await detail('EMAIL:john@example.com');
      expect(address.addressOf.map((a: { entity: { name: string } }) => a.entity.name)).toEqual(['John Roe']);
      expect(address.addresses).toEqual([]);
      for (const k of ['partyTo', 'parties', 'judgeOf', 'judges']) expect([k, address[k]]).toEqual([k, []]);
    });
  });

  it('bounds sent and received at 50 each (newest first, undated last) and counts them all', async () => {
    // Edges in the worker's shape written with SQL, in a project of their own: 53 sent (one undated), 2 received.
    const big = await createProject(t.db, 'graph-email-bounds');
    try {
      const [person] = await t.db.query(
        `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key, aliases, mention_count)
         VALUES (gen_random_uuid(), $1, 'PERSON', 'Pat Busy', 'pat busy', '["Pat Busy"]'::jsonb, 60) RETURNING canonical_entity_uuid AS u`,
        [big.projectUuid],
      );
      const mails: string[] = [];
      for (let i = 0; i < 55; i++) {
        const doc = await createDocument(t.db, big, [`mail ${i}`], `m${String(i).padStart(2, '0')}.eml`);
        // m00 has no Date; a Date that is not a string is shown as null, never an error
        const date =
          i === 0 ? null : i === 1 ? 12345 : `2024-01-${String(i % 28 || 28).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00.000Z`;
        await t.db.query('UPDATE source_documents SET document_metadata = $2::jsonb WHERE document_uuid = $1', [
          doc,
          JSON.stringify({ format: 'eml', email: { subject: `s${i}`, date } }),
        ]);
        mails.push(doc);
      }
      for (const [i, doc] of mails.entries()) {
        const [type, source, target, props] =
          i < 53 ? ['SENT', person.u, doc, {}] : ['RECEIVED', doc, person.u, { roles: i === 53 ? ['bcc'] : ['cc', 'to'] }];
        await t.db.query(
          `INSERT INTO relationship_staging (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight, properties)
           VALUES ($1, $2, $3, $4, 1, $5)`,
          [big.projectUuid, source, target, type, JSON.stringify(props)],
        );
      }
      const roles = (await api().get(`/v1/projects/${big.projectUuid}/entities/${person.u}`).expect(200)).body.roles;
      expect(roles.sentTotal).toBe(53);
      expect(roles.sent).toHaveLength(50);
      const dates: Array<string | null> = roles.sent.map((x: { date: string | null }) => x.date);
      expect(dates.every((x) => typeof x === 'string')).toBe(true);
      expect(dates).toEqual([...dates].sort().reverse());
      expect(roles.receivedTotal).toBe(2);
      expect(roles.received.map((x: { documentName: string; roles: string[] }) => [x.documentName, x.roles]).sort()).toEqual([
        ['m53.eml', ['bcc']],
        ['m54.eml', ['cc', 'to']],
      ]);
      // the undated and the non-string date are the two left out (undated last)
      const shown = new Set(roles.sent.map((x: { documentName: string }) => x.documentName));
      expect(['m00.eml', 'm01.eml'].filter((n) => shown.has(n))).toEqual([]);
    } finally {
      await cleanupProjects(t.db, [big]);
    }
  });

  it('OpenAPI documents the e-mail buckets of the entity detail', async () => {
    const doc = (await api().get('/docs-json').expect(200)).body;
    const roles = doc.components.schemas.EntityRolesDto;
    for (const k of ['sent', 'sentTotal', 'received', 'receivedTotal', 'addresses', 'addressOf']) {
      expect([k, roles.properties[k]?.description]).toEqual([k, expect.any(String)]);
      expect(roles.required).toContain(k);
    }
    expect(roles.properties.sent.items.$ref).toBe('#/components/schemas/EmailDocumentRoleDto');
    const item = doc.components.schemas.EmailDocumentRoleDto;
    expect(Object.keys(item.properties).sort()).toEqual(
      ['date', 'documentName', 'documentUuid', 'evidence', 'evidenceCount', 'relationshipUuid', 'roles', 'subject'].sort(),
    );
  });

  describe('GET graph/export: every format has the e-mail edges with their document ends', () => {
    const get = async (format: string) =>
      (await api().get(`${base()}/graph/export?format=${format}`).buffer(true).parse(textBody).expect(200)).body as string;

    it('graphml: directed edges between the entity and document node ids, roles as data', async () => {
      const g = parseGraphml(await get('graphml'));
      const nodes = new Map(g.nodes.map((n) => [n.id, n.data]));
      expect(nodes.get(first)).toMatchObject({ label: 'first.eml', kind: 'document', type: 'DOCUMENT' });
      expect(nodes.get(reply)).toMatchObject({ label: 'reply.eml', kind: 'document', type: 'DOCUMENT' });
      const edges = new Map(g.edges.map((e) => [e.id, e]));
      for (const s of stored) {
        const e = edges.get(s.id);
        expect([label(s), e && { source: e.source, target: e.target, directed: e.directed, rel: e.data.rel }]).toEqual([
          label(s),
          { source: s.source, target: s.target, directed: true, rel: s.type },
        ]);
        expect(nodes.has(e!.source) && nodes.has(e!.target)).toBe(true);
        expect(Number(e!.data.evidence_count)).toBeGreaterThan(0);
      }
      const toBob = stored.find((s) => s.type === 'RECEIVED' && s.target === id('PERSON:Bob Stone'))!;
      expect(edges.get(toBob.id)!.data.roles).toBe('cc');
    });

    it('cypher: SENT Entity -> Document, RECEIVED Document -> Entity, IN_REPLY_TO Document -> Document', async () => {
      const text = await get('cypher');
      const graph = replayCypher(text);
      expect(graph.nodes.get(first)?.label).toBe('Document');
      expect(graph.nodes.get(reply)?.label).toBe('Document');
      for (const s of stored) {
        const r = graph.relationships.get(s.id);
        expect([label(s), r && { type: r.type, from: r.from, to: r.to, directed: r.directed }]).toEqual([
          label(s),
          { type: s.type, from: s.source, to: s.target, directed: true },
        ]);
      }
      expect(text).toContain(`MATCH (a:Document {uuid: '${reply}'}), (b:Document {uuid: '${first}'}) MERGE (a)-[r:IN_REPLY_TO`);
      expect(text).toContain(`MATCH (a:Entity {uuid: '${id('PERSON:Jane Doe')}'}), (b:Document {uuid: '${first}'}) MERGE (a)-[r:SENT`);
      const toBob = stored.find((s) => s.type === 'RECEIVED' && s.target === id('PERSON:Bob Stone'))!;
      expect(graph.relationships.get(toBob.id)!.props.roles).toEqual(['cc']);
    });

    it('csv-nodes + csv-edges: a row per edge, ends among the nodes, roles', async () => {
      const nodes = parseCsv(await get('csv-nodes'));
      const edges = parseCsv(await get('csv-edges'));
      const col = (rows: string[][], name: string) => rows[0].indexOf(name);
      const nodeLabels = new Map(nodes.slice(1).map((r) => [r[col(nodes, ':ID')], r[col(nodes, ':LABEL')]]));
      expect(nodeLabels.get(first)).toBe('Document');
      expect(nodeLabels.get(reply)).toBe('Document');
      const rows = new Map(edges.slice(1).map((r) => [r[col(edges, 'Id')], r]));
      for (const s of stored) {
        const r = rows.get(s.id);
        expect([label(s), r && [r[col(edges, ':START_ID')], r[col(edges, ':END_ID')], r[col(edges, ':TYPE')], r[col(edges, 'Type')]]]).toEqual([
          label(s),
          [s.source, s.target, s.type, 'Directed'],
        ]);
        expect(nodeLabels.has(s.source) && nodeLabels.has(s.target)).toBe(true);
      }
      const toBob = stored.find((s) => s.type === 'RECEIVED' && s.target === id('PERSON:Bob Stone'))!;
      expect(rows.get(toBob.id)![col(edges, 'roles:string[]')]).toBe('cc');
    });

    it('csv (one table): the document nodes and the edge rows', async () => {
      const rows = parseCsv(await get('csv'));
      const [head] = rows;
      const records = rows.slice(1).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
      expect(
        records
          .filter((r) => r.record === 'node' && r.kind === 'document')
          .map((r) => r.name)
          .sort(),
      ).toEqual(['first.eml', 'reply.eml']);
      const edges = new Map(records.filter((r) => r.record === 'edge').map((r) => [r.id, r]));
      for (const s of stored) expect([label(s), edges.get(s.id)?.type, edges.get(s.id)?.source]).toEqual([label(s), s.type, s.source]);
    });
  });
});
