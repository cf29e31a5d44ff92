import { DataSource } from 'typeorm';
import type { GeneratedDocumentName } from '@casegraph/testing';
import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  createDocument,
  createPipelineApp,
  createProject,
  generatedPages,
} from '../testing/graph-test-kit';

jest.setTimeout(240_000);

const FILINGS: GeneratedDocumentName[] = ['complaint.pdf', 'motion.pdf', 'order.pdf'];

interface ProjectGraph {
  /** `${type}:${normalized_key}` -> { name, mentions } (entities that have mentions). */
  entities: Record<string, { name: string; mentions: number }>;
  /** `${type}|${key of one end}|${key of the other}` (ends sorted) -> weight; MENTIONED_IN targets by file name. */
  edges: Record<string, number>;
}

/** The graph of a project by entity key and file name, so two projects (different UUIDs) compare. */
async function projectGraph(db: DataSource, projectUuid: string): Promise<ProjectGraph> {
  const ents: Array<{ id: string; t: string; k: string; name: string; n: number }> = await db.query(
    `SELECT canonical_entity_uuid::text AS id, entity_type AS t, normalized_key AS k, canonical_name AS name, mention_count AS n
       FROM canonical_entities WHERE project_uuid = $1`,
    [projectUuid],
  );
  const docs: Array<{ id: string; name: string }> = await db.query(
    'SELECT document_uuid::text AS id, original_file_name AS name FROM source_documents WHERE project_uuid = $1',
    [projectUuid],
  );
  const keyOf = new Map<string, string>([...ents.map((e) => [e.id, `${e.t}:${e.k}`] as const), ...docs.map((d) => [d.id, `doc:${d.name}`] as const)]);
  const entities: ProjectGraph['entities'] = {};
  for (const e of ents) if (e.n > 0) entities[`${e.t}:${e.k}`] = { name: e.name, mentions: e.n };
  const rows: Array<{ s: string; t: string; type: string; w: number }> = await db.query(
    `SELECT source_entity_uuid::text AS s, target_entity_uuid::text AS t, relationship_type AS type, weight::float AS w
       FROM relationship_staging WHERE project_uuid = $1`,
    [projectUuid],
  );
  const edges: ProjectGraph['edges'] = {};
  for (const r of rows) {
    const ends = [keyOf.get(r.s) ?? r.s, keyOf.get(r.t) ?? r.t].sort();
    edges[`${r.type}|${ends[0]}|${ends[1]}`] = r.w;
  }
  return { entities, edges };
}

/**
 * The same documents must give the same graph whatever the order (or concurrency) in which they are
 * processed: the generated filings name "Halvorsen Marine Logistics, LLC" / "Halvorsen Marine",
 * "Seattle, Washington" / "Washington" and "United States District" / "United States" in different
 * proportions, and fuzzy matching merges those variants.
 */
describe('resolution does not depend on the order documents are processed in (PostgreSQL + Redis)', () => {
  let t: PipelineApp;
  let db: DataSource;
  const projects: TestProject[] = [];

  beforeAll(async () => {
    t = await createPipelineApp();
    db = t.db;
  });

  afterAll(async () => {
    await cleanupProjects(db, projects);
    await t.close();
  });

  async function load(label: string, pagesOf = generatedPages): Promise<{ project: TestProject; docs: Record<string, string> }> {
    const project = await createProject(db, label);
    projects.push(project);
    const docs: Record<string, string> = {};
    for (const name of FILINGS) docs[name] = await createDocument(db, project, pagesOf(name), name);
    return { project, docs };
  }

  it('[complaint, motion, order], [order, motion, complaint] and all at once give the same graph, also after re-processing', async () => {
    const a = await load('order-a');
    for (const name of ['complaint.pdf', 'motion.pdf', 'order.pdf']) await t.pipeline.process(a.docs[name]);
    const b = await load('order-b');
    for (const name of ['order.pdf', 'motion.pdf', 'complaint.pdf']) await t.pipeline.process(b.docs[name]);
    const c = await load('order-c');
    await Promise.all(FILINGS.map((name) => t.pipeline.process(c.docs[name])));

    const ga = await projectGraph(db, a.project.projectUuid);
    expect(Object.keys(ga.entities).length).toBeGreaterThan(20);
    expect(Object.keys(ga.edges).length).toBeGreaterThan(20);
    expect(await projectGraph(db, b.project.projectUuid)).toEqual(ga);
    expect(await projectGraph(db, c.project.projectUuid)).toEqual(ga);

    // Re-processing (in yet another order) changes nothing.
    for (const name of ['motion.pdf', 'order.pdf', 'complaint.pdf']) await t.pipeline.process(a.docs[name]);
    expect(await projectGraph(db, a.project.projectUuid)).toEqual(ga);
  });

  it('also with the scheduling order signed "United States District Judge" (the wording that once split "united states")', async () => {
    const original = (name: GeneratedDocumentName) =>
      generatedPages(name).map((p) => (name === 'order.pdf' ? p.replace(/^(\s*)District Judge$/m, '$1United States District Judge') : p));
    expect(original('order.pdf').join('\n')).toContain('United States District Judge');
    const a = await load('order-judge-a', original);
    for (const name of ['complaint.pdf', 'motion.pdf', 'order.pdf']) await t.pipeline.process(a.docs[name]);
    const b = await load('order-judge-b', original);
    for (const name of ['order.pdf', 'motion.pdf', 'complaint.pdf']) await t.pipeline.process(b.docs[name]);
    const c = await load('order-judge-c', original);
    await Promise.all(FILINGS.map((name) => t.pipeline.process(c.docs[name])));
    const ga = await projectGraph(db, a.project.projectUuid);
    expect(await projectGraph(db, b.project.projectUuid)).toEqual(ga);
    expect(await projectGraph(db, c.project.projectUuid)).toEqual(ga);
  });
});
