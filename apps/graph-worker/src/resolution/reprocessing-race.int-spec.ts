import { DocumentStateService } from '@casegraph/pipeline';
import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  createDocument,
  createPipelineApp,
  createProject,
  generatedPages,
} from '../testing/graph-test-kit';

jest.setTimeout(120_000);

/**
 * The scanned letter names "Halvorsen Marine Logistics, LLC" and "Halvorsen Marine"; the notice of appearance
 * names "v. Halvorsen Marine Logistics, LLC", which renames the company's key to "v halvorsen marine logistics":
 * four tokens, out of fuzzy reach of "halvorsen marine". The short form then resolves only through the mentions
 * that carry it (known variant) or through the long form beside it in the same document. Both used to depend on
 * timing: the issue-15 flake of test/pipeline/fixtures.e2e-spec.ts, where re-processing left "Halvorsen Marine"
 * an entity of its own.
 */
const OWES = ['Halvorsen Marine owes our client the sum of $1,284,500.00 for ocean freight carried in 2023.'];

interface Org {
  key: string;
  name: string;
  mentions: number;
}

describe('re-processing does not split a short name off its company, whatever the order or interleaving (PostgreSQL)', () => {
  let a: PipelineApp;
  let b: PipelineApp;
  const projects: TestProject[] = [];

  beforeAll(async () => {
    a = await createPipelineApp();
    b = await createPipelineApp();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await cleanupProjects(a.db, projects);
    await Promise.all([a.close(), b.close()]);
  });

  async function project(label: string, docs: Array<[string, string[]]>): Promise<Record<string, string>> {
    const p = await createProject(a.db, label);
    projects.push(p);
    const out: Record<string, string> = {};
    for (const [name, pages] of docs) out[name] = await createDocument(a.db, p, pages, name);
    out.project = p.projectUuid;
    return out;
  }

  const halvorsen = async (projectUuid: string): Promise<Org[]> =>
    a.db.query(
      `SELECT normalized_key AS key, canonical_name AS name, mention_count AS mentions FROM canonical_entities
        WHERE project_uuid = $1 AND entity_type = 'ORG' AND normalized_key LIKE '%halvorsen%' AND mention_count > 0
        ORDER BY normalized_key`,
      [projectUuid],
    );

  it('the short form beside the long one in a document joins the company, before or after the rename, and on re-runs', async () => {
    const letter = generatedPages('scanned-letter.pdf');
    const notice = generatedPages('scanned-notice.png');
    const first = await project('race-letter-first', [
      ['letter', letter],
      ['notice', notice],
    ]);
    const last = await project('race-letter-last', [
      ['letter', letter],
      ['notice', notice],
    ]);
    for (const d of ['letter', 'notice']) await a.pipeline.process(first[d]);
    for (const d of ['notice', 'letter']) await a.pipeline.process(last[d]);
    const one: Org[] = [{ key: 'v halvorsen marine logistics', name: 'v. Halvorsen Marine Logistics, LLC', mentions: 3 }];
    expect(await halvorsen(first.project)).toEqual(one);
    expect(await halvorsen(last.project)).toEqual(one);
    // The letter again, after the rename (its own mentions are replaced before they are resolved).
    await a.pipeline.process(first.letter);
    expect(await halvorsen(first.project)).toEqual(one);
  });

  it('a document resolved while another is half-way through its re-run still finds the short form linked', async () => {
    const docs = await project('race-window', [
      ['letter', generatedPages('scanned-letter.pdf')],
      ['notice', generatedPages('scanned-notice.png')],
      ['owes', OWES],
    ]);
    for (const d of ['letter', 'notice', 'owes']) await a.pipeline.process(docs[d]);
    const before = await halvorsen(docs.project);
    expect(before).toEqual([{ key: 'v halvorsen marine logistics', name: 'v. Halvorsen Marine Logistics, LLC', mentions: 4 }]);

    // The letter's re-run on instance A stops where its resolution stage starts (every stage before it has
    // committed); "owes" is re-run on instance B meanwhile, then the letter goes on.
    const state = a.app.get(DocumentStateService);
    const startStage = state.startStage.bind(state);
    let reached!: () => void;
    const atResolution = new Promise<void>((r) => (reached = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    jest.spyOn(state, 'startStage').mockImplementation(async (...args: Parameters<DocumentStateService['startStage']>) => {
      if (args[0] === docs.letter && args[1] === 'resolution') {
        reached();
        await gate;
      }
      return startStage(...args);
    });
    const letterRun = a.pipeline.process(docs.letter);
    await atResolution;
    await b.pipeline.process(docs.owes);
    release();
    await letterRun;

    expect(await halvorsen(docs.project)).toEqual(before);
  });
});
