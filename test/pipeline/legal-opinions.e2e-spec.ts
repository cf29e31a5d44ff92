/**
 * Acceptance of issue 12 on real material: three of the shared court opinions (a federal court of appeals,
 * a federal district court and a state court of appeal, all of the tuning split) are rendered as text-layer
 * PDFs by the test, uploaded through the real HTTP API, read by the ocr-worker (PDF text layer: the lines
 * wrap as the PDF wraps them) and built into a graph by the graph-worker. The cases, statutes, courts and
 * judges are then read back through the graph API, against eyecite-ts's reference citations of the same
 * opinions and the facts their captions state. The opinions' text is read at run time, never stored here.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { caseCitationKey, statuteKey } from '@casegraph/legal';
import type { TestApp } from '../../apps/ingest-api/src/testing/test-app';
import { describeWithLegalFixtures, eyeciteReference } from '../../libs/testing/src/legal-fixtures';
import { OpinionPipeline } from './opinion-pipeline';

jest.setTimeout(240_000);

const KEY = `legal-${randomUUID()}`;
const auth = { Authorization: `Bearer ${KEY}` };

/** The opinions, with what their captions say (court, a judge where one is named). */
const OPINIONS = [
  { id: 'cl-22002', court: /court of appeals for the fifth circuit/i, judge: /higginbotham/i },
  { id: 'cl-10010001', court: /district court for the western district of arkansas/i, judge: undefined },
  { id: 'cl-1034001', court: /court of appeal.*sixth (appellate )?district/i, judge: undefined },
] as const;

describeWithLegalFixtures('pipeline acceptance: real court opinions as PDFs, upload → OCR → graph → API', () => {
  const pipeline = new OpinionPipeline();
  let api: TestApp;
  let project: { id: number; projectUuid: string };
  const docs = pipeline.docs; // opinion id -> documentUuid

  beforeAll(async () => {
    await pipeline.start({ key: KEY, projectName: 'legal-opinions', opinions: OPINIONS.map((o) => o.id), settleMs: 180_000 });
    ({ api, project } = pipeline);
  });

  afterAll(() => pipeline.close());

  const entities = async (query: Record<string, string>) =>
    (
      await request(api.http)
        .get(`/v1/projects/${project.projectUuid}/entities`)
        .query({ pageSize: '100', ...query })
        .set(auth)
        .expect(200)
    ).body.items as Array<{ uuid: string; type: string; name: string; aliases: string[]; mentionCount: number }>;

  const entity = async (uuid: string) =>
    (await request(api.http).get(`/v1/projects/${project.projectUuid}/entities/${uuid}`).set(auth).expect(200)).body as {
      name: string;
      mentions: Array<{ documentUuid: string; text: string; role: string | null; attributes: Record<string, unknown> | null }>;
    };

  it('every opinion is completed', async () => {
    for (const [id, uuid] of docs) {
      const d = (await request(api.http).get(`/v1/documents/${uuid}`).set(auth).expect(200)).body;
      expect([id, d.status, d.error ?? null]).toEqual([id, 'completed', null]);
    }
  });

  /** What OCR read where a citation's page number is: the text of the miss, for the log. */
  const around = async (id: string, citation: string) => {
    const [{ t }] = await api.db.query('SELECT raw_extracted_text AS t FROM source_documents WHERE document_uuid = $1', [docs.get(id)]);
    const page = citation.split(/\s+/).pop()!;
    const at = (t as string).search(new RegExp(`\\b${page}\\b`));
    return JSON.stringify(at < 0 ? null : (t as string).slice(Math.max(0, at - 40), at + 20));
  };

  it("finds the opinions' case citations as CASE entities and their statutes as STATUTE entities", async () => {
    const ref = eyeciteReference();
    const missed: string[] = [];
    let cases = 0;
    let statutes = 0;
    let statutesFound = 0;
    for (const o of OPINIONS) {
      const caseKeys = new Set(ref[o.id].filter((c) => c.type === 'case').map((c) => c.key));
      for (const k of caseKeys) {
        cases++;
        expect([k, caseCitationKey(k) !== undefined]).toEqual([k, true]);
        if (!(await entities({ type: 'CASE', q: k })).length) missed.push(`${o.id} case ${k} (the text there: ${await around(o.id, k)})`);
      }
      const statuteKeys = new Set(ref[o.id].filter((c) => c.type === 'statute' && statuteKey(c.key) !== undefined).map((c) => c.key));
      for (const k of statuteKeys) {
        statutes++;
        if ((await entities({ type: 'STATUTE', q: k })).length) statutesFound++;
        else missed.push(`${o.id} statute ${k}`);
      }
    }
    console.log(`legal acceptance: ${cases} case citations, ${statutes} statutes in eyecite's reference; missed: ${JSON.stringify(missed)}`);
    expect(cases).toBeGreaterThan(10);
    expect(missed.filter((m) => m.includes(' case ')).length / cases).toBeLessThanOrEqual(0.1);
    expect(statutesFound / Math.max(1, statutes)).toBeGreaterThanOrEqual(0.9);
  });

  it('a case cited with pin cites, short forms and Id. is one CASE entity with all of its mentions', async () => {
    // Every CASE entity has a distinct citation key, so the number of CASE entities is at most the number
    // of distinct full citations eyecite saw (parallel citations make fewer); Id. and short forms add mentions.
    const ref = eyeciteReference()['cl-22002'];
    const all = await entities({ type: 'CASE', pageSize: '100' });
    const fullKeys = new Set(ref.filter((c) => c.type === 'case').map((c) => caseCitationKey(c.key)));
    const top = all.sort((a, b) => b.mentionCount - a.mentionCount)[0];
    const detail = await entity(top.uuid);
    const kinds = new Set(detail.mentions.map((m) => m.attributes?.kind));
    expect([...kinds].filter((k) => k !== 'full' && k !== 'name').length).toBeGreaterThan(0); // short / id / supra joined it
    expect(fullKeys.size).toBeGreaterThan(5);
  });

  it("recognises each opinion's court through the court table, and its judges with their role", async () => {
    const courts = await entities({ type: 'COURT' });
    for (const o of OPINIONS) {
      expect([o.id, courts.some((c) => o.court.test(c.name) || c.aliases.some((a) => o.court.test(a)))]).toEqual([o.id, true]);
    }
    // "Fifth Circuit" in any form is one court.
    expect(courts.filter((c) => /fifth circuit/i.test(c.name))).toHaveLength(1);
    const judges = await entities({ type: 'PERSON', role: 'judge' });
    for (const o of OPINIONS.filter((x) => x.judge)) {
      expect([o.id, judges.some((j) => o.judge!.test(j.name))]).toEqual([o.id, true]);
    }
    for (const j of judges) {
      const detail = await entity(j.uuid);
      expect(detail.mentions.some((m) => m.role === 'judge')).toBe(true);
      expect(j.name).not.toMatch(/^[A-Z\s.'-]+$/); // shown in normal case, not as the caption's capitals
    }
  });

  it('never stores a citation as a DATE, PERSON or LOCATION, and no display name ends in a possessive', async () => {
    const overlapping: Array<{ n: number }> = await api.db.query(
      `SELECT count(*)::int AS n FROM entity_mentions a JOIN entity_mentions b
          ON a.document_uuid = b.document_uuid AND a.mention_uuid <> b.mention_uuid
         AND a.start_char < b.end_char AND b.start_char < a.end_char
       WHERE a.project_uuid = $1 AND a.entity_type IN ('CASE', 'STATUTE') AND b.entity_type IN ('DATE', 'PERSON', 'LOCATION')`,
      [project.projectUuid],
    );
    expect(overlapping[0].n).toBe(0);
    for (const type of ['PERSON', 'ORG', 'LOCATION']) {
      for (const e of await entities({ type })) expect([type, e.name, /['’]s$/.test(e.name)]).toEqual([type, e.name, false]);
    }
  });
});
