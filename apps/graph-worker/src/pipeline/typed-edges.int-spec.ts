import { DataSource } from 'typeorm';
import { MAX_EVIDENCE_PER_DOCUMENT, type EdgeEvidence } from '@casegraph/contracts';
import { PipelineApp, TestProject, cleanupProjects, createDocument, createPipelineApp, createProject } from '../testing/graph-test-kit';

jest.setTimeout(120_000);

// An invented appellate opinion (no real case, court record or person): a caption with a docket, counsel blocks, a
// panel, the author, a dissent, full / short / Id. / supra citations with signals and pins, a statute, and two
// dates in one sentence with nothing else.

// The caption of both documents: court, docket, parties and their roles.
const CAPTION = `UNITED STATES COURT OF APPEALS
FOR THE TENTH CIRCUIT

No. 24-3117

MARGARET OKAFOR,

          Plaintiff - Appellant,

v.

BRIGHTWATER LOGISTICS, INC.,

          Defendant - Appellee.
`;

const OPINION = [
  `${CAPTION}
Appeal from the United States District Court
for the District of Kansas

Daniel Pruitt, Pruitt & Vance LLP, Wichita, Kansas, for Plaintiff-Appellant.

Helen Castellano, Marsh Rowe LLP, Topeka, Kansas, for Defendant-Appellee.

Before HARTWELL, LINDQVIST, and ABERNATHY, Circuit Judges.

HARTWELL, Circuit Judge.

Margaret Okafor drove a yard tractor for Brightwater Logistics, Inc. for eleven years. After she complained
about a supervisor, Brightwater moved her to the night shift and then let her go. She sued under
42 U.S.C. § 2000e-3(a), and the district court granted summary judgment to Brightwater. We affirm.

The complaint was filed on March 3, 2023 and amended on June 9, 2023.
`,
  `A retaliation claim needs a causal link between the protected activity and the adverse action. See
Caldwell v. Ferris Grain Co., 512 F.3d 1104, 1109 (10th Cir. 2008). Timing alone may be enough when the
two events are very close. Caldwell, 512 F.3d at 1111. Here four months passed. Id. at 1112. Cf. Dunmore v.
Alvarez Foods, Inc., 301 F. Supp. 3d 455, 460 (D. Kan. 2018). But see Dunmore, supra, at 462.

Okafor also argues that the night-shift move was itself adverse. See also Caldwell, 512 F.3d at 1113. The
record does not support it. The judgment of the district court is AFFIRMED.

ABERNATHY, Circuit Judge, dissenting.

I would hold that four months is close enough on this record. See Caldwell, 512 F.3d at 1111. Cf. Whitcomb v.
Orland Freight Lines, 77 F.4th 230, 236 (10th Cir. 2023) (Ruiz, J., dissenting). I respectfully dissent.
`,
];

// A later order in the same case: the same caption, court and parties (their edges gain a second document).
const ORDER = [
  `${CAPTION}
ORDER

Before HARTWELL, LINDQVIST, and ABERNATHY, Circuit Judges.

The petition for rehearing is denied.
`,
];

interface Edge {
  relationship_type: string;
  source_entity_uuid: string;
  target_entity_uuid: string;
  weight: number;
  properties: Record<string, unknown>;
  evidence: EdgeEvidence[] | null;
}

describe('typed edges through the graph pipeline (PostgreSQL + Redis)', () => {
  let t: PipelineApp;
  let db: DataSource;
  let project: TestProject;
  let opinion: string;
  let order: string;

  beforeAll(async () => {
    t = await createPipelineApp();
    db = t.db;
    project = await createProject(db, 'typed-edges');
    opinion = await createDocument(db, project, OPINION, 'okafor-opinion.pdf');
    order = await createDocument(db, project, ORDER, 'okafor-order.pdf');
    await t.pipeline.process(opinion);
    await t.pipeline.process(order);
  });

  afterAll(async () => {
    await cleanupProjects(db, [project]);
    await t.close();
  });

  /** canonical uuid -> name, and name -> uuid, of the project's entities (type:name). */
  async function names(): Promise<{ nameOf: (uuid: string) => string; uuidOf: (type: string, name: string) => string }> {
    const rows: Array<{ canonical_entity_uuid: string; entity_type: string; canonical_name: string }> = await db.query(
      'SELECT canonical_entity_uuid, entity_type, canonical_name FROM canonical_entities WHERE project_uuid = $1',
      [project.projectUuid],
    );
    const byUuid = new Map(rows.map((r) => [r.canonical_entity_uuid, `${r.entity_type}:${r.canonical_name}`]));
    byUuid.set(opinion, 'DOC:opinion');
    byUuid.set(order, 'DOC:order');
    return {
      nameOf: (u) => byUuid.get(u) ?? u,
      uuidOf: (type, name) => {
        const hit = rows.filter((r) => r.entity_type === type && r.canonical_name === name);
        if (hit.length !== 1)
          throw new Error(`${hit.length} ${type} entities named ${name}: ${rows.map((r) => `${r.entity_type}:${r.canonical_name}`).join(', ')}`);
        return hit[0].canonical_entity_uuid;
      },
    };
  }

  const edges = (type: string): Promise<Edge[]> =>
    db.query(
      `SELECT relationship_type, source_entity_uuid, target_entity_uuid, weight, properties, evidence FROM relationship_staging
        WHERE project_uuid = $1 AND relationship_type = $2 ORDER BY source_entity_uuid, target_entity_uuid`,
      [project.projectUuid, type],
    );

  /** The edges of a type as "source -> target" with the given properties, sorted. */
  async function readable(type: string, props: string[] = []): Promise<Array<Record<string, unknown>>> {
    const { nameOf } = await names();
    return (await edges(type))
      .map((e) => ({
        edge: `${nameOf(e.source_entity_uuid)} -> ${nameOf(e.target_entity_uuid)}`,
        ...Object.fromEntries(props.map((p) => [p, e.properties[p]])),
      }))
      .sort((a, b) => (a.edge < b.edge ? -1 : 1));
  }

  const CASE = 'CASE:Okafor v. Brightwater Logistics, Inc.';
  const OKAFOR = 'PERSON:Margaret Okafor';
  const BRIGHTWATER = 'ORG:Brightwater Logistics, Inc.';

  it('PARTY_TO: each caption party -> the caption case with its roles, over both documents', async () => {
    expect(await readable('PARTY_TO', ['roles', 'documentCount'])).toEqual(
      [
        { edge: `${OKAFOR} -> ${CASE}`, roles: ['appellant', 'plaintiff'], documentCount: 2 },
        { edge: `${BRIGHTWATER} -> ${CASE}`, roles: ['appellee', 'defendant'], documentCount: 2 },
      ].sort((a, b) => (a.edge < b.edge ? -1 : 1)),
    );
  });

  it('ADVERSE_TO: the two sides, once, source < target', async () => {
    const rows = await edges('ADVERSE_TO');
    expect(rows).toHaveLength(1);
    expect(rows[0].source_entity_uuid < rows[0].target_entity_uuid).toBe(true);
    const { nameOf } = await names();
    expect([nameOf(rows[0].source_entity_uuid), nameOf(rows[0].target_entity_uuid)].sort()).toEqual([BRIGHTWATER, OKAFOR].sort());
    expect(rows[0].weight).toBe(2); // one caption in each document
  });

  it('REPRESENTS: counsel and firms -> the party they appear for', async () => {
    expect(await readable('REPRESENTS', ['roles'])).toEqual([
      { edge: `ORG:Marsh Rowe LLP -> ${BRIGHTWATER}`, roles: ['defendant'] },
      { edge: `ORG:Pruitt & Vance LLP -> ${OKAFOR}`, roles: ['plaintiff'] },
      { edge: `PERSON:Daniel Pruitt -> ${OKAFOR}`, roles: ['plaintiff'] },
      { edge: `PERSON:Helen Castellano -> ${BRIGHTWATER}`, roles: ['defendant'] },
    ]);
  });

  it('JUDGE_OF: the panel, the author and the dissent; not the judge of a cited case', async () => {
    expect(await readable('JUDGE_OF', ['roles'])).toEqual([
      { edge: `PERSON:Abernathy -> ${CASE}`, roles: ['dissent', 'panel'] },
      { edge: `PERSON:Hartwell -> ${CASE}`, roles: ['author', 'panel'] },
      { edge: `PERSON:Lindqvist -> ${CASE}`, roles: ['panel'] },
    ]);
  });

  it('DECIDED_BY: the caption case -> the court of the caption, not the district court appealed from', async () => {
    expect(await readable('DECIDED_BY', ['documentCount'])).toEqual([
      { edge: `${CASE} -> COURT:United States Court of Appeals for the Tenth Circuit`, documentCount: 2 },
    ]);
  });

  it('CITES: the opinion -> each cited case once (full, short, Id., supra) and the statute, with pins, signals and count', async () => {
    const { nameOf } = await names();
    const rows = await readable('CITES', ['count', 'pins', 'signals']);
    const caldwell = rows.find((r) => /Caldwell/.test(r.edge as string));
    const dunmore = rows.find((r) => /Dunmore/.test(r.edge as string));
    const statute = rows.find((r) => /2000e-3/.test(r.edge as string));
    const whitcomb = rows.find((r) => /Whitcomb/.test(r.edge as string));
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => (r.edge as string).startsWith('DOC:opinion -> '))).toBe(true);
    expect(caldwell).toMatchObject({ count: 5, pins: ['1109', '1111', '1112', '1113'], signals: ['see', 'see also'] });
    expect(dunmore).toMatchObject({ count: 2, pins: ['460', '462'], signals: ['but see', 'cf.'] });
    expect(statute).toMatchObject({ count: 1 });
    expect(whitcomb).toMatchObject({ count: 1, pins: ['236'], signals: ['cf.'] });
    expect(rows.some((r) => (r.edge as string).endsWith(CASE))).toBe(false);
    expect(nameOf(opinion)).toBe('DOC:opinion');
  });

  it('every edge carries evidence: document, page, code-point span and a snippet of the text there', async () => {
    const text: string = (await db.query('SELECT raw_extracted_text FROM source_documents WHERE document_uuid = $1', [opinion]))[0]
      .raw_extracted_text;
    const all: Edge[] = await db.query('SELECT * FROM relationship_staging WHERE project_uuid = $1', [project.projectUuid]);
    expect(all.length).toBeGreaterThan(20);
    for (const e of all) {
      expect(e.evidence?.length).toBeGreaterThan(0);
      for (const ev of e.evidence!) {
        expect(ev.snippet.length).toBeLessThanOrEqual(240);
        expect([opinion, order]).toContain(ev.documentUuid);
        if (ev.documentUuid !== opinion) continue;
        // the span's text is in the snippet (white space collapsed); the page is where the span starts
        const span = [...text].slice(ev.start, ev.end).join('').replace(/\s+/g, ' ');
        expect(ev.snippet).toContain(span.slice(0, 200));
        expect(ev.page).toBe(ev.start < [...OPINION[0]].length ? 1 : 2);
      }
    }
    const { uuidOf } = await names();
    const [caldwell] = (await edges('CITES')).filter((e) => e.properties.pins && (e.properties.pins as string[]).includes('1113'));
    expect(caldwell.evidence).toHaveLength(MAX_EVIDENCE_PER_DOCUMENT);
    expect(caldwell.evidence![0]).toMatchObject({ documentUuid: opinion, page: 2 });
    expect(caldwell.evidence![0].snippet).toContain('Caldwell v. Ferris Grain Co., 512 F.3d 1104, 1109 (10th Cir. 2008)');
    // PARTY_TO of the plaintiff: the opinion's mentions and the order's, by document then offset
    const [party] = (await edges('PARTY_TO')).filter((e) => e.source_entity_uuid === uuidOf('PERSON', 'Margaret Okafor'));
    const docs = party.evidence!.map((ev) => ev.documentUuid);
    expect(new Set(docs)).toEqual(new Set([opinion, order]));
    expect(docs).toEqual([...docs].sort());
    expect(party.evidence![0]).toMatchObject({ page: 1 });
  });

  it('CO_OCCURS: never two dates, nor a date with a court or statute; a date with a person still', async () => {
    const rows: Array<{ a: string; b: string }> = await db.query(
      `SELECT s.entity_type AS a, t.entity_type AS b FROM relationship_staging r
         JOIN canonical_entities s ON s.canonical_entity_uuid = r.source_entity_uuid
         JOIN canonical_entities t ON t.canonical_entity_uuid = r.target_entity_uuid
        WHERE r.project_uuid = $1 AND r.relationship_type = 'CO_OCCURS'`,
      [project.projectUuid],
    );
    const [{ dates }] = await db.query(`SELECT count(*)::int AS dates FROM canonical_entities WHERE project_uuid = $1 AND entity_type = 'DATE'`, [
      project.projectUuid,
    ]);
    expect(dates).toBeGreaterThanOrEqual(2); // March 3, 2023 and June 9, 2023 share a sentence
    const leaf = ['DATE', 'MONEY', 'URL', 'EMAIL', 'PHONE'];
    const anchor = ['PERSON', 'ORG', 'CASE'];
    const bad = rows.filter((r) => (leaf.includes(r.a) && !anchor.includes(r.b)) || (leaf.includes(r.b) && !anchor.includes(r.a)));
    expect(bad).toEqual([]);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('re-processing the opinion leaves identical edges, contributions, properties and evidence', async () => {
    const snapshot = async () => ({
      edges: await db.query(
        `SELECT relationship_type, source_entity_uuid, target_entity_uuid, weight, properties, evidence FROM relationship_staging
          WHERE project_uuid = $1 ORDER BY relationship_type, source_entity_uuid, target_entity_uuid`,
        [project.projectUuid],
      ),
      contributions: await db.query(
        `SELECT document_uuid, relationship_type, source_entity_uuid, target_entity_uuid, weight, evidence_chunk_uuids, properties, evidence
           FROM relationship_contributions WHERE project_uuid = $1
          ORDER BY document_uuid, relationship_type, source_entity_uuid, target_entity_uuid`,
        [project.projectUuid],
      ),
    });
    const before = await snapshot();
    await t.pipeline.process(opinion);
    expect(await snapshot()).toEqual(before);
    await Promise.all([t.pipeline.process(opinion), t.pipeline.process(order)]);
    expect(await snapshot()).toEqual(before);
  });
});
