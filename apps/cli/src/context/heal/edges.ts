import { rowsOf } from '@casegraph/project-context';
import {
  Catalogue,
  Counts,
  Db,
  Phase,
  PhaseContext,
  Tx,
  archiveRows,
  chunkDocSql,
  docProjectJoin,
  logValue,
  mentionDocSql,
  tx,
  keysetBatches,
  logSql,
  withPhaseLock,
} from './common';
import { Entity, copyEntity, recount, sameKeyIn } from './entities';

const EDGE_REASON = 'edge assigned to a project';

/** SQL (alias e = an entity row) of the root uuid of its family: itself, or the global entity it was split from. */
const ROOT = (cat: Catalogue, e: string) =>
  cat.has('canonical_entities', 'metadata')
    ? `COALESCE(${e}.metadata->>'split_from', ${e}.canonical_entity_uuid::text)`
    : `${e}.canonical_entity_uuid::text`;

/**
 * Phase 6, relationship_staging rows without a project (old edges): the project of the source chunk's document,
 * else the projects both endpoints' entity families share (the entity and its per-project copies: the row goes to the
 * first, a copy to each other one, metadata.split_from = the row's id); endpoints are
 * remapped to that project's member of their family (a copy is made when it has none there); an edge that then
 * equals another is merged into it (archived, deleted). No project found: orphan edge (left, counted).
 */
export const edgesPhase: Phase = {
  name: 'edges',
  async plan(db: Db, cat: Catalogue): Promise<Counts> {
    if (!cat.has('relationship_staging', 'source_entity_uuid')) return { byChunk: 0, byEndpoints: 0, edgeCopies: 0, orphans: 0 };
    const hasProject = cat.has('relationship_staging', 'project_uuid');
    const pu = cat.has('projects', 'project_uuid')
      ? 'pr.project_uuid'
      : cat.type('projects', 'project_id') === 'uuid'
        ? 'pr.project_id'
        : 'NULL::uuid';
    const byChunk = cat.has('relationship_staging', 'source_chunk_uuid')
      ? `(SELECT ${pu} FROM document_chunks c JOIN source_documents d ON d.document_uuid = ${chunkDocSql(cat)} ${docProjectJoin(cat, 'pr')}
           WHERE c.chunk_uuid = r.source_chunk_uuid LIMIT 1)`
      : 'NULL::uuid';
    // Before the split, an entity's projects are those of its mentions' documents.
    const [r] = rowsOf<Counts>(
      await db.query(`WITH ep AS (
          SELECT DISTINCT m.canonical_entity_uuid AS e, ${pu} AS p FROM entity_mentions m
            JOIN source_documents d ON d.document_uuid = ${mentionDocSql(cat)} ${docProjectJoin(cat, 'pr')}
           WHERE m.canonical_entity_uuid IS NOT NULL),
        edges AS (
          SELECT r.id, ${byChunk} AS chunk_project,
                 (SELECT count(*) FROM ep a JOIN ep b ON a.p = b.p WHERE a.e = r.source_entity_uuid AND b.e = r.target_entity_uuid) AS shared
            FROM relationship_staging r WHERE ${hasProject ? 'r.project_uuid IS NULL' : 'true'})
        SELECT count(*) FILTER (WHERE chunk_project IS NOT NULL)::int AS "byChunk",
               count(*) FILTER (WHERE chunk_project IS NULL AND shared >= 1)::int AS "byEndpoints",
               coalesce(sum(shared - 1) FILTER (WHERE chunk_project IS NULL AND shared > 1), 0)::int AS "edgeCopies",
               count(*) FILTER (WHERE chunk_project IS NULL AND shared = 0)::int AS orphans
          FROM edges`),
    );
    return r;
  },
  async run(ctx: PhaseContext): Promise<Counts> {
    const out = { byChunk: 0, byEndpoints: 0, merged: 0, copies: 0, edgeCopies: 0, orphans: 0 };
    if (!ctx.cat.has('relationship_staging', 'project_uuid', 'source_entity_uuid')) return out;
    await withPhaseLock(ctx.db, 'edges:assign', async () => {
      // Set-based first: an edge whose source chunk names the project and whose endpoints both have their family
      // member there already. Copies, merges, shared-endpoint edges and orphans follow one by one.
      if (ctx.cat.has('relationship_staging', 'source_chunk_uuid') && ctx.cat.has('canonical_entities', 'metadata')) {
        out.byChunk += await keysetBatches(ctx, BY_CHUNK_SQL);
      }
      let last = 0;
      for (;;) {
        const ids = rowsOf<{ id: number }>(
          await ctx.db.query(`SELECT id FROM relationship_staging WHERE project_uuid IS NULL AND id > $2 ORDER BY id LIMIT $1`, [
            ctx.batchSize,
            last,
          ]),
        );
        if (!ids.length) break;
        for (const { id } of ids) {
          const r = await tx(ctx.db, (m) => assignEdge(m, ctx.cat, Number(id)), ['23505']);
          if (r === 'orphan') out.orphans++;
          else if (r) {
            out[r.how]++;
            out.copies += r.copies;
            out.edgeCopies += r.edgeCopies;
            if (r.merged) out.merged++;
            ctx.progress.increment(1);
          }
        }
        last = Number(ids[ids.length - 1].id);
      }
    });
    return out;
  },
};

/** The member of entity `e`'s family (itself or a split copy, by root uuid) in project `p` (SQL, set-based step). */
const MEMBER = (e: string, p: string) => `(SELECT e2.canonical_entity_uuid FROM canonical_entities e0 JOIN canonical_entities e2
    ON e2.project_uuid = ${p} AND (e2.canonical_entity_uuid::text = COALESCE(e0.metadata->>'split_from', e0.canonical_entity_uuid::text)
                                   OR e2.metadata->>'split_from' = COALESCE(e0.metadata->>'split_from', e0.canonical_entity_uuid::text))
   WHERE e0.canonical_entity_uuid = ${e} ORDER BY e2.id LIMIT 1)`;

const BY_CHUNK_SQL = `WITH batch AS (
    SELECT r.id, r.source_entity_uuid AS s, r.target_entity_uuid AS t, r.relationship_type AS rt, pr.project_uuid AS p
      FROM relationship_staging r
      JOIN document_chunks c ON c.chunk_uuid = r.source_chunk_uuid
      JOIN source_documents d ON d.document_uuid = c.document_uuid
      JOIN projects pr ON pr.project_uuid = d.project_uuid
     WHERE r.project_uuid IS NULL AND r.id > $2 ORDER BY r.id LIMIT $1 FOR UPDATE OF r SKIP LOCKED
  ), mem AS (
    SELECT b.*, ${MEMBER('b.s', 'b.p')} AS s2, ${MEMBER('b.t', 'b.p')} AS t2 FROM batch b
  ), ok AS (
    SELECT x.* FROM mem x
     WHERE x.s2 IS NOT NULL AND x.t2 IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM relationship_staging o WHERE o.source_entity_uuid = x.s2 AND o.target_entity_uuid = x.t2
                          AND o.relationship_type = x.rt AND o.id <> x.id)
       AND (SELECT count(*) FROM mem y WHERE y.s2 = x.s2 AND y.t2 = x.t2 AND y.rt = x.rt) = 1
  ), upd AS (
    UPDATE relationship_staging r SET project_uuid = ok.p, source_entity_uuid = ok.s2, target_entity_uuid = ok.t2 FROM ok WHERE r.id = ok.id RETURNING r.id
  ), lg1 AS (${logSql('relationship_staging', 'source_entity_uuid', EDGE_REASON, 'SELECT id, s AS old, s2 AS new FROM ok')}
  ), lg2 AS (${logSql('relationship_staging', 'target_entity_uuid', EDGE_REASON, 'SELECT id, t AS old, t2 AS new FROM ok')})
  SELECT (SELECT max(id) FROM batch) AS last_id, (SELECT count(*) FROM upd)::int AS updated`;

async function entityByUuid(m: Tx, cat: Catalogue, u: string | null): Promise<(Entity & { root: string }) | undefined> {
  if (!u) return undefined;
  return rowsOf<Entity & { root: string }>(
    await m.query(
      `SELECT e.id, e.canonical_entity_uuid::text AS u, e.entity_type AS t, e.normalized_key AS k, e.canonical_name AS name,
              e.project_uuid::text AS project, ${ROOT(cat, 'e')} AS root
         FROM canonical_entities e WHERE e.canonical_entity_uuid = $1`,
      [u],
    ),
  )[0];
}

async function familyProjects(m: Tx, cat: Catalogue, root: string): Promise<string[]> {
  const rows = rowsOf<{ p: string }>(
    await m.query(
      `SELECT DISTINCT e.project_uuid::text AS p FROM canonical_entities e
        WHERE e.project_uuid IS NOT NULL AND (e.canonical_entity_uuid::text = $1 ${cat.has('canonical_entities', 'metadata') ? `OR e.metadata->>'split_from' = $1` : ''})`,
      [root],
    ),
  );
  return rows.map((r) => r.p);
}

/** The member of the entity's family in `project`: itself, a split copy, the same key there, or a new copy. */
async function memberIn(m: Tx, cat: Catalogue, e: Entity & { root: string }, project: string): Promise<{ u: string; copied: boolean }> {
  if (e.project === project) return { u: e.u, copied: false };
  const [fam] = rowsOf<{ u: string }>(
    await m.query(
      `SELECT e.canonical_entity_uuid::text AS u FROM canonical_entities e
        WHERE e.project_uuid = $2 AND (e.canonical_entity_uuid::text = $1 ${cat.has('canonical_entities', 'metadata') ? `OR e.metadata->>'split_from' = $1` : ''})
        ORDER BY e.id LIMIT 1`,
      [e.root, project],
    ),
  );
  if (fam) return { u: fam.u, copied: false };
  const same = e.k === null ? undefined : await sameKeyIn(m, project, e, e.id);
  if (same) return { u: same.u, copied: false };
  return { u: await copyEntity(m, cat, e, project, e.root), copied: true };
}

async function assignEdge(
  m: Tx,
  cat: Catalogue,
  id: number,
): Promise<{ how: 'byChunk' | 'byEndpoints'; copies: number; edgeCopies: number; merged: boolean } | 'orphan' | null> {
  const [edge] = rowsOf<{ id: number; s: string | null; t: string | null; r: string; p: string | null; chunk: string | null }>(
    await m.query(
      `SELECT id, source_entity_uuid::text AS s, target_entity_uuid::text AS t, relationship_type AS r, project_uuid::text AS p,
              ${cat.has('relationship_staging', 'source_chunk_uuid') ? 'source_chunk_uuid::text' : 'NULL::text'} AS chunk
         FROM relationship_staging WHERE id = $1 FOR UPDATE`,
      [id],
    ),
  );
  if (!edge || edge.p !== null) return null;
  const source = await entityByUuid(m, cat, edge.s);
  const target = await entityByUuid(m, cat, edge.t);
  if (!source || !target) return 'orphan';
  let project: string | undefined;
  let extra: string[] = [];
  let how: 'byChunk' | 'byEndpoints' = 'byChunk';
  if (edge.chunk) {
    const [r] = rowsOf<{ p: string }>(
      await m.query(
        `SELECT p.project_uuid::text AS p FROM document_chunks c JOIN source_documents d ON d.document_uuid = c.document_uuid
           JOIN projects p ON p.project_uuid = d.project_uuid WHERE c.chunk_uuid = $1`,
        [edge.chunk],
      ),
    );
    project = r?.p;
  }
  if (!project) {
    how = 'byEndpoints';
    const a = await familyProjects(m, cat, source.root);
    const b = new Set(await familyProjects(m, cat, target.root));
    const shared = a.filter((p) => b.has(p));
    if (!shared.length) return 'orphan';
    // Several projects share both endpoints: the edge holds in each (an old edge had no project); the row goes to
    // the first (lowest project id), every other one gets a copy.
    const ordered = rowsOf<{ p: string }>(
      await m.query(`SELECT project_uuid::text AS p FROM projects WHERE project_uuid = ANY($1::uuid[]) ORDER BY id`, [shared]),
    ).map((r) => r.p);
    [project, ...extra] = ordered;
  }
  const s = await memberIn(m, cat, source, project);
  const t = await memberIn(m, cat, target, project);
  let copies = (s.copied ? 1 : 0) + (t.copied ? 1 : 0);
  const [other] = rowsOf<{ id: number }>(
    await m.query(
      `SELECT id FROM relationship_staging WHERE source_entity_uuid = $1 AND target_entity_uuid = $2 AND relationship_type = $3 AND id <> $4 LIMIT 1`,
      [s.u, t.u, edge.r, edge.id],
    ),
  );
  if (other) {
    await archiveRows(m, 'relationship_staging', 't.id = $1', [edge.id], 'edge merged into the same endpoints', String(other.id));
    await m.query(`DELETE FROM relationship_staging WHERE id = $1`, [edge.id]);
  } else {
    await m.query(`UPDATE relationship_staging SET project_uuid = $2, source_entity_uuid = $3, target_entity_uuid = $4 WHERE id = $1`, [
      edge.id,
      project,
      s.u,
      t.u,
    ]);
    if (s.u !== edge.s) await logValue(m, 'relationship_staging', edge.id, 'source_entity_uuid', edge.s, s.u, EDGE_REASON);
    if (t.u !== edge.t) await logValue(m, 'relationship_staging', edge.id, 'target_entity_uuid', edge.t, t.u, EDGE_REASON);
  }
  const touched = [s.u, t.u];
  let edgeCopies = 0;
  for (const p of extra) {
    const s2 = await memberIn(m, cat, source, p);
    const t2 = await memberIn(m, cat, target, p);
    copies += (s2.copied ? 1 : 0) + (t2.copied ? 1 : 0);
    touched.push(s2.u, t2.u);
    if (await copyEdge(m, cat, other ? Number(other.id) : edge.id, p, s2.u, t2.u, edge.r)) edgeCopies++;
  }
  if (copies) await recount(m, touched);
  return { how, copies, edgeCopies, merged: !!other };
}

/** A copy of edge `id` in `project` between the given endpoints, unless that edge exists already (then nothing). */
async function copyEdge(m: Tx, cat: Catalogue, id: number, project: string, s: string, t: string, type: string): Promise<boolean> {
  const [exists] = rowsOf<{ id: number }>(
    await m.query(
      `SELECT id FROM relationship_staging WHERE source_entity_uuid = $1 AND target_entity_uuid = $2 AND relationship_type = $3 LIMIT 1`,
      [s, t, type],
    ),
  );
  if (exists) return false;
  const skip = new Set(['id', 'relationship_uuid', 'project_uuid', 'source_entity_uuid', 'target_entity_uuid', 'metadata']);
  const cols = cat.columnsOf('relationship_staging').filter((c) => !skip.has(c));
  const hasUuid = cat.has('relationship_staging', 'relationship_uuid');
  const hasMeta = cat.has('relationship_staging', 'metadata');
  await m.query(
    `INSERT INTO relationship_staging (${cols.join(', ')}, project_uuid, source_entity_uuid, target_entity_uuid${hasUuid ? ', relationship_uuid' : ''}${hasMeta ? ', metadata' : ''})
     SELECT ${cols.join(', ')}, $2, $3, $4${hasUuid ? ', gen_random_uuid()' : ''}${hasMeta ? `, COALESCE(metadata, '{}'::jsonb) || jsonb_build_object('split_from', $1::int)` : ''}
       FROM relationship_staging WHERE id = $1`,
    [id, project, s, t],
  );
  return true;
}
