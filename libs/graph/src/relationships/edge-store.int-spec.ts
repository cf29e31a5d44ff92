import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { documentText } from '../text/document-text';
import { dropDocumentEdges, recomputeDocumentEdges } from './edge-store';

jest.setTimeout(60_000);

/**
 * The edge store on rows written as the pipeline writes them (plain SQL, real PostgreSQL): how the aggregate
 * merges several documents' typed contributions (roles, pins, count, evidence order and caps), and what
 * dropDocumentEdges leaves.
 */
describe('recomputeDocumentEdges / dropDocumentEdges (PostgreSQL)', () => {
  let db: DataSource;
  const projectUuid = randomUUID();

  beforeAll(async () => {
    db = new DataSource(
      dataSourceOptions(process.env.DATABASE_URL!, ENTITIES, MIGRATIONS, { poolSize: 3, applicationName: 'casegraph-edge-store-test' }),
    );
    await db.initialize();
  });

  afterAll(async () => {
    await db.query('DELETE FROM relationship_staging WHERE project_uuid = $1', [projectUuid]);
    await db.query('DELETE FROM relationship_contributions WHERE project_uuid = $1', [projectUuid]);
    await db.query('DELETE FROM entity_mentions WHERE project_uuid = $1', [projectUuid]);
    await db.query('DELETE FROM canonical_entities WHERE project_uuid = $1', [projectUuid]);
    await db.destroy();
  });

  const entity = async (type: string, key: string): Promise<string> => {
    const [row] = await db.query(
      `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key)
       VALUES (gen_random_uuid(), $1, $2, $3, $3) RETURNING canonical_entity_uuid AS u`,
      [projectUuid, type, key],
    );
    return row.u;
  };

  /** A document whose text is `lines` joined; each mention is [entity, type, text in the line, role, attributes]. */
  async function document(
    lines: string[],
    mentions: Array<[string, string, string, string | null, Record<string, unknown>]>,
  ): Promise<{ uuid: string; text: ReturnType<typeof documentText> }> {
    const uuid = randomUUID();
    const text = documentText([{ pageNumber: 1, text: lines.join('\n') }]);
    let from = 0;
    for (const [canonical, type, surface, role, attributes] of mentions) {
      const start = text.text.indexOf(surface, from);
      if (start < 0) throw new Error(`no ${surface}`);
      from = start + 1;
      await db.query(
        `INSERT INTO entity_mentions (mention_uuid, document_uuid, project_uuid, entity_text, entity_type, start_char, end_char,
                                      confidence_score, method, normalized_key, canonical_entity_uuid, role, attributes)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 0.9, 'test', $7, $8, $9, $10)`,
        [uuid, projectUuid, surface, type, start, start + surface.length, `${type}:${surface}`, canonical, role, attributes],
      );
    }
    return { uuid, text };
  }

  const edge = async (type: string, source: string, target: string) =>
    (
      await db.query(
        `SELECT weight, properties, evidence FROM relationship_staging
          WHERE project_uuid = $1 AND relationship_type = $2 AND source_entity_uuid = $3 AND target_entity_uuid = $4`,
        [projectUuid, type, source, target],
      )
    )[0];

  it('merges roles, counts documents, keeps the first 20 occurrences by document then offset, bounds pins to 50', async () => {
    const caseUuid = await entity('CASE', 'name quill v barrow');
    const judge = await entity('PERSON', 'judge marlowe');
    const cited = await entity('CASE', '12 w3d 400');
    const docs: Array<{ uuid: string; text: ReturnType<typeof documentText> }> = [];
    // five documents of one case: judge Marlowe named five times in each, the author in the first, dissenting in the others
    for (let d = 0; d < 5; d++) {
      const role = d === 0 ? 'author' : 'dissent';
      const lines = ['QUILL v. BARROW', ...Array.from({ length: 5 }, (_, i) => `MARLOWE ${i}, Judge, writes part ${i}.`)];
      docs.push(
        await document(lines, [
          [caseUuid, 'CASE', 'v.', null, { kind: 'caption' }],
          ...Array.from(
            { length: 5 },
            () => [judge, 'PERSON', 'MARLOWE', 'judge', { judgeRole: role }] as [string, string, string, string, Record<string, unknown>],
          ),
        ]),
      );
    }
    // the first document also cites one case 60 times, each at another pin
    const pins = Array.from({ length: 60 }, (_, i) => String(1000 + i));
    const citing = await document(
      pins.map((p) => `Id. at ${p}.`),
      pins.map((p) => [cited, 'CASE', `Id. at ${p}`, null, { kind: 'id', pin: p }]),
    );
    for (const d of [...docs, citing]) {
      await db.transaction((m) => recomputeDocumentEdges(m, projectUuid, d.uuid, { text: d.text }));
    }

    const judgeOf = await edge('JUDGE_OF', judge, caseUuid);
    expect(judgeOf.weight).toBe(25);
    expect(judgeOf.properties).toMatchObject({ roles: ['author', 'dissent'], documentCount: 5 });
    expect(judgeOf.evidence).toHaveLength(20);
    const order = [...docs.map((d) => d.uuid)].sort();
    const startsOf = (u: string) => {
      const text = docs.find((d) => d.uuid === u)!.text.text;
      return [...text.matchAll(/MARLOWE/g)].map((x) => x.index);
    };
    const expected = order.flatMap((u) => startsOf(u).map((start) => ({ u, start }))).slice(0, 20);
    expect(judgeOf.evidence.map((e: { documentUuid: string; start: number }) => ({ u: e.documentUuid, start: e.start }))).toEqual(expected);
    expect(judgeOf.evidence[0]).toMatchObject({ page: 1, snippet: expect.stringContaining('MARLOWE 0, Judge, writes part 0.') });

    const cites = await edge('CITES', citing.uuid, cited);
    expect(cites.weight).toBe(60);
    expect(cites.properties.count).toBe(60);
    expect(cites.properties.pins).toEqual(pins.slice(0, 50));
    expect(cites.evidence).toHaveLength(5);
    const [contribution] = await db.query(
      `SELECT properties FROM relationship_contributions WHERE document_uuid = $1 AND relationship_type = 'CITES'`,
      [citing.uuid],
    );
    expect(contribution.properties.pins).toHaveLength(60);

    // dropping the author's document: the judge is a dissenter only, in four documents; its own edges are gone
    const author = docs[0];
    await db.query(
      `INSERT INTO relationship_staging (relationship_uuid, project_uuid, source_entity_uuid, target_entity_uuid, relationship_type, weight, properties)
       VALUES (gen_random_uuid(), $1, $2, $3, 'MENTIONED_IN', 1, '{}')`,
      [projectUuid, await entity('ORG', 'legacy row'), author.uuid],
    );
    await db.transaction((m) => dropDocumentEdges(m, projectUuid, author.uuid));
    const after = await edge('JUDGE_OF', judge, caseUuid);
    expect(after.weight).toBe(20);
    expect(after.properties).toMatchObject({ roles: ['dissent'], documentCount: 4 });
    expect(after.evidence.some((e: { documentUuid: string }) => e.documentUuid === author.uuid)).toBe(false);
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM relationship_staging WHERE project_uuid = $1 AND (source_entity_uuid = $2 OR target_entity_uuid = $2)`,
      [projectUuid, author.uuid],
    );
    expect(n).toBe(0);
    const [{ c }] = await db.query('SELECT count(*)::int AS c FROM relationship_contributions WHERE document_uuid = $1', [author.uuid]);
    expect(c).toBe(0);
  });
  it("reads each end's type from its entity, not from the mention: a person's retype (PATCH entityType) changes the edges", async () => {
    // Mentions keep the type they were extracted with; curation changed two entities' types since.
    const caseUuid = await entity('CASE', 'name hale v orrin');
    const court = await entity('COURT', 'probate court of essex'); // extracted as ORG
    const term = await entity('DATE', 'spring term'); // extracted as LOCATION
    const county = await entity('LOCATION', 'essex county');
    const d = await document(
      ['HALE v. ORRIN', 'Probate Court of Essex', 'Heard in Essex County at the Spring Term.'],
      [
        [caseUuid, 'CASE', 'v.', null, { kind: 'caption' }],
        [court, 'ORG', 'Probate Court of Essex', null, {}],
        [county, 'LOCATION', 'Essex County', null, {}],
        [term, 'LOCATION', 'Spring Term', null, {}],
      ],
    );
    await db.transaction((m) => recomputeDocumentEdges(m, projectUuid, d.uuid, { text: d.text }));
    expect(await edge('DECIDED_BY', caseUuid, court)).toMatchObject({ weight: 1 });
    // a DATE co-occurs only with PERSON, ORG and CASE: no DATE–LOCATION pair
    const [a, b] = [county, term].sort();
    expect(await edge('CO_OCCURS', a, b)).toBeUndefined();
  });
});
