import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PipelineApp, TestProject, createDocument, createPipelineApp } from '../../apps/graph-worker/src/testing/graph-test-kit';
import { TestApp, cleanupTestData, createTestApp } from '../../apps/ingest-api/src/testing/test-app';
import {
  NOTICE_OF_APPEAL,
  ORDER_ON_DISMISSAL,
  ORDER_ON_SUMMARY_JUDGMENT,
  cleanupCuration,
  createProjectWithUuid,
  edgesOf,
  entities,
  entityByUuid,
  entityNamed,
  graphViolations,
  mentions,
} from './curation-support';

jest.setTimeout(120_000);

const ALICE = `curation-alice-${randomUUID()}`;
const UNNAMED = `curation-plain-${randomUUID()}`;
const BOB = `curation-bob-${randomUUID()}`;

/**
 * The curation API (merge, split, update, reject, log, undo) through the real ingest AppModule (global
 * validation, error filter, API-key guard with named keys), on rows the real graph pipeline wrote; each
 * decision is checked again after the pipeline re-processes the documents and processes a new one.
 */
describe('curation API (/v1/projects/:projectUuid/entities, /curation)', () => {
  let t: TestApp;
  let worker: PipelineApp;
  const projects: TestProject[] = [];
  let bobsProject: TestProject;
  const alice = { Authorization: `Bearer ${ALICE}` };
  const plain = { 'X-API-Key': UNNAMED };

  beforeAll(async () => {
    worker = await createPipelineApp();
    bobsProject = await createProjectWithUuid(worker.db, 'curation-bob');
    projects.push(bobsProject);
    t = await createTestApp({ CASEGRAPH_API_KEYS: `alice=${ALICE},${UNNAMED},bob=${BOB}:${bobsProject.projectUuid}` });
  });

  afterAll(async () => {
    await cleanupCuration(t.db, projects);
    await cleanupTestData(t, []);
    await Promise.all([t.close(), worker.close()]);
  });

  const api = () => request(t.http);

  /** A project with the two orders processed by the pipeline. */
  async function caseProject(label: string) {
    const project = await createProjectWithUuid(t.db, `curation-${label}`);
    projects.push(project);
    const dismissal = await createDocument(t.db, project, [ORDER_ON_DISMISSAL], 'order-dismissal.pdf');
    const summary = await createDocument(t.db, project, [ORDER_ON_SUMMARY_JUDGMENT], 'order-summary.pdf');
    for (const d of [dismissal, summary]) await worker.pipeline.process(d);
    const base = `/v1/projects/${project.projectUuid}`;
    return {
      project,
      base,
      dismissal,
      summary,
      named: (type: string, name: string) => entityNamed(t.db, project.projectUuid, type, name),
      reprocess: async (...docs: string[]) => {
        for (const d of docs) await worker.pipeline.process(d);
      },
      newDocument: async (text = NOTICE_OF_APPEAL) => {
        const d = await createDocument(t.db, project, [text], 'notice-of-appeal.pdf');
        await worker.pipeline.process(d);
        return d;
      },
      violations: () => graphViolations(t.db, project.projectUuid),
    };
  }

  describe('merge', () => {
    it('moves mentions, aliases and edges onto the survivor, deletes the merged entity, and holds through re-processing', async () => {
      const c = await caseProject('merge');
      const benton = await c.named('ORG', 'Benton Harlow Freight, Inc.');
      const lines = await c.named('ORG', 'Harlow Freight Lines LLC');
      expect(lines.mentionCount).toBe(3);
      const linesEdgeTypes = (await edgesOf(t.db, c.project.projectUuid, lines.uuid)).map((e) => e.type);
      expect(linesEdgeTypes).toContain('MENTIONED_IN');

      const res = await api()
        .post(`${c.base}/entities/merge`)
        .set(alice)
        .send({ entityUuids: [lines.uuid.toUpperCase()], into: benton.uuid })
        .expect(200);
      expect(res.body).toMatchObject({ uuid: benton.uuid, type: 'ORG', name: 'Benton Harlow Freight, Inc.', mentionCount: benton.mentionCount + 3 });
      expect(res.body.aliases).toEqual(expect.arrayContaining(['Benton Harlow Freight, Inc.', 'Harlow Freight Lines LLC']));
      expect(res.body.actionUuid).toEqual(expect.any(String));

      expect(await entityByUuid(t.db, lines.uuid)).toBeUndefined();
      expect(await mentions(t.db, c.project.projectUuid, { key: lines.key })).toHaveLength(3);
      for (const m of await mentions(t.db, c.project.projectUuid, { key: lines.key })) expect(m.entityUuid).toBe(benton.uuid);
      expect(await edgesOf(t.db, c.project.projectUuid, lines.uuid)).toEqual([]);
      // Both orders now point at the survivor (MENTIONED_IN), the edge weights count the moved mentions.
      const mentionedIn = (await edgesOf(t.db, c.project.projectUuid, benton.uuid)).filter((e) => e.type === 'MENTIONED_IN');
      expect(mentionedIn.map((e) => [e.target, Number(e.weight)]).sort()).toEqual(
        [
          [c.dismissal, (await mentions(t.db, c.project.projectUuid, { documentUuid: c.dismissal, entityUuid: benton.uuid })).length],
          [c.summary, (await mentions(t.db, c.project.projectUuid, { documentUuid: c.summary, entityUuid: benton.uuid })).length],
        ].sort(),
      );
      expect(await c.violations()).toEqual([]);

      // The read API shows the survivor with the merged mentions.
      const detail = await api().get(`${c.base}/entities/${benton.uuid}`).set(alice).expect(200);
      expect(detail.body.mentionsTotal).toBe(benton.mentionCount + 3);
      await api().get(`${c.base}/entities/${lines.uuid}`).set(alice).expect(404);

      // Re-processing both orders (a retry, a new extractor) and a new filing keep them merged.
      await c.reprocess(c.dismissal, c.summary);
      const notice = await c.newDocument();
      const all = await entities(t.db, c.project.projectUuid);
      expect(all.filter((e) => e.type === 'ORG' && /harlow freight/i.test(e.name)).map((e) => e.uuid)).toEqual([benton.uuid]);
      const linesMentions = await mentions(t.db, c.project.projectUuid, { key: lines.key });
      expect(linesMentions.map((m) => m.documentUuid).sort()).toEqual([c.dismissal, c.summary, c.summary, notice].sort());
      for (const m of linesMentions) expect(m.entityUuid).toBe(benton.uuid);
      expect((await entityByUuid(t.db, benton.uuid))!.mentionCount).toBe(
        (await mentions(t.db, c.project.projectUuid, { entityUuid: benton.uuid })).length,
      );
      expect(await c.violations()).toEqual([]);

      // Undo: the merged entity comes back with its uuid, its mentions (also the new filing's) and its own edges.
      const undo = await api().post(`${c.base}/curation/${res.body.actionUuid}/undo`).set(plain).expect(200);
      expect(undo.body).toMatchObject({ actionUuid: res.body.actionUuid, kind: 'merge', actor: 'alice', undoneAt: expect.any(String) });
      expect(undo.body.undoneBy).toMatch(/^key:[0-9a-f]{12}$/);
      const back = await entityByUuid(t.db, lines.uuid);
      expect(back).toMatchObject({ type: 'ORG', name: 'Harlow Freight Lines LLC', key: lines.key, mentionCount: 4 });
      for (const m of await mentions(t.db, c.project.projectUuid, { key: lines.key })) expect(m.entityUuid).toBe(lines.uuid);
      expect((await entityByUuid(t.db, benton.uuid))!.aliases).not.toContain('Harlow Freight Lines LLC');
      expect((await edgesOf(t.db, c.project.projectUuid, lines.uuid)).filter((e) => e.type === 'MENTIONED_IN')).toHaveLength(3);
      expect(await t.db.query('SELECT 1 FROM curation_rules WHERE project_uuid = $1', [c.project.projectUuid])).toEqual([]);
      expect(await c.violations()).toEqual([]);
      // ...and stays separate when the pipeline runs again.
      await c.reprocess(c.summary);
      expect((await entityByUuid(t.db, lines.uuid))!.mentionCount).toBe(4);

      const twice = await api().post(`${c.base}/curation/${res.body.actionUuid}/undo`).set(alice).expect(409);
      expect(twice.body.message).toMatch(new RegExp(`${res.body.actionUuid} was already undone at .* by key:`));
    });

    it('refuses bad merges with a 4xx that says why, and changes nothing', async () => {
      const c = await caseProject('merge-bad');
      const benton = await c.named('ORG', 'Benton Harlow Freight, Inc.');
      const lines = await c.named('ORG', 'Harlow Freight Lines LLC');
      const pell = await c.named('PERSON', 'Daniel Pell');
      const before = await entities(t.db, c.project.projectUuid);
      const merge = (body: unknown) =>
        api()
          .post(`${c.base}/entities/merge`)
          .set(alice)
          .send(body as object);

      expect((await merge({ entityUuids: [benton.uuid], into: benton.uuid }).expect(400)).body.message).toContain(
        'an entity cannot be merged into itself',
      );
      expect((await merge({ entityUuids: [], into: benton.uuid }).expect(400)).body.message).toContain('at least one entity');
      expect((await merge({ entityUuids: [lines.uuid, lines.uuid], into: benton.uuid }).expect(400)).body.message).toContain('must not repeat');
      expect((await merge({ entityUuids: ['not-a-uuid'], into: benton.uuid }).expect(400)).body.message).toContain('UUIDs only');
      expect((await merge({ entityUuids: lines.uuid, into: benton.uuid }).expect(400)).body.errors[0].field).toBe('entityUuids');
      expect((await merge({ entityUuids: [lines.uuid] }).expect(400)).body.message).toContain('into must be a UUID');
      expect((await merge({ entityUuids: [lines.uuid], into: benton.uuid, force: true }).expect(400)).body.message).toContain('unknown field force');

      const differentTypes = await merge({ entityUuids: [pell.uuid], into: benton.uuid }).expect(422);
      expect(differentTypes.body.message).toBe(
        `Cannot merge entities of different types: ${benton.uuid} is ORG, ${pell.uuid} is PERSON (change a type first: PATCH entities/:entityUuid)`,
      );
      const unknown = randomUUID();
      expect((await merge({ entityUuids: [lines.uuid, unknown], into: benton.uuid }).expect(404)).body.message).toBe(
        `Entity ${unknown} not found in project ${c.project.projectUuid}`,
      );
      // An entity of another project is unknown here.
      const other = await caseProject('merge-bad-other');
      const foreign = await other.named('ORG', 'Harlow Freight Lines LLC');
      await merge({ entityUuids: [foreign.uuid], into: benton.uuid }).expect(404);
      await api()
        .post(`/v1/projects/${randomUUID()}/entities/merge`)
        .set(alice)
        .send({ entityUuids: [lines.uuid], into: benton.uuid })
        .expect(404);
      await api()
        .post(`/v1/projects/nope/entities/merge`)
        .set(alice)
        .send({ entityUuids: [lines.uuid], into: benton.uuid })
        .expect(400);

      expect(await entities(t.db, c.project.projectUuid)).toEqual(before);
      expect((await api().get(`${c.base}/curation`).set(alice).expect(200)).body.total).toBe(0);
    });
  });

  describe('split', () => {
    it("moves the chosen mentions to a new entity; re-processing keeps them apart and a new filing's name stays with the old one", async () => {
      const c = await caseProject('split');
      const pell = await c.named('PERSON', 'Daniel Pell');
      const clerkMentions = await mentions(t.db, c.project.projectUuid, { documentUuid: c.summary, entityUuid: pell.uuid });
      expect(clerkMentions).toHaveLength(2);
      const res = await api()
        .post(`${c.base}/entities/${pell.uuid}/split`)
        .set(alice)
        .send({ mentionUuids: clerkMentions.map((m) => m.mentionUuid), canonicalName: '  Daniel R.  Pell ' })
        .expect(201);
      expect(res.body).toMatchObject({ type: 'PERSON', name: 'Daniel R. Pell', mentionCount: 2, curated: { canonicalName: true } });
      expect(res.body.aliases).toEqual(['Daniel Pell', 'Daniel R. Pell']);
      const clerk = res.body.uuid as string;
      expect(clerk).not.toBe(pell.uuid);
      expect((await entityByUuid(t.db, pell.uuid))!.mentionCount).toBe(pell.mentionCount - 2);
      expect((await edgesOf(t.db, c.project.projectUuid, clerk)).filter((e) => e.type === 'MENTIONED_IN').map((e) => e.target)).toEqual([c.summary]);
      expect((await edgesOf(t.db, c.project.projectUuid, pell.uuid)).filter((e) => e.type === 'MENTIONED_IN').map((e) => e.target)).toEqual([
        c.dismissal,
      ]);
      expect(await c.violations()).toEqual([]);

      // Re-extraction writes the mentions again (unlinked); the decision is kept by their place in the document.
      await c.reprocess(c.summary, c.dismissal);
      const now = await mentions(t.db, c.project.projectUuid, { documentUuid: c.summary, key: clerkMentions[0].key });
      expect(now.map((m) => m.start)).toEqual(clerkMentions.map((m) => m.start));
      expect(now.map((m) => m.entityUuid)).toEqual([clerk, clerk]);
      expect(
        (await mentions(t.db, c.project.projectUuid, { documentUuid: c.dismissal, key: clerkMentions[0].key })).map((m) => m.entityUuid),
      ).toEqual([pell.uuid]);
      // Not every "Daniel Pell" moved, so a new filing's goes to the entity it always went to.
      const notice = await c.newDocument();
      expect((await mentions(t.db, c.project.projectUuid, { documentUuid: notice, key: clerkMentions[0].key })).map((m) => m.entityUuid)).toEqual([
        pell.uuid,
      ]);
      expect((await entityByUuid(t.db, clerk))!.name).toBe('Daniel R. Pell');
      expect(await c.violations()).toEqual([]);

      // Undo: the mentions go back, the new entity is gone.
      await api().post(`${c.base}/curation/${res.body.actionUuid}/undo`).set(alice).expect(200);
      expect(await entityByUuid(t.db, clerk)).toBeUndefined();
      expect((await mentions(t.db, c.project.projectUuid, { key: clerkMentions[0].key })).map((m) => m.entityUuid)).toEqual([
        pell.uuid,
        pell.uuid,
        pell.uuid,
        pell.uuid,
      ]);
      await c.reprocess(c.summary);
      expect((await entityByUuid(t.db, pell.uuid))!.mentionCount).toBe(4);
      expect(await c.violations()).toEqual([]);
    });

    it('takes the key along when every mention of it moves: the old entity vanishes and new filings follow the new one', async () => {
      const c = await caseProject('split-key');
      const pellAlone = await c.named('PERSON', 'Pell'); // "Mr. Pell" of the dismissal order
      const ms = await mentions(t.db, c.project.projectUuid, { entityUuid: pellAlone.uuid });
      expect(ms).toHaveLength(1);
      const res = await api()
        .post(`${c.base}/entities/${pellAlone.uuid}/split`)
        .set(alice)
        .send({ mentionUuids: [ms[0].mentionUuid], canonicalName: 'Mr. Pell of Granite Ledge' })
        .expect(201);
      expect(await entityByUuid(t.db, pellAlone.uuid)).toBeUndefined();
      const notice = await c.newDocument(); // "Mr. Pell mailed it"
      expect((await mentions(t.db, c.project.projectUuid, { documentUuid: notice, key: 'pell' })).map((m) => m.entityUuid)).toEqual([res.body.uuid]);
      expect(await c.violations()).toEqual([]);
      // Undo brings the old entity back with the same uuid, with its mention and the new filing's.
      const log = await api().post(`${c.base}/curation/${res.body.actionUuid}/undo`).set(alice).expect(200);
      expect(log.body.after.deleted).toEqual([pellAlone.uuid]);
      expect(await entityByUuid(t.db, res.body.uuid)).toBeUndefined();
      expect((await mentions(t.db, c.project.projectUuid, { key: 'pell' })).map((m) => m.entityUuid)).toEqual([pellAlone.uuid, pellAlone.uuid]);
      expect(await c.violations()).toEqual([]);
    });

    it('refuses mentions that are not of the entity, a name another entity has, and bad bodies', async () => {
      const c = await caseProject('split-bad');
      const pell = await c.named('PERSON', 'Daniel Pell');
      const benton = await c.named('ORG', 'Benton Harlow Freight, Inc.');
      const bentonMention = (await mentions(t.db, c.project.projectUuid, { entityUuid: benton.uuid }))[0];
      const pellMention = (await mentions(t.db, c.project.projectUuid, { entityUuid: pell.uuid }))[0];
      const split = (uuid: string, body: unknown) =>
        api()
          .post(`${c.base}/entities/${uuid}/split`)
          .set(alice)
          .send(body as object);

      const wrong = await split(pell.uuid, { mentionUuids: [pellMention.mentionUuid, bentonMention.mentionUuid], canonicalName: 'X Pell' }).expect(
        422,
      );
      expect(wrong.body.message).toBe(`Not mentions of entity ${pell.uuid}: ${bentonMention.mentionUuid}`);
      const ghost = randomUUID();
      expect((await split(pell.uuid, { mentionUuids: [ghost], canonicalName: 'X Pell' }).expect(422)).body.message).toContain(ghost);
      const taken = await split(pell.uuid, { mentionUuids: [pellMention.mentionUuid], canonicalName: 'Odessa Marchetti' }).expect(409);
      expect(taken.body.message).toContain('already has the name "Odessa Marchetti"');
      expect((await split(pell.uuid, { mentionUuids: [], canonicalName: 'X' }).expect(400)).body.message).toContain('at least one mention');
      expect((await split(pell.uuid, { mentionUuids: [pellMention.mentionUuid], canonicalName: '  ' }).expect(400)).body.message).toContain(
        'canonicalName must contain a letter or a digit',
      );
      await split(pell.uuid, { mentionUuids: [pellMention.mentionUuid] }).expect(400);
      await split(pell.uuid, { mentionUuids: [pellMention.mentionUuid], canonicalName: 'a\u0007b' }).expect(400);
      await split(randomUUID(), { mentionUuids: [pellMention.mentionUuid], canonicalName: 'X Pell' }).expect(404);
      await split('123', { mentionUuids: [pellMention.mentionUuid], canonicalName: 'X Pell' }).expect(400);
      expect((await entityByUuid(t.db, pell.uuid))!.mentionCount).toBe(pell.mentionCount);
      expect((await api().get(`${c.base}/curation`).set(alice).expect(200)).body.total).toBe(0);
    });
  });

  describe('update', () => {
    it('renames and sets aliases; resolution keeps both through re-processing and new filings', async () => {
      const c = await caseProject('rename');
      const granite = await c.named('ORG', 'Granite Ledge Supply LLC');
      const res = await api()
        .patch(`${c.base}/entities/${granite.uuid}`)
        .set(alice)
        .send({ canonicalName: 'Granite Ledge Supply Company', aliases: ['GLS', 'Granite Ledge Supply LLC', 'GLS'] })
        .expect(200);
      expect(res.body).toMatchObject({
        uuid: granite.uuid,
        name: 'Granite Ledge Supply Company',
        aliases: ['GLS', 'Granite Ledge Supply LLC'],
        curated: { canonicalName: true, aliases: true },
        mentionCount: granite.mentionCount,
      });
      await c.reprocess(c.dismissal, c.summary);
      await c.newDocument();
      const after = (await entityByUuid(t.db, granite.uuid))!;
      expect(after).toMatchObject({
        name: 'Granite Ledge Supply Company',
        aliases: ['GLS', 'Granite Ledge Supply LLC'],
        mentionCount: granite.mentionCount + 1,
      });
      const log = (await api().get(`${c.base}/curation`).set(alice).expect(200)).body.items[0];
      expect(log).toMatchObject({ kind: 'update', actor: 'alice', entityUuids: [granite.uuid] });
      expect(log.before.entities[0]).toMatchObject({ uuid: granite.uuid, name: 'Granite Ledge Supply LLC', curated: null });
      expect(log.after.entities[0]).toMatchObject({ uuid: granite.uuid, name: 'Granite Ledge Supply Company' });

      await api().post(`${c.base}/curation/${res.body.actionUuid}/undo`).set(alice).expect(200);
      expect(await entityByUuid(t.db, granite.uuid)).toMatchObject({ name: 'Granite Ledge Supply LLC', curated: null });
    });

    it("changes the type: the entity's mentions and a new filing's stay on it, no entity of the old type comes back", async () => {
      const c = await caseProject('retype');
      const hartwell = await c.named('LOCATION', 'Hartwell Township');
      const res = await api().patch(`${c.base}/entities/${hartwell.uuid}`).set(plain).send({ entityType: 'ORG' }).expect(200);
      expect(res.body).toMatchObject({ uuid: hartwell.uuid, type: 'ORG', name: 'Hartwell Township', curated: { entityType: true } });
      await c.reprocess(c.dismissal, c.summary);
      const notice = await c.newDocument();
      const all = await entities(t.db, c.project.projectUuid);
      expect(all.filter((e) => e.name === 'Hartwell Township').map((e) => [e.uuid, e.type])).toEqual([[hartwell.uuid, 'ORG']]);
      const ms = await mentions(t.db, c.project.projectUuid, { key: hartwell.key });
      expect(ms.map((m) => m.documentUuid).sort()).toEqual([c.dismissal, c.summary, notice].sort());
      for (const m of ms) expect(m.entityUuid).toBe(hartwell.uuid);
      expect(await c.violations()).toEqual([]);
      const log = (await api().get(`${c.base}/curation`).set(alice).expect(200)).body.items[0];
      expect(log.actor).toMatch(/^key:[0-9a-f]{12}$/);

      await api().post(`${c.base}/curation/${res.body.actionUuid}/undo`).set(alice).expect(200);
      expect(await entityByUuid(t.db, hartwell.uuid)).toMatchObject({ type: 'LOCATION', mentionCount: 3 });
      await c.reprocess(c.dismissal);
      expect(await entityByUuid(t.db, hartwell.uuid)).toMatchObject({ type: 'LOCATION', mentionCount: 3 });
    });

    it('refuses an empty change, an unknown type and a type change onto a name that type already has', async () => {
      const c = await caseProject('update-bad');
      const granite = await c.named('ORG', 'Granite Ledge Supply LLC');
      const patch = (uuid: string, body: unknown) =>
        api()
          .patch(`${c.base}/entities/${uuid}`)
          .set(alice)
          .send(body as object);
      expect((await patch(granite.uuid, {}).expect(400)).body.message).toBe('Nothing to change: send canonicalName, entityType or aliases');
      expect((await patch(granite.uuid, { entityType: 'SHIP' }).expect(400)).body.message).toContain('entityType must be one of PERSON');
      expect((await patch(granite.uuid, { aliases: ['ok', 7] }).expect(400)).body.errors[0].field).toBe('aliases');
      expect((await patch(granite.uuid, { aliases: 'GLS' }).expect(400)).body.errors[0].field).toBe('aliases');
      expect((await patch(granite.uuid, { canonicalName: '' }).expect(400)).body.message).toContain('letter or a digit');
      await patch(randomUUID(), { canonicalName: 'X' }).expect(404);
      // "Windham County" the LOCATION becomes an ORG first; then "Windham County" cannot become a second ORG of that name.
      const windham = await c.named('LOCATION', 'Windham County');
      const hartwell = await c.named('LOCATION', 'Hartwell Township');
      await patch(windham.uuid, { entityType: 'ORG' }).expect(200);
      await patch(hartwell.uuid, { canonicalName: 'Windham County' }).expect(200);
      const clash = await patch(hartwell.uuid, { entityType: 'ORG' }).expect(409);
      expect(clash.body.message).toContain(`Entity ${windham.uuid} ("Windham County") already is the ORG with this name`);
      expect(await entityByUuid(t.db, hartwell.uuid)).toMatchObject({ type: 'LOCATION' });
    });
  });

  describe('reject ("not an entity")', () => {
    it('unlinks the mentions, deletes the entity, and the same text never becomes an entity again; undo restores it', async () => {
      const c = await caseProject('reject');
      const windham = await c.named('LOCATION', 'Windham County');
      const res = await api().delete(`${c.base}/entities/${windham.uuid}`).set(alice).expect(200);
      expect(res.body).toEqual({
        actionUuid: expect.any(String),
        entityUuid: windham.uuid,
        unlinkedMentions: 2,
        rejectedKeys: ['LOCATION windham county'],
      });
      expect(await entityByUuid(t.db, windham.uuid)).toBeUndefined();
      expect((await mentions(t.db, c.project.projectUuid, { key: 'windham county' })).map((m) => m.entityUuid)).toEqual([null, null]);
      expect(await edgesOf(t.db, c.project.projectUuid, windham.uuid)).toEqual([]);
      await api().get(`${c.base}/entities/${windham.uuid}`).set(alice).expect(404);
      await api().delete(`${c.base}/entities/${windham.uuid}`).set(alice).expect(404);

      await c.reprocess(c.dismissal);
      const notice = await c.newDocument();
      const keys = (await entities(t.db, c.project.projectUuid)).map((e) => e.key);
      expect(keys).not.toContain('windham county');
      const ms = await mentions(t.db, c.project.projectUuid, { key: 'windham county' });
      expect(ms.map((m) => [m.documentUuid, m.entityUuid])).toEqual(
        [
          [c.dismissal, null],
          [c.dismissal, null],
          [notice, null],
        ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );
      expect(await c.violations()).toEqual([]);

      // Undo: the entity comes back with its uuid, with the re-extracted mentions (found by place) and the new filing's.
      await api().post(`${c.base}/curation/${res.body.actionUuid}/undo`).set(alice).expect(200);
      expect(await entityByUuid(t.db, windham.uuid)).toMatchObject({ type: 'LOCATION', name: 'Windham County', mentionCount: 3 });
      expect((await edgesOf(t.db, c.project.projectUuid, windham.uuid)).filter((e) => e.type === 'MENTIONED_IN')).toHaveLength(2);
      expect(await c.violations()).toEqual([]);
    });

    it('undone after every document naming it was deleted: the entity does not come back with no mention', async () => {
      const c = await caseProject('reject-deleted');
      const windham = await c.named('LOCATION', 'Windham County');
      const res = await api().delete(`${c.base}/entities/${windham.uuid}`).set(alice).expect(200);
      await api().delete(`/v1/documents/${c.dismissal}`).set(alice).expect(200);
      await api().post(`${c.base}/curation/${res.body.actionUuid}/undo`).set(alice).expect(200);
      expect(await entityByUuid(t.db, windham.uuid)).toBeUndefined();
      expect((await entities(t.db, c.project.projectUuid)).filter((e) => e.mentionCount === 0)).toEqual([]);
      expect(await c.violations()).toEqual([]);
    });
  });

  describe('log and undo order', () => {
    it('lists every action newest first with the actor by key name, filters by entity, and undoes only the newest in force', async () => {
      const c = await caseProject('log');
      const benton = await c.named('ORG', 'Benton Harlow Freight, Inc.');
      const lines = await c.named('ORG', 'Harlow Freight Lines LLC');
      const granite = await c.named('ORG', 'Granite Ledge Supply LLC');
      const merge = await api()
        .post(`${c.base}/entities/merge`)
        .set(alice)
        .send({ entityUuids: [lines.uuid], into: benton.uuid })
        .expect(200);
      const rename = await api().patch(`${c.base}/entities/${benton.uuid}`).set(plain).send({ canonicalName: 'Benton Harlow Freight' }).expect(200);
      const other = await api()
        .patch(`${c.base}/entities/${granite.uuid}`)
        .set(alice)
        .send({ aliases: ['GLS'] })
        .expect(200);

      const page = await api().get(`${c.base}/curation?pageSize=2`).set(alice).expect(200);
      expect(page.body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
      expect(page.body.items.map((i: { actionUuid: string }) => i.actionUuid)).toEqual([other.body.actionUuid, rename.body.actionUuid]);
      const last = await api().get(`${c.base}/curation?pageSize=2&page=2`).set(alice).expect(200);
      const m = last.body.items[0];
      expect(m).toMatchObject({
        actionUuid: merge.body.actionUuid,
        kind: 'merge',
        actor: 'alice',
        entityUuids: [benton.uuid, lines.uuid].sort(),
        request: { entityUuids: [lines.uuid], into: benton.uuid },
        undoneAt: null,
        undoneBy: null,
      });
      expect(Date.parse(m.createdAt)).toBeLessThanOrEqual(Date.now());
      expect(m.before.entities.map((e: { uuid: string }) => e.uuid).sort()).toEqual([benton.uuid, lines.uuid].sort());
      expect(m.after.deleted).toEqual([lines.uuid]);
      expect(m.after.rules).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ scope: 'key', entityType: 'ORG', key: lines.key, decision: 'assign', entityUuid: benton.uuid }),
        ]),
      );
      expect(m.before.links).toHaveLength(3);
      expect(m.after.links.every((l: { entityUuid: string }) => l.entityUuid === benton.uuid)).toBe(true);
      const filtered = await api().get(`${c.base}/curation?entityUuid=${lines.uuid}`).set(alice).expect(200);
      expect(filtered.body.items.map((i: { actionUuid: string }) => i.actionUuid)).toEqual([merge.body.actionUuid]);
      await api().get(`${c.base}/curation?entityUuid=x`).set(alice).expect(400);
      await api().get(`${c.base}/curation?pageSize=1000`).set(alice).expect(400);
      await api().get(`/v1/projects/${randomUUID()}/curation`).set(alice).expect(404);

      // The merge is older than the rename of its survivor: the rename must be undone first.
      const blocked = await api().post(`${c.base}/curation/${merge.body.actionUuid}/undo`).set(alice).expect(409);
      expect(blocked.body.message).toContain(`before the later update ${rename.body.actionUuid} (by key:`);
      await api().post(`${c.base}/curation/${rename.body.actionUuid}/undo`).set(alice).expect(200);
      await api().post(`${c.base}/curation/${merge.body.actionUuid}/undo`).set(alice).expect(200);
      expect(await entityByUuid(t.db, lines.uuid)).toMatchObject({ name: 'Harlow Freight Lines LLC', mentionCount: 3 });
      expect(await entityByUuid(t.db, benton.uuid)).toMatchObject({ name: 'Benton Harlow Freight, Inc.' });
      await api().post(`${c.base}/curation/${randomUUID()}/undo`).set(alice).expect(404);
      await api().post(`${c.base}/curation/not-a-uuid/undo`).set(alice).expect(400);
      expect(await c.violations()).toEqual([]);
    });

    it('runs two actions on the same entities one after the other: the loser gets a clean 404, nothing is lost', async () => {
      const c = await caseProject('concurrent');
      const benton = await c.named('ORG', 'Benton Harlow Freight, Inc.');
      const lines = await c.named('ORG', 'Harlow Freight Lines LLC');
      const granite = await c.named('ORG', 'Granite Ledge Supply LLC');
      const post = (entityUuids: string[], into: string) => api().post(`${c.base}/entities/merge`).set(alice).send({ entityUuids, into });
      // Opposite merges of one pair at once: exactly one wins, the other finds its entity gone.
      const [ab, ba, other] = await Promise.all([
        post([lines.uuid], benton.uuid),
        post([benton.uuid], lines.uuid),
        post([granite.uuid], benton.uuid),
      ]);
      expect([ab.status, ba.status].sort()).toEqual([200, 404]);
      const winner = ab.status === 200 ? benton : lines;
      const loser = winner === benton ? lines : benton;
      expect((ab.status === 200 ? ba : ab).body.message).toContain(`${loser.uuid}`);
      // The third names benton as survivor: it succeeds unless benton was merged away before it ran.
      expect([200, 404]).toContain(other.status);
      if (other.status === 404) expect(winner).toBe(lines);
      if (other.status === 200) expect(await entityByUuid(t.db, granite.uuid)).toBeUndefined();
      expect(await entityByUuid(t.db, loser.uuid)).toBeUndefined();
      expect((await entityByUuid(t.db, winner.uuid))!.mentionCount).toBe(
        benton.mentionCount + lines.mentionCount + (other.status === 200 ? granite.mentionCount : 0),
      );
      expect(await c.violations()).toEqual([]);
    });

    it('is documented in OpenAPI with its bodies and error answers', async () => {
      const doc = (await api().get('/docs-json').expect(200)).body;
      const p = '/v1/projects/{projectUuid}';
      expect(Object.keys(doc.paths[`${p}/entities/merge`])).toEqual(['post']);
      expect(Object.keys(doc.paths[`${p}/entities/{entityUuid}/split`])).toEqual(['post']);
      expect(Object.keys(doc.paths[`${p}/entities/{entityUuid}`])).toEqual(expect.arrayContaining(['patch', 'delete']));
      expect(Object.keys(doc.paths[`${p}/curation`])).toEqual(['get']);
      expect(Object.keys(doc.paths[`${p}/curation/{actionUuid}/undo`])).toEqual(['post']);
      const merge = doc.paths[`${p}/entities/merge`].post;
      expect(merge.tags).toEqual(['curation']);
      expect(Object.keys(merge.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '422']));
      expect(doc.components.schemas.MergeEntitiesDto.required).toEqual(['entityUuids', 'into']);
      expect(doc.components.schemas.CurationActionDto.properties.actor.description).toContain("API key's name");
    });

    it('is key-protected and project-scoped like every route', async () => {
      const c = await caseProject('auth');
      const lines = await c.named('ORG', 'Harlow Freight Lines LLC');
      await api().delete(`${c.base}/entities/${lines.uuid}`).expect(401);
      await api().get(`${c.base}/curation`).set({ Authorization: 'Bearer wrong' }).expect(401);
      // bob's key is bound to another project.
      const forbidden = await api().delete(`${c.base}/entities/${lines.uuid}`).set({ 'X-API-Key': BOB }).expect(403);
      expect(forbidden.body.message).toBe('This API key may not access this resource');
      await api().get(`/v1/projects/${bobsProject.projectUuid}/curation`).set({ 'X-API-Key': BOB }).expect(200);
      expect(await entityByUuid(t.db, lines.uuid)).toBeDefined();
    });
  });
});
