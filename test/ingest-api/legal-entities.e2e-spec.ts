/**
 * The legal types through the graph read API, on an opinion written for this test (invented parties,
 * real reporters, statutes and courts), processed by the real graph pipeline: a case cited in full, with
 * a parallel citation, a pin cite, a short form and Id. is one CASE entity found by any of its citations;
 * statute subsections are apart; the judges are listed by role; each mention carries its role, display
 * name and attributes.
 */
import request from 'supertest';
import { TestProject } from '../../apps/graph-worker/src/testing/graph-test-kit';
import { TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { ApiWithWorker, openApiWithWorker } from '../support/api-with-worker';

jest.setTimeout(120_000);

const OPINION = [
  '                 IN THE UNITED STATES COURT OF APPEALS',
  '                         FOR THE FIFTH CIRCUIT',
  '',
  '                             No. 24-50117',
  '',
  'MARGARET ELLISON,',
  '                                         Plaintiff-Appellant,',
  '                               versus',
  'HARTWELL BARGE COMPANY, INC.,',
  '                                         Defendant-Appellee.',
  '',
  'Before OKAFOR, LINDQVIST, and BRANDT, Circuit Judges.',
  '',
  'LINDQVIST, Circuit Judge:',
  '',
  '     Ellison sued under 42 U.S.C. § 1983 and 8 U.S.C. § 1101(a)(43)(F), and later',
  'invoked § 1101(a)(43)(G) as well. The district court dismissed under Fed. R. Civ. P.',
  '12(b)(6). To survive, a complaint must state a plausible claim. Bell Atlantic Corp. v.',
  'Twombly, 550 U.S. 544, 570, 127 S. Ct. 1955, 167 L. Ed. 2d 929 (2007). A formulaic',
  'recitation will not do. Id. at 555. Plausibility asks for more than possibility.',
  '550 U.S. at 556. The Fifth Circuit has applied that standard since. Hartwell answered',
  'on March 3, 2024.',
].join('\n');

describe('graph read API: cases, statutes, courts and judges', () => {
  let stack: ApiWithWorker | undefined;
  let t: TestApp;
  let project: TestProject;

  beforeAll(async () => {
    stack = await openApiWithWorker('legal-api', [{ pages: [OPINION], filename: 'ellison-opinion.txt' }]);
    ({ t, project } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  const base = () => `/v1/projects/${project.projectUuid}`;
  const list = async (query: Record<string, string>) =>
    (await request(t.http).get(`${base()}/entities`).query(query).expect(200)).body.items as Array<{
      uuid: string;
      type: string;
      name: string;
      aliases: string[];
      mentionCount: number;
    }>;
  const detail = async (uuid: string) => (await request(t.http).get(`${base()}/entities/${uuid}`).expect(200)).body;

  it('one CASE for the name, the parallel citations, the pin cite, Id. and the short form, found by each citation', async () => {
    const byUs = await list({ type: 'CASE', q: '550 U.S. 544' });
    expect(byUs).toHaveLength(1);
    for (const q of ['127 S. Ct. 1955', '127 S.Ct. 1955', '167 L. Ed. 2d 929', 'Twombly']) {
      expect([q, (await list({ type: 'CASE', q })).map((e) => e.uuid)]).toEqual([q, [byUs[0].uuid]]);
    }
    // a citation is matched whole, never as a part of another one
    expect(await list({ type: 'CASE', q: '550 U.S. 54' })).toEqual([]);
    expect(await list({ q: '127 S. Ct. 1955' })).toHaveLength(1);
    const twombly = await detail(byUs[0].uuid);
    const kinds = twombly.mentions.map((m: { attributes: { kind: string } }) => m.attributes.kind).sort();
    expect(kinds).toEqual(['full', 'full', 'full', 'id', 'name', 'short']);
    const us = twombly.mentions.find((m: { text: string }) => m.text === '550 U.S. 544');
    expect(us.attributes).toMatchObject({ kind: 'full', reporter: 'U.S.', year: 2007 });
    expect(twombly.name).toMatch(/Twombly/);
  });

  it('keeps statute subsections apart, and types them STATUTE, never DATE', async () => {
    const statutes = (await list({ type: 'STATUTE' })).map((e) => e.name).sort();
    expect(statutes).toEqual(expect.arrayContaining(['42 U.S.C. § 1983', '8 U.S.C. § 1101(a)(43)(F)', '§ 1101(a)(43)(G)']));
    const f = await list({ type: 'STATUTE', q: '8 U.S.C. § 1101(a)(43)(F)' });
    const g = await list({ type: 'STATUTE', q: '8 U.S.C. § 1101(a)(43)(G)' });
    expect(f).toHaveLength(1);
    expect(g).toHaveLength(1);
    expect(f[0].uuid).not.toBe(g[0].uuid);
    // a bare section finds that section in every code, as a whole: "§ 1983" is not "§ 198"
    expect((await list({ type: 'STATUTE', q: '§ 1983' })).map((e) => e.name)).toEqual(['42 U.S.C. § 1983']);
    expect(await list({ type: 'STATUTE', q: '§ 198' })).toEqual([]);
    const dates = (await list({ type: 'DATE' })).map((e) => e.name);
    expect(dates).toEqual(['March 3, 2024']);
  });

  it('one COURT for the caption and "the Fifth Circuit"; judges by role with display names', async () => {
    const courts = await list({ type: 'COURT' });
    expect(courts.map((c) => c.name)).toEqual([expect.stringMatching(/^United States Court of Appeals for the Fifth Circuit$/)]);
    expect(courts[0].mentionCount).toBe(2);
    const judges = (await list({ type: 'PERSON', role: 'judge' })).map((j) => j.name).sort();
    expect(judges).toEqual(['Brandt', 'Lindqvist', 'Okafor']);
    const lindqvist = await detail((await list({ type: 'PERSON', role: 'judge', q: 'lindqvist' }))[0].uuid);
    expect(lindqvist.mentions.map((m: { role: string }) => m.role)).toEqual(['judge', 'judge']);
    const parties = await list({ role: 'party' });
    expect(parties.map((p) => [p.type, p.name]).sort()).toEqual(
      expect.arrayContaining([
        ['ORG', 'Hartwell Barge Company, Inc.'],
        ['PERSON', 'Margaret Ellison'],
      ]),
    );
  });

  it('answers 400 for an unknown role', async () => {
    const res = await request(t.http).get(`${base()}/entities?role=bailiff`).expect(400);
    expect(res.body.message).toMatch(/role must be one of judge, party, counsel, law_firm/);
  });
});
