import request from 'supertest';
import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  createDocument,
  createPipelineApp,
  createProject,
} from '../../apps/graph-worker/src/testing/graph-test-kit';
import { TestApp, cleanupTestData, createTestApp } from '../../apps/ingest-api/src/testing/test-app';

jest.setTimeout(120_000);

/**
 * `?q=` is read by the normaliser the graph worker stores keys with (@casegraph/contracts): the
 * entity the real pipeline stored from "Smith" is found by "Smith’s" (typographic apostrophe),
 * which the API's own copy of the rules used to turn into "smith s".
 */
describe('GET /v1/projects/:projectUuid/entities?q= (one normaliser with the worker)', () => {
  let t: TestApp;
  let worker: PipelineApp;
  let project: TestProject;

  beforeAll(async () => {
    [t, worker] = await Promise.all([createTestApp(), createPipelineApp()]);
    project = await createProject(t.db, 'entity-search');
    const text =
      'The lease was signed by John Smith on 3 March 2024. John Smith paid the deposit to Acme Holdings, Inc. in Boston. ' +
      'Later, John Smith wrote to Acme Holdings, Inc. again about the deposit.';
    await worker.pipeline.process(await createDocument(t.db, project, [text], 'lease.txt'));
  });

  afterAll(async () => {
    await cleanupProjects(t.db, [project]);
    await cleanupTestData(t, []);
    await Promise.all([t.close(), worker.close()]);
  });

  const entities = async (q: string, type?: string) => {
    const qs = new URLSearchParams({ q, ...(type ? { type } : {}) }).toString();
    const res = await request(t.http).get(`/v1/projects/${project.projectUuid}/entities?${qs}`).expect(200);
    return (res.body.items as Array<{ name: string; type: string }>).map((e) => `${e.type}:${e.name}`);
  };

  it('finds the entity stored from "Smith" by Smith’s, SMITH\'S and with ?type=', async () => {
    const stored: Array<{ normalized_key: string }> = await t.db.query(
      `SELECT normalized_key FROM canonical_entities WHERE project_uuid = $1 AND entity_type = 'PERSON'`,
      [project.projectUuid],
    );
    expect(stored.map((r) => r.normalized_key)).toContain('john smith');
    for (const q of ['Smith’s', "SMITH'S", 'smith']) expect([q, await entities(q)]).toEqual([q, ['PERSON:John Smith']]);
    expect(await entities('Judge Smith’s', 'PERSON')).toEqual(['PERSON:John Smith']);
    expect(await entities('acme holdings llc', 'ORG')).toEqual(['ORG:Acme Holdings, Inc.']);
  });
});
