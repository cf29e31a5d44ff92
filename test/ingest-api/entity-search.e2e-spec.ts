import request from 'supertest';
import { TestProject } from '../../apps/graph-worker/src/testing/graph-test-kit';
import { TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { ApiWithWorker, openApiWithWorker } from '../support/api-with-worker';

jest.setTimeout(120_000);

/**
 * `?q=` is read by the normaliser the graph worker stores keys with (@casegraph/contracts): the
 * entity the real pipeline stored from "Smith" is found by "Smith’s" (typographic apostrophe),
 * which the API's own copy of the rules used to turn into "smith s".
 */
describe('GET /v1/projects/:projectUuid/entities?q= (one normaliser with the worker)', () => {
  let stack: ApiWithWorker | undefined;
  let t: TestApp;
  let project: TestProject;

  beforeAll(async () => {
    const text =
      'The lease was signed by John Smith on 3 March 2024. John Smith paid the deposit to Acme Holdings, Inc. in Boston. ' +
      'Later, John Smith wrote to Acme Holdings, Inc. again about the deposit.';
    stack = await openApiWithWorker('entity-search', [{ pages: [text], filename: 'lease.txt' }]);
    ({ t, project } = stack);
  });

  afterAll(async () => {
    await stack?.close();
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
