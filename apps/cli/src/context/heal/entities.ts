import { rowsOf } from '@casegraph/project-context';
import {
  Catalogue,
  Counts,
  Db,
  Phase,
  PhaseContext,
  fillNormalizedKeys,
  Tx,
  archiveRows,
  docProjectJoin,
  logValue,
  mentionDocSql,
  relink,
  tx,
  keysetBatches,
  logSql,
  withPhaseLock,
} from './common';

export const SPLIT_REASON = 'entity split per project';
export const MERGE_REASON = 'entity merged into same key';

/** Mention projects of an entity (mentions by canonical_entity_uuid), most mentions first, tie: lowest project id. */
const MENTION_PROJECTS_SQL = `SELECT m.project_uuid::text AS p, count(*)::int AS n, min(pr.id) AS pid
    FROM entity_mentions m JOIN projects pr ON pr.project_uuid = m.project_uuid
   WHERE m.canonical_entity_uuid = $1 GROUP BY m.project_uuid ORDER BY n DESC, pid`;

interface Entity {
  id: number;
  u: string;
  t: string;
  k: string | null;
  name: string;
  project: string | null;
}

/**
 * Phase 5, canonical entities: normalized_key := normalizeEntity(entity_type, canonical_name) where NULL. Old global
 * entities (project_uuid NULL) go to the projects whose documents mention them: the first project (most mentions,
 * tie: lowest project id) keeps the row, every other project gets a copy (new uuid, same columns,
 * metadata.split_from = the old uuid) and its mentions are relinked (logged). When the project already has an entity
 * of that type and key, the mentions go to it instead (aliases unioned); an entity whose every project has one is
 * merged entirely (mentions, edges, embeddings relinked; archived, deleted). Entities without mentions are orphan
 * entities (left, counted). mention_count is recomputed for every entity touched.
 */
export const entitiesPhase: Phase = {
  name: 'entities',
  async plan(db: Db, cat: Catalogue): Promise<Counts> {
    const hasProject = cat.has('canonical_entities', 'project_uuid');
    const hasKey = cat.has('canonical_entities', 'normalized_key');
    const pu = cat.has('projects', 'project_uuid')
      ? 'pr.project_uuid'
      : cat.type('projects', 'project_id') === 'uuid'
        ? 'pr.project_id'
        : 'NULL::uuid';
    const [r] = rowsOf<{ key: number; global: number; copies: number; orphans: number }>(
      await db.query(`WITH g AS (SELECT c.canonical_entity_uuid AS u FROM canonical_entities c WHERE ${hasProject ? 'c.project_uuid IS NULL' : 'true'}),
          mp AS (SELECT m.canonical_entity_uuid AS u, count(DISTINCT ${pu})::int AS k
                   FROM entity_mentions m JOIN source_documents d ON d.document_uuid = ${mentionDocSql(cat)} ${docProjectJoin(cat, 'pr')}
                  WHERE m.canonical_entity_uuid IN (SELECT u FROM g) GROUP BY m.canonical_entity_uuid)
        SELECT (SELECT count(*) FROM canonical_entities c WHERE ${hasKey ? 'c.normalized_key IS NULL' : 'true'})::int AS key,
               (SELECT count(*) FROM g)::int AS global,
               (SELECT coalesce(sum(k - 1), 0) FROM mp)::int AS copies,
               (SELECT count(*) FROM g WHERE g.u NOT IN (SELECT u FROM mp))::int AS orphans`),
    );
    return { normalizedKey: r.key, global: r.global, copies: r.copies, merged: 0, orphans: r.orphans };
  },
  async run(ctx: PhaseContext): Promise<Counts> {
    const { cat } = ctx;
    const normalizedKey = await fillNormalizedKeys(ctx, 'canonical_entities', 'canonical_name');
    const out = { global: 0, copies: 0, merged: 0, orphans: 0 };
    await withPhaseLock(ctx.db, 'entities:split', async () => {
      // Set-based first: an entity all of whose mentions are in one project, whose key that project does not have
      // yet, simply moves there. Splits, merges and orphans follow one by one.
      out.global += await keysetBatches(ctx, SINGLE_PROJECT_SQL());
      let last = 0;
      for (;;) {
        const ids = rowsOf<{ id: number }>(
          await ctx.db.query(`SELECT id FROM canonical_entities WHERE project_uuid IS NULL AND id > $2 ORDER BY id LIMIT $1`, [ctx.batchSize, last]),
        );
        if (!ids.length) break;
        for (const { id } of ids) {
          // 23505: a worker created the same (project, type, key) meanwhile: look again.
          const r = await tx(ctx.db, (m) => splitGlobal(m, cat, Number(id)), ['23505']);
          if (r === 'orphan') out.orphans++;
          else if (r) {
            out.global++;
            out.copies += r.copies;
            out.merged += r.merged;
            ctx.progress.increment(1);
          }
        }
        last = Number(ids[ids.length - 1].id);
      }
    });
    return { normalizedKey, ...out };
  },
};

/** One batch of the set-based step (keyset on id): global entities mentioned from exactly one project, no key collision. */
const SINGLE_PROJECT_SQL = () => `WITH batch AS (
    SELECT e.id, e.canonical_entity_uuid AS u, e.entity_type AS t, e.normalized_key AS k, e.mention_count AS old_count FROM canonical_entities e
     WHERE e.project_uuid IS NULL AND e.id > $2 ORDER BY e.id LIMIT $1 FOR UPDATE SKIP LOCKED
  ), pp AS (
    SELECT b.id, min(m.project_uuid::text)::uuid AS p, count(DISTINCT m.project_uuid) AS k, count(*)::int AS n
      FROM batch b JOIN entity_mentions m ON m.canonical_entity_uuid = b.u JOIN projects pr ON pr.project_uuid = m.project_uuid
     GROUP BY b.id
  ), cand AS (
    SELECT b.*, pp.p, pp.n FROM batch b JOIN pp ON pp.id = b.id
     WHERE pp.k = 1 AND b.k IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM canonical_entities x WHERE x.project_uuid = pp.p AND x.entity_type = b.t AND x.normalized_key = b.k)
       -- every mention of it is in that project (none left in an orphan document)
       AND NOT EXISTS (SELECT 1 FROM entity_mentions m WHERE m.canonical_entity_uuid = b.u AND m.project_uuid IS DISTINCT FROM pp.p)
  ), ok AS (
    SELECT c.* FROM cand c WHERE (SELECT count(*) FROM cand c2 WHERE c2.p = c.p AND c2.t = c.t AND c2.k = c.k) = 1
  ), upd AS (
    UPDATE canonical_entities e SET project_uuid = ok.p, mention_count = ok.n FROM ok WHERE e.id = ok.id RETURNING e.id
  ), lg AS (${logSql('canonical_entities', 'mention_count', 'mention_count recomputed', 'SELECT id, old_count AS old, n AS new FROM ok')})
  SELECT (SELECT max(id) FROM batch) AS last_id, (SELECT count(*) FROM upd)::int AS updated`;

async function lockEntity(m: Tx, where: string, params: unknown[]): Promise<Entity | undefined> {
  return rowsOf<Entity>(
    await m.query(
      `SELECT id, canonical_entity_uuid::text AS u, entity_type AS t, normalized_key AS k, canonical_name AS name, project_uuid::text AS project
         FROM canonical_entities WHERE ${where} ORDER BY id LIMIT 1 FOR UPDATE`,
      params,
    ),
  )[0];
}

/** The entity of a project with this type and key (other than `exceptId`), locked. */
export function sameKeyIn(m: Tx, project: string, e: Entity, exceptId: number): Promise<Entity | undefined> {
  return lockEntity(m, 'project_uuid = $1 AND entity_type = $2 AND normalized_key = $3 AND id <> $4', [project, e.t, e.k, exceptId]);
}

/** A copy of entity `e` in `project` (same columns, new uuid, metadata.split_from = the root uuid). */
export async function copyEntity(m: Tx, cat: Catalogue, e: Entity, project: string, root: string): Promise<string> {
  const skip = new Set(['id', 'canonical_entity_uuid', 'project_uuid', 'metadata', 'mention_count']);
  const cols = cat.columnsOf('canonical_entities').filter((c) => !skip.has(c));
  const hasMeta = cat.has('canonical_entities', 'metadata');
  const [r] = rowsOf<{ u: string }>(
    await m.query(
      `INSERT INTO canonical_entities (${cols.join(', ')}, canonical_entity_uuid, project_uuid, mention_count${hasMeta ? ', metadata' : ''})
       SELECT ${cols.join(', ')}, gen_random_uuid(), $2, 0${hasMeta ? `, COALESCE(metadata, '{}'::jsonb) || jsonb_build_object('split_from', $3::text)` : ''}
         FROM canonical_entities WHERE id = $1
       RETURNING canonical_entity_uuid::text AS u`,
      [e.id, project, root],
    ),
  );
  return r.u;
}

/** Adds the loser's aliases (and its name) to the winner's jsonb aliases; the old value (and updated_at, which the old trigger moves) is logged. */
async function unionAliases(m: Tx, cat: Catalogue, winnerId: number, loserId: number): Promise<void> {
  if (cat.type('canonical_entities', 'aliases') !== 'jsonb') return;
  const arr = (x: string) => `jsonb_array_elements(CASE WHEN jsonb_typeof(${x}) = 'array' THEN ${x} ELSE '[]'::jsonb END)`;
  const ua = cat.has('canonical_entities', 'updated_at');
  await m.query(
    `WITH v AS (
       SELECT w.id, w.aliases AS old, ${ua ? 'w.updated_at' : 'NULL::timestamptz'} AS old_at,
              (SELECT coalesce(jsonb_agg(a ORDER BY a), '[]'::jsonb) FROM (
                 SELECT ${arr('w.aliases')} AS a UNION SELECT ${arr('l.aliases')} UNION SELECT to_jsonb(l.canonical_name) WHERE l.canonical_name <> w.canonical_name) s) AS new
         FROM canonical_entities w, canonical_entities l WHERE w.id = $1 AND l.id = $2
     ), u AS (
       UPDATE canonical_entities c SET aliases = v.new FROM v WHERE c.id = v.id AND c.aliases IS DISTINCT FROM v.new
       RETURNING c.id, ${ua ? 'c.updated_at' : 'NULL::timestamptz'} AS new_at
     )
     INSERT INTO casegraph_adoption_log (table_name, row_id, column_name, old_value, new_value, reason)
     SELECT 'canonical_entities', v.id::text, x.col, x.old, x.new, $3
       FROM v JOIN u ON u.id = v.id
      CROSS JOIN LATERAL (VALUES ('aliases', v.old, v.new), ('updated_at', to_jsonb(v.old_at), to_jsonb(u.new_at))) AS x(col, old, new)
      WHERE x.old IS NOT NULL AND x.old IS DISTINCT FROM x.new`,
    [winnerId, loserId, MERGE_REASON],
  );
}

/** mention_count := the entity's mentions (old values logged). */
export async function recount(m: Tx, uuids: string[]): Promise<void> {
  if (!uuids.length) return;
  await m.query(
    `WITH x AS (SELECT c.id, c.mention_count AS old, (SELECT count(*) FROM entity_mentions em WHERE em.canonical_entity_uuid = c.canonical_entity_uuid)::int AS new
                  FROM canonical_entities c WHERE c.canonical_entity_uuid = ANY($1::uuid[])),
          u AS (UPDATE canonical_entities c SET mention_count = x.new FROM x WHERE c.id = x.id AND c.mention_count IS DISTINCT FROM x.new RETURNING c.id)
     INSERT INTO casegraph_adoption_log (table_name, row_id, column_name, old_value, new_value, reason)
     SELECT 'canonical_entities', x.id::text, 'mention_count', to_jsonb(x.old), to_jsonb(x.new), 'mention_count recomputed'
       FROM x JOIN u ON u.id = x.id WHERE x.old IS NOT NULL`,
    [uuids],
  );
}

/**
 * Points every edge endpoint `from` at `to`; an edge that then equals another one (same endpoints and type) is
 * archived and deleted. Contributions and embeddings follow the same way.
 */
export async function relinkEntityEverywhere(m: Tx, cat: Catalogue, from: string, to: string, reason: string): Promise<void> {
  const edges = rowsOf<{ id: number; s: string | null; t: string | null; r: string }>(
    await m.query(
      `SELECT id, source_entity_uuid::text AS s, target_entity_uuid::text AS t, relationship_type AS r FROM relationship_staging
        WHERE source_entity_uuid = $1 OR target_entity_uuid = $1 ORDER BY id FOR UPDATE`,
      [from],
    ),
  );
  for (const e of edges) {
    const s = e.s === from ? to : e.s;
    const t = e.t === from ? to : e.t;
    const [other] = rowsOf<{ id: number }>(
      await m.query(
        `SELECT id FROM relationship_staging WHERE source_entity_uuid = $1 AND target_entity_uuid = $2 AND relationship_type = $3 AND id <> $4 LIMIT 1`,
        [s, t, e.r, e.id],
      ),
    );
    if (other) {
      await archiveRows(m, 'relationship_staging', 't.id = $1', [e.id], 'edge merged into the same endpoints', String(other.id));
      await m.query(`DELETE FROM relationship_staging WHERE id = $1`, [e.id]);
      continue;
    }
    await m.query(`UPDATE relationship_staging SET source_entity_uuid = $2, target_entity_uuid = $3 WHERE id = $1`, [e.id, s, t]);
    if (s !== e.s) await logValue(m, 'relationship_staging', e.id, 'source_entity_uuid', e.s, s, reason);
    if (t !== e.t) await logValue(m, 'relationship_staging', e.id, 'target_entity_uuid', e.t, t, reason);
  }
  if (cat.has('relationship_contributions', 'source_entity_uuid')) {
    for (const side of ['source_entity_uuid', 'target_entity_uuid']) {
      await m.query(
        `DELETE FROM relationship_contributions c WHERE c.${side} = $1 AND EXISTS (
           SELECT 1 FROM relationship_contributions o WHERE o.document_uuid = c.document_uuid AND o.relationship_type = c.relationship_type
              AND o.source_entity_uuid = CASE WHEN '${side}' = 'source_entity_uuid' THEN $2 ELSE c.source_entity_uuid END
              AND o.target_entity_uuid = CASE WHEN '${side}' = 'target_entity_uuid' THEN $2 ELSE c.target_entity_uuid END)`,
        [from, to],
      );
      await m.query(`UPDATE relationship_contributions SET ${side} = $2 WHERE ${side} = $1`, [from, to]);
    }
  }
  if (cat.has('canonical_entity_embeddings', 'canonical_entity_uuid', 'model_name')) {
    const clash = `t.canonical_entity_uuid = $1 AND EXISTS (SELECT 1 FROM canonical_entity_embeddings k WHERE k.canonical_entity_uuid = $2 AND k.model_name = t.model_name)`;
    await archiveRows(m, 'canonical_entity_embeddings', clash, [from, to], reason, null);
    await m.query(`DELETE FROM canonical_entity_embeddings t WHERE ${clash}`, [from, to]);
    await relink(m, 'canonical_entity_embeddings', 'canonical_entity_uuid', from, to, reason);
  }
}

async function splitGlobal(m: Tx, cat: Catalogue, id: number): Promise<{ copies: number; merged: number } | 'orphan' | null> {
  const e = await lockEntity(m, 'id = $1', [id]);
  if (!e || e.project !== null) return null;
  const projects = rowsOf<{ p: string; n: number }>(await m.query(MENTION_PROJECTS_SQL, [e.u]));
  if (!projects.length) return 'orphan';
  const existing = new Map<string, Entity | undefined>();
  for (const { p } of projects) existing.set(p, e.k === null ? undefined : await sameKeyIn(m, p, e, e.id));
  const keeper = projects.find(({ p }) => !existing.get(p))?.p;
  let copies = 0;
  let merged = 0;
  const touched = new Set<string>([e.u]);
  if (keeper) await m.query(`UPDATE canonical_entities SET project_uuid = $2 WHERE id = $1`, [e.id, keeper]);
  for (const { p } of projects) {
    if (p === keeper) continue;
    const x = existing.get(p);
    let target: string;
    if (x) {
      target = x.u;
      await unionAliases(m, cat, x.id, e.id);
      merged++;
    } else {
      target = await copyEntity(m, cat, e, p, e.u);
      copies++;
    }
    touched.add(target);
    await relink(m, 'entity_mentions', 'canonical_entity_uuid', e.u, target, x ? MERGE_REASON : SPLIT_REASON, 'AND project_uuid = $3', [p]);
  }
  if (!keeper) {
    // Every project already has this entity: all of it goes to the first project's, and the row is archived.
    const winner = existing.get(projects[0].p)!;
    await relink(m, 'entity_mentions', 'canonical_entity_uuid', e.u, winner.u, MERGE_REASON);
    await relinkEntityEverywhere(m, cat, e.u, winner.u, MERGE_REASON);
    await archiveRows(m, 'canonical_entities', 't.id = $1', [e.id], MERGE_REASON, String(winner.id));
    await m.query(`DELETE FROM canonical_entities WHERE id = $1`, [e.id]);
    touched.delete(e.u);
  }
  await recount(m, [...touched]);
  return { copies, merged };
}

export type { Entity };
