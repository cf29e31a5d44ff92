import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { waitFor } from '@casegraph/testing';
import { LOCK_NAMESPACE, dropDocumentEdges } from '@casegraph/graph';
import { PipelineApp, TestProject, createDocument, createPipelineApp } from '../../apps/graph-worker/src/testing/graph-test-kit';
import { TestApp, cleanupTestData, createTestApp } from '../../apps/ingest-api/src/testing/test-app';
import { EntityRow, cleanupCuration, createProjectWithUuid, edgesOf, entities, entityByUuid, graphViolations, mentions } from './curation-support';

jest.setTimeout(300_000);

/** Pairs of names for one company each; the first survives the merge. */
const PAIRS: Array<[string, string]> = [
  ['Quarry Hill Granite LLC', 'Quarry Hill Stone Works LLC'],
  ['Alder Brook Dairy Cooperative, Inc.', 'Alder Brook Creamery LLC'],
  ['Pemberton Salvage Company', 'Pemberton Metals Corporation'],
];

/** A short order of our own naming every company of PAIRS (n varies the text so documents differ). */
function order(n: number): string {
  return `SUPERIOR COURT OF NEW HAMPSHIRE

ORDER ON DISCOVERY MOTION NO. ${n}

${PAIRS[0][0]} leased the quarry road to ${PAIRS[2][0]} for ${n + 2} years.
The rent was invoiced by ${PAIRS[0][1]} on letterhead of the lessor.
${PAIRS[1][0]} hauled milk over the same road. ${PAIRS[1][1]} paid the tolls.
${PAIRS[2][1]} bought the scrap from ${PAIRS[0][0]}. Witness Daniel Pell described ${n % 3} deliveries.
The motion of ${PAIRS[2][0]} to compel is GRANTED in part.`;
}

/** What the job runner does with a failed stage: try again (the stages replace what they own). */
async function processWithRetries(worker: PipelineApp, documentUuid: string, errors: string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await worker.pipeline.process(documentUuid);
      return;
    } catch (err) {
      errors.push(`${documentUuid} attempt ${attempt}: ${(err as Error).message}`);
      if (attempt >= 4) throw err;
    }
  }
}

/**
 * Merges through the API while two in-process graph workers process and re-process documents naming the merged
 * companies, with real concurrency (separate connection pools, overlapping transactions). Afterwards nothing points
 * at a merged (deleted) entity, every mention of a merged name is on the survivor, and re-processing keeps it so.
 */
describe('curation racing the graph worker', () => {
  let t: TestApp;
  let workers: PipelineApp[];
  const projects: TestProject[] = [];

  beforeAll(async () => {
    [t, ...workers] = await Promise.all([createTestApp(), createPipelineApp(), createPipelineApp()]);
  });

  afterAll(async () => {
    await cleanupCuration(t.db, projects);
    await cleanupTestData(t, []);
    await Promise.all([t.close(), ...workers.map((w) => w.close())]);
  });

  it.each([1, 2, 3])('round %i: merges and a reject while documents are being processed lose nothing and leave nothing dangling', async (round) => {
    const project = await createProjectWithUuid(t.db, `curation-race-${round}`);
    projects.push(project);
    const seed = [await createDocument(t.db, project, [order(0)], 'order-0.pdf'), await createDocument(t.db, project, [order(1)], 'order-1.pdf')];
    for (const d of seed) await workers[0].pipeline.process(d);
    const named = async (name: string) => {
      const e = (await entities(t.db, project.projectUuid)).filter((x) => x.type === 'ORG' && x.name === name);
      if (e.length !== 1) throw new Error(`expected one ORG "${name}": ${JSON.stringify(await entities(t.db, project.projectUuid))}`);
      return e[0];
    };
    const pairs: Array<{ survivor: EntityRow; merged: EntityRow }> = [];
    for (const [a, b] of PAIRS) pairs.push({ survivor: await named(a), merged: await named(b) });
    const pell = (await entities(t.db, project.projectUuid)).find((e) => e.type === 'PERSON' && e.name === 'Daniel Pell')!;

    // Eight new documents and the two seeds again, split between two workers, while the three merges run.
    const fresh = [];
    for (let i = 2; i < 10; i++) fresh.push(await createDocument(t.db, project, [order(i)], `order-${i}.pdf`));
    const queues = [
      [fresh[0], seed[0], fresh[2], fresh[4], fresh[6]],
      [fresh[1], fresh[3], seed[1], fresh[5], fresh[7]],
    ];
    const errors: string[] = [];
    const runs: Array<[number, number]> = [];
    const processing = queues.map(async (q, i) => {
      for (const d of q) {
        const start = Date.now();
        await processWithRetries(workers[i], d, errors);
        runs.push([start, Date.now()]);
      }
    });
    const merging = pairs.map(async (p, i) => {
      await sleep(20 + i * 60 * round);
      const start = Date.now();
      const res = await request(t.http)
        .post(`/v1/projects/${project.projectUuid}/entities/merge`)
        .send({ entityUuids: [p.merged.uuid], into: p.survivor.uuid });
      return { res, span: [start, Date.now()] as [number, number] };
    });
    const rejecting = (async () => {
      await sleep(40 * round);
      const start = Date.now();
      const res = await request(t.http).delete(`/v1/projects/${project.projectUuid}/entities/${pell.uuid}`);
      return { res, span: [start, Date.now()] as [number, number] };
    })();
    const [answers] = await Promise.all([Promise.all([...merging, rejecting]), Promise.all(processing)]);
    for (const { res } of answers) expect([res.status, res.body.message]).toEqual([200, undefined]);
    // A real race: actions ran while a worker was processing a document naming their entities (each round needs
    // one such overlap; demanding it of every action would make the test depend on the machine's speed).
    expect(answers.some(({ span }) => runs.some(([a, b]) => a < span[1] && span[0] < b))).toBe(true);

    const check = async () => {
      expect(await graphViolations(t.db, project.projectUuid)).toEqual([]);
      for (const p of pairs) {
        expect(await entityByUuid(t.db, p.merged.uuid)).toBeUndefined();
        expect(await edgesOf(t.db, project.projectUuid, p.merged.uuid)).toEqual([]);
        // Every mention of either name is on the survivor, in all ten documents.
        const ms = [
          ...(await mentions(t.db, project.projectUuid, { key: p.merged.key })),
          ...(await mentions(t.db, project.projectUuid, { key: p.survivor.key })),
        ];
        expect(new Set(ms.map((m) => m.documentUuid)).size).toBe(10);
        expect([...new Set(ms.map((m) => m.entityUuid))]).toEqual([p.survivor.uuid]);
        // No other entity took the merged name meanwhile.
        const holders = (await entities(t.db, project.projectUuid)).filter((e) => e.key === p.merged.key);
        expect(holders).toEqual([]);
        const survivor = (await entityByUuid(t.db, p.survivor.uuid))!;
        expect(survivor.mentionCount).toBe(ms.length);
        expect(survivor.aliases).toContain(p.merged.name);
        // Ten documents: ten MENTIONED_IN edges from the survivor.
        expect((await edgesOf(t.db, project.projectUuid, p.survivor.uuid)).filter((e) => e.type === 'MENTIONED_IN')).toHaveLength(10);
      }
      // "Daniel Pell" is no entity, in any of the ten documents.
      const pells = await mentions(t.db, project.projectUuid, { key: pell.key });
      expect(new Set(pells.map((m) => m.documentUuid)).size).toBe(10);
      expect(pells.filter((m) => m.entityUuid !== null)).toEqual([]);
      expect((await entities(t.db, project.projectUuid)).filter((e) => e.key === pell.key)).toEqual([]);
      expect(await edgesOf(t.db, project.projectUuid, pell.uuid)).toEqual([]);
    };
    await check();
    // The rules hold when every document is processed again.
    for (const d of [...seed, ...fresh]) await workers[round % 2].pipeline.process(d);
    await check();
    const log = await request(t.http).get(`/v1/projects/${project.projectUuid}/curation`).expect(200);
    expect(log.body.items.map((i: { kind: string; actor: string }) => [i.kind, i.actor]).sort()).toEqual([
      ['merge', 'open'],
      ['merge', 'open'],
      ['merge', 'open'],
      ['reject', 'open'],
    ]);
    if (errors.length) console.log(`round ${round}: stage retries (as the job runner would): ${errors.join('; ')}`);
  });

  it('runs again with the larger set when a worker links a new document while the merge waits for the entity row', async () => {
    const project = await createProjectWithUuid(t.db, 'curation-race-grew');
    projects.push(project);
    const first = await createDocument(t.db, project, [order(0)], 'order-0.pdf');
    await workers[0].pipeline.process(first);
    const survivor = (await entities(t.db, project.projectUuid)).find((e) => e.name === PAIRS[0][0])!;
    const merged = (await entities(t.db, project.projectUuid)).find((e) => e.name === PAIRS[0][1])!;
    // A second document that writes the merged company's name with a typo (a variant key no mention had), its
    // mentions extracted but not resolved yet.
    const second = await createDocument(t.db, project, [order(1).split(PAIRS[0][1]).join('Quarry Hil Stone Works LLC')], 'order-1.pdf');
    await workers[0].pipeline.process(second);
    const variant = (await mentions(t.db, project.projectUuid, { documentUuid: second })).find((m) => m.text === 'Quarry Hil Stone Works LLC')!;
    expect(variant.key).not.toBe(merged.key);
    await t.db.query('UPDATE entity_mentions SET canonical_entity_uuid = NULL WHERE document_uuid = $1', [second]);
    await t.db.query(
      `UPDATE canonical_entities c SET mention_count = (SELECT count(*) FROM entity_mentions m WHERE m.canonical_entity_uuid = c.canonical_entity_uuid)
        WHERE project_uuid = $1`,
      [project.projectUuid],
    );
    await t.db.transaction((m) => dropDocumentEdges(m, project.projectUuid, second));

    // "The worker" resolves the second document as resolution does: its document lock, the entity row FOR UPDATE,
    // then the links; it commits only after the merge started and is waiting for that row.
    const worker = workers[1].db.createQueryRunner();
    await worker.connect();
    try {
      await worker.startTransaction();
      await worker.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [LOCK_NAMESPACE.DOCUMENT, second]);
      await worker.query(`SELECT 1 FROM canonical_entities WHERE canonical_entity_uuid = $1 FOR UPDATE`, [merged.uuid]);
      // The worker's fuzzy match: the variant joins the merged company.
      await worker.query(`UPDATE entity_mentions SET canonical_entity_uuid = $1 WHERE document_uuid = $2 AND normalized_key = $3`, [
        merged.uuid,
        second,
        variant.key,
      ]);
      let settled = false;
      const merge = request(t.http)
        .post(`/v1/projects/${project.projectUuid}/entities/merge`)
        .send({ entityUuids: [merged.uuid], into: survivor.uuid })
        .then((r) => {
          settled = true;
          return r;
        });
      // Until the merge's backend waits on a lock (not a fixed sleep: a slow machine may take longer to get there).
      const waiting = await waitFor(
        async () => {
          const rows: Array<{ n: number }> = await t.db.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = 'casegraph-ingest-api'`,
          );
          return rows[0].n > 0 ? rows[0].n : undefined;
        },
        { timeoutMs: 15_000, what: "the merge waiting on the worker's locks" },
      );
      expect(waiting).toBeGreaterThan(0);
      expect(settled).toBe(false); // blocked on the row the worker holds
      await worker.commitTransaction();
      const res = await merge;
      expect(res.status).toBe(200);
    } finally {
      if (worker.isTransactionActive) await worker.rollbackTransaction();
      await worker.release();
    }
    expect(await graphViolations(t.db, project.projectUuid)).toEqual([]);
    expect((await mentions(t.db, project.projectUuid, { documentUuid: second, key: variant.key })).map((m) => m.entityUuid)).toEqual([survivor.uuid]);
    // ...and the variant is the survivor's from now on: re-processing keeps it there.
    await workers[0].pipeline.process(second);
    expect((await mentions(t.db, project.projectUuid, { documentUuid: second, key: variant.key })).map((m) => m.entityUuid)).toEqual([survivor.uuid]);
    expect(await graphViolations(t.db, project.projectUuid)).toEqual([]);
    expect(
      (await edgesOf(t.db, project.projectUuid, survivor.uuid))
        .filter((e) => e.type === 'MENTIONED_IN')
        .map((e) => e.target)
        .sort(),
    ).toEqual([first, second].sort());
  });
});
