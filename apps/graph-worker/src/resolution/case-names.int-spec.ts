import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  createDocument,
  createPipelineApp,
  createProject,
  deleteDocumentKeys,
} from '../testing/graph-test-kit';

jest.setTimeout(120_000);

/** Invented citations: a case cited by reporter only in one document and by name in another, plus short forms. */
const BY_CITATION = [
  'MEMORANDUM. The rule is settled. 489 U.S. 288, 310 (1989). Id. at 311. The same holds here. 489 U.S. at 312.',
  'The motion is denied. See 62 F.3d 1, 3 (1st Cir. 1995).',
].join('\n');
const BY_NAME = [
  'OPINION. We follow Teague v. Lane, 489 U.S. 288 (1989), and Smith v. Jones, 62 F.3d 1 (1st Cir. 1995).',
  'Teague, 489 U.S. at 313. Id. at 314.',
].join('\n');

describe("a case's canonical name is its name, not a citation or a short form (PostgreSQL)", () => {
  let t: PipelineApp;
  const projects: TestProject[] = [];
  const docs: string[] = [];

  beforeAll(async () => {
    t = await createPipelineApp();
  });
  afterAll(async () => {
    await cleanupProjects(t.db, projects);
    await deleteDocumentKeys(docs);
    await t.close();
  });

  const names = async (project: TestProject) => {
    const rows = await t.db.query<Array<{ k: string; n: string; aliases: string[] }>>(
      `SELECT normalized_key AS k, canonical_name AS n, aliases FROM canonical_entities WHERE project_uuid = $1 AND entity_type = 'CASE'`,
      [project.projectUuid],
    );
    return Object.fromEntries(rows.map((r) => [r.k, { name: r.n, aliases: r.aliases }]));
  };

  it.each([
    ['citation first, then the name', [BY_CITATION, BY_NAME]],
    ['the name first, then the citation', [BY_NAME, BY_CITATION]],
  ])('%s', async (_label, texts) => {
    const project = await createProject(t.db, 'case-names');
    projects.push(project);
    const first = await createDocument(t.db, project, [texts[0]]);
    docs.push(first);
    await t.pipeline.process(first);
    const before = await names(project);
    // Never "Id. at 311" or "489 U.S. at 312", whichever document came first.
    for (const e of Object.values(before)) {
      expect(e.name).not.toMatch(/^Id\b|\bat \d/);
      expect(e.aliases.some((a) => /^Id\b/.test(a))).toBe(false);
    }
    const second = await createDocument(t.db, project, [texts[1]]);
    docs.push(second);
    await t.pipeline.process(second);
    const after = await names(project);
    expect(after['489 us 288'].name).toBe('Teague v. Lane');
    expect(after['62 f3d 1'].name).toBe('Smith v. Jones');
    expect(after['489 us 288'].aliases).toEqual(expect.arrayContaining(['489 U.S. 288', 'Teague v. Lane']));
    // Re-processing the citation-only document does not take the name back.
    await t.pipeline.process(texts[0] === BY_CITATION ? first : second);
    expect((await names(project))['489 us 288'].name).toBe('Teague v. Lane');
  });
});
