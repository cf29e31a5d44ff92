import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { waitFor } from '@casegraph/testing';
import { rowsOf } from '@casegraph/pipeline';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { applyCurationRules, ruledMentions } from './curation-rules';

jest.setTimeout(60_000);

/**
 * applyCurationRules on rows written as the pipeline and the curation API write them (plain SQL, real
 * PostgreSQL): which rule decides a mention, what happens to a rule whose entity is gone, what is returned.
 */
describe('applyCurationRules (PostgreSQL)', () => {
  let db: DataSource;
  const projects: string[] = [];

  beforeAll(async () => {
    db = new DataSource(
      dataSourceOptions(process.env.DATABASE_URL!, ENTITIES, MIGRATIONS, { poolSize: 3, applicationName: 'casegraph-curation-rules-test' }),
    );
    await db.initialize();
  });

  afterAll(async () => {
    if (projects.length) {
      await db.query('DELETE FROM curation_rules WHERE project_uuid = ANY($1::uuid[])', [projects]);
      await db.query('DELETE FROM entity_mentions WHERE project_uuid = ANY($1::uuid[])', [projects]);
      await db.query('DELETE FROM canonical_entities WHERE project_uuid = ANY($1::uuid[])', [projects]);
    }
    await db.destroy();
  });

  const project = () => {
    const p = randomUUID();
    projects.push(p);
    return p;
  };

  const entity = async (projectUuid: string, type: string, key: string): Promise<string> => {
    const [row] = await db.query(
      `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key)
       VALUES (gen_random_uuid(), $1, $2, $3, $3) RETURNING canonical_entity_uuid AS u`,
      [projectUuid, type, key],
    );
    return row.u;
  };

  const mention = (projectUuid: string, documentUuid: string, type: string, key: string, start: number, linkedTo: string | null) =>
    db.query(
      `INSERT INTO entity_mentions (mention_uuid, document_uuid, project_uuid, entity_text, entity_type, start_char, end_char,
                                    confidence_score, method, normalized_key, canonical_entity_uuid)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 0.9, 'test', $3, $7)`,
      [documentUuid, projectUuid, key, type, start, start + key.length, linkedTo],
    );

  const rule = (
    projectUuid: string,
    r: { scope: 'key' | 'mention'; type: string; key: string; decision: 'assign' | 'reject'; entity?: string; doc?: string; start?: number },
  ) =>
    db.query(
      `INSERT INTO curation_rules (project_uuid, action_uuid, scope, entity_type, normalized_key, document_uuid, start_char, end_char,
                                   decision, canonical_entity_uuid)
       VALUES ($1, gen_random_uuid(), $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        projectUuid,
        r.scope,
        r.type,
        r.key,
        r.doc ?? null,
        r.start ?? null,
        r.start === undefined ? null : r.start + r.key.length,
        r.decision,
        r.entity ?? null,
      ],
    );

  const links = async (documentUuid: string) =>
    Object.fromEntries(
      (
        await db.query(`SELECT start_char AS s, canonical_entity_uuid AS u FROM entity_mentions WHERE document_uuid = $1 ORDER BY start_char`, [
          documentUuid,
        ])
      ).map((r: { s: number; u: string | null }) => [r.s, r.u]),
    );

  const apply = (projectUuid: string, documentUuid: string) => db.transaction((m) => applyCurationRules(m, projectUuid, documentUuid));

  it('a mention rule beats the key rule; assign links, reject unlinks; returns the entities whose mentions moved', async () => {
    const p = project();
    const doc = randomUUID();
    const [a, b, c] = [await entity(p, 'PERSON', 'ann lee'), await entity(p, 'PERSON', 'ann b lee'), await entity(p, 'PERSON', 'bo chan')];
    await mention(p, doc, 'PERSON', 'ann lee', 0, a);
    await mention(p, doc, 'PERSON', 'ann lee', 100, a);
    await mention(p, doc, 'PERSON', 'ann lee', 200, a);
    await mention(p, doc, 'PERSON', 'bo chan', 300, c);
    await mention(p, doc, 'PERSON', 'untouched', 400, c);
    await rule(p, { scope: 'key', type: 'PERSON', key: 'ann lee', decision: 'assign', entity: b });
    await rule(p, { scope: 'mention', type: 'PERSON', key: 'ann lee', decision: 'reject', doc, start: 100 });
    await rule(p, { scope: 'mention', type: 'PERSON', key: 'ann lee', decision: 'assign', entity: a, doc, start: 200 });
    await rule(p, { scope: 'key', type: 'PERSON', key: 'bo chan', decision: 'reject' });

    expect(await apply(p, doc)).toEqual([a, b, c].sort());
    expect(await links(doc)).toEqual({ 0: b, 100: null, 200: a, 300: null, 400: c });
    // A second run changes nothing and says so.
    expect(await apply(p, doc)).toEqual([]);
    expect(await links(doc)).toEqual({ 0: b, 100: null, 200: a, 300: null, 400: c });
  });

  it('an assign rule whose entity is gone does not count: the key rule, else the link as resolution made it', async () => {
    const p = project();
    const doc = randomUUID();
    const [a, gone, kept] = [await entity(p, 'ORG', 'acme'), await entity(p, 'ORG', 'acme holdings'), await entity(p, 'ORG', 'globex')];
    await mention(p, doc, 'ORG', 'acme', 0, a);
    await mention(p, doc, 'ORG', 'globex', 10, kept);
    await rule(p, { scope: 'key', type: 'ORG', key: 'acme', decision: 'reject' });
    await rule(p, { scope: 'mention', type: 'ORG', key: 'acme', decision: 'assign', entity: gone, doc, start: 0 });
    await rule(p, { scope: 'key', type: 'ORG', key: 'globex', decision: 'assign', entity: gone });
    await db.query('DELETE FROM canonical_entities WHERE canonical_entity_uuid = $1', [gone]);

    const decided = await db.transaction((m) => ruledMentions(m, p, doc));
    expect(decided.map((d) => [d.scope, d.decision, d.target])).toEqual([['key', 'reject', null]]);
    expect(await apply(p, doc)).toEqual([a]);
    expect(await links(doc)).toEqual({ 0: null, 10: kept });
  });

  it("another project's rules, and an entity of another project, are never used", async () => {
    const p = project();
    const other = project();
    const doc = randomUUID();
    const mine = await entity(p, 'ORG', 'initech');
    const theirs = await entity(other, 'ORG', 'initech');
    await mention(p, doc, 'ORG', 'initech', 0, mine);
    await rule(other, { scope: 'key', type: 'ORG', key: 'initech', decision: 'reject' });
    await rule(p, { scope: 'key', type: 'ORG', key: 'initech', decision: 'assign', entity: theirs });
    expect(await apply(p, doc)).toEqual([]);
    expect(await links(doc)).toEqual({ 0: mine });
  });

  it('an entity a rule assigns to cannot be deleted until the applying transaction ends, and a deleted one is never linked', async () => {
    const p = project();
    const doc = randomUUID();
    const [a, b] = [await entity(p, 'ORG', 'hooli'), await entity(p, 'ORG', 'hooli xyz')];
    await mention(p, doc, 'ORG', 'hooli', 0, a);
    await rule(p, { scope: 'key', type: 'ORG', key: 'hooli', decision: 'assign', entity: b });

    // 1. The applying transaction holds b: a concurrent delete waits for it (until it commits).
    const deleter = db.createQueryRunner();
    await deleter.connect();
    let deleted = false;
    let deleting: Promise<unknown> = Promise.resolve();
    try {
      const deleterPid = await backendPid(deleter.manager);
      await db.transaction(async (m) => {
        expect(await applyCurationRules(m, p, doc)).toEqual([a, b].sort());
        const applierPid = await backendPid(m);
        deleting = deleter.query('DELETE FROM canonical_entities WHERE canonical_entity_uuid = $1', [b]).then(() => (deleted = true));
        await waitUntilBlocked(deleterPid, applierPid, () => (deleted ? 'the delete went through' : undefined));
        expect(deleted).toBe(false);
      });
      await deleting;
    } finally {
      await deleter.release();
    }
    expect(deleted).toBe(true);

    // 2. A delete that commits while the rules are applied: the rule no longer counts, nothing points at b.
    await db.query('UPDATE entity_mentions SET canonical_entity_uuid = $2 WHERE document_uuid = $1', [doc, a]);
    const c = await entity(p, 'ORG', 'hooli abc');
    await db.query(`UPDATE curation_rules SET canonical_entity_uuid = $2 WHERE project_uuid = $1`, [p, c]);
    const runner = db.createQueryRunner();
    const applier = db.createQueryRunner();
    await runner.connect();
    await applier.connect();
    let applied: string[] | undefined;
    try {
      await runner.startTransaction();
      await runner.query('SELECT 1 FROM canonical_entities WHERE canonical_entity_uuid = $1 FOR UPDATE', [c]);
      await runner.query('DELETE FROM canonical_entities WHERE canonical_entity_uuid = $1', [c]);
      const [holderPid, applierPid] = [await backendPid(runner.manager), await backendPid(applier.manager)];
      let settled = false;
      const applying = applier.manager.transaction((m) => applyCurationRules(m, p, doc)).finally(() => (settled = true));
      // The applying statement really waits on the deleting transaction before that one commits.
      await waitUntilBlocked(applierPid, holderPid, () => (settled ? 'applyCurationRules returned without waiting' : undefined));
      await runner.commitTransaction();
      applied = await applying;
    } finally {
      await runner.release();
      await applier.release();
    }
    expect(applied).toEqual([]);
    expect(await links(doc)).toEqual({ 0: a });
  });
});

const backendPid = async (m: EntityManager): Promise<number> =>
  Number(rowsOf<{ pid: number }>(await m.query('SELECT pg_backend_pid() AS pid'))[0].pid);

/**
 * Polls (bounded: 10 s) until backend `waiter` waits for a lock that backend `holder` holds, so that the race a
 * test claims to cover really takes place; `gaveUp` names an outcome that means it never will.
 */
async function waitUntilBlocked(waiter: number, holder: number, gaveUp: () => string | undefined): Promise<void> {
  const probe = new Client({ connectionString: process.env.DATABASE_URL });
  await probe.connect();
  try {
    await waitFor(async () => (await probe.query('SELECT $2::int = ANY(pg_blocking_pids($1::int)) AS b', [waiter, holder])).rows[0].b, {
      timeoutMs: 10_000,
      intervalMs: 10,
      what: `backend ${waiter} to wait for a lock of backend ${holder}`,
      abort: gaveUp,
    });
  } finally {
    await probe.end();
  }
}
