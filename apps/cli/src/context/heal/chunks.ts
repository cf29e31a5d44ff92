import { rowsOf } from '@casegraph/project-context';
import {
  Catalogue,
  Counts,
  Db,
  Phase,
  PhaseContext,
  Tx,
  archiveRows,
  count,
  docProjectJoin,
  keysetBatches,
  logSql,
  relink,
  tx,
  withPhaseLock,
} from './common';

const DUP_REASON = 'duplicate chunk (document_uuid, chunk_index)';

/**
 * The next $1 chunk ids after $2 (by the primary key): each batch heals the qualifying rows of that window only, so
 * a batch reads $1 rows instead of joining (and sorting) every chunk left after $2 to find the first $1 that qualify.
 * The keyset moves on by the window (last_id is its highest id; NULL once no chunk is left).
 */
const WINDOW = `win AS (SELECT c.id FROM document_chunks c WHERE c.id > $2 ORDER BY c.id LIMIT $1)`;
const IN_WINDOW = `c.id > $2 AND c.id <= (SELECT max(id) FROM win)`;
const WINDOW_RESULT = `SELECT (SELECT max(id) FROM win) AS last_id, (SELECT count(*) FROM upd)::int AS updated`;

function offsetsWhere(cat: Catalogue): string | null {
  if (!cat.has('document_chunks', 'start_char_index', 'end_char_index', 'char_start_index', 'char_end_index')) return null;
  return `((c.char_start_index IS NULL AND c.start_char_index IS NOT NULL) OR (c.char_end_index IS NULL AND c.end_char_index IS NOT NULL))`;
}

/** (document, chunk_index) groups with more than one row, the document by document_uuid or document_fk_id. */
const dupGroups = (cat: Catalogue) =>
  `(SELECT x.d, x.i, count(*) AS k FROM (SELECT ${docUuidExpr(cat)} AS d, c.chunk_index AS i FROM document_chunks c) x
     WHERE x.d IS NOT NULL GROUP BY x.d, x.i HAVING count(*) > 1)`;

/** Document of a chunk by document_uuid, or (an old row) by document_fk_id. */
function docUuidExpr(cat: Catalogue): string {
  return cat.has('document_chunks', 'document_fk_id')
    ? `COALESCE(c.document_uuid, (SELECT d.document_uuid FROM source_documents d WHERE d.id = c.document_fk_id))`
    : 'c.document_uuid';
}

/**
 * Phase 3, chunks: document_uuid from document_fk_id; project_uuid from the document (when the document names a
 * project that exists); char_start_index/char_end_index from the old start_char_index/end_char_index. Duplicates
 * (document_uuid, chunk_index): the chunk referenced by most mentions is kept (tie: lowest id); mentions, edges,
 * embeddings and contributions are relinked to it; the others are archived and deleted.
 */
export const chunksPhase: Phase = {
  name: 'chunks',
  async plan(db: Db, cat: Catalogue): Promise<Counts> {
    const hasProject = cat.has('document_chunks', 'project_uuid');
    const pu = cat.has('projects', 'project_uuid') ? 'p.project_uuid' : cat.type('projects', 'project_id') === 'uuid' ? 'p.project_id' : 'NULL::uuid';
    const off = offsetsWhere(cat);
    const docFromFk = cat.has('document_chunks', 'document_fk_id')
      ? await count(
          db,
          `SELECT count(*) AS n FROM document_chunks c JOIN source_documents d ON d.id = c.document_fk_id WHERE c.document_uuid IS NULL`,
        )
      : 0;
    const project = await count(
      db,
      `SELECT count(*) AS n FROM document_chunks c
         JOIN source_documents d ON d.document_uuid = ${docUuidExpr(cat)}
         ${docProjectJoin(cat)}
        WHERE ${hasProject ? `c.project_uuid IS DISTINCT FROM ${pu}` : 'true'}`,
    );
    return {
      documentFromFk: docFromFk,
      project,
      offsets: off ? await count(db, `SELECT count(*) AS n FROM document_chunks c WHERE ${off}`) : 0,
      duplicateGroups: await count(db, `SELECT count(*) AS n FROM ${dupGroups(cat)} g`),
      archived: await count(db, `SELECT coalesce(sum(k - 1), 0) AS n FROM ${dupGroups(cat)} g`),
      withoutDocument: await count(db, `SELECT count(*) AS n FROM document_chunks c WHERE ${docUuidExpr(cat)} IS NULL`),
    };
  },
  async run(ctx: PhaseContext): Promise<Counts> {
    const { cat } = ctx;
    // Duplicates first, on the document the row names in either column: the copies are archived as the old code
    // left them (before any column of theirs is healed).
    const dup = await withPhaseLock(ctx.db, 'chunks:duplicates', () => dedupChunks(ctx));
    const documentFromFk = cat.has('document_chunks', 'document_fk_id')
      ? await keysetBatches(
          ctx,
          `WITH ${WINDOW}, batch AS (
             SELECT c.id, d.document_uuid AS new FROM document_chunks c JOIN source_documents d ON d.id = c.document_fk_id
              WHERE ${IN_WINDOW} AND c.document_uuid IS NULL ORDER BY c.id FOR UPDATE OF c SKIP LOCKED
           ), upd AS (
             UPDATE document_chunks c SET document_uuid = b.new FROM batch b WHERE c.id = b.id AND c.document_uuid IS NULL RETURNING c.id
           )
           ${WINDOW_RESULT}`,
        )
      : 0;
    const project = await keysetBatches(
      ctx,
      `WITH ${WINDOW}, batch AS (
         SELECT c.id, c.project_uuid AS old, p.project_uuid AS new FROM document_chunks c
           JOIN source_documents d ON d.document_uuid = c.document_uuid
           JOIN projects p ON p.project_uuid = d.project_uuid
          WHERE ${IN_WINDOW} AND c.project_uuid IS DISTINCT FROM p.project_uuid ORDER BY c.id FOR UPDATE OF c SKIP LOCKED
       ), upd AS (
         UPDATE document_chunks c SET project_uuid = b.new FROM batch b WHERE c.id = b.id RETURNING c.id
       ), lg AS (${logSql('document_chunks', 'project_uuid', "project_uuid from the chunk's document", 'SELECT id, old, new FROM batch')})
       ${WINDOW_RESULT}`,
    );
    const off = offsetsWhere(cat);
    const offsets = off
      ? await keysetBatches(
          ctx,
          `WITH ${WINDOW}, batch AS (
             SELECT c.id FROM document_chunks c WHERE ${IN_WINDOW} AND ${off} ORDER BY c.id FOR UPDATE SKIP LOCKED
           ), upd AS (
             UPDATE document_chunks c SET char_start_index = COALESCE(c.char_start_index, c.start_char_index),
                                          char_end_index = COALESCE(c.char_end_index, c.end_char_index)
               FROM batch b WHERE c.id = b.id RETURNING c.id
           )
           ${WINDOW_RESULT}`,
        )
      : 0;
    return {
      documentFromFk,
      project,
      offsets,
      duplicateGroups: dup.groups,
      archived: dup.archived,
      withoutDocument: await count(ctx.db, `SELECT count(*) AS n FROM document_chunks c WHERE c.document_uuid IS NULL`),
    };
  },
};

async function dedupChunks(ctx: PhaseContext): Promise<{ groups: number; archived: number }> {
  let groups = 0;
  let archived = 0;
  let last: [string, number] | null = null;
  for (;;) {
    const batch: Array<{ d: string; i: number }> = rowsOf<{ d: string; i: number }>(
      await ctx.db.query(
        `SELECT g.d::text AS d, g.i FROM ${dupGroups(ctx.cat)} g ${last ? 'WHERE (g.d, g.i) > ($2::uuid, $3::int)' : ''} ORDER BY g.d, g.i LIMIT $1`,
        last ? [ctx.batchSize, last[0], last[1]] : [ctx.batchSize],
      ),
    );
    if (!batch.length) break;
    // One transaction per batch of groups: each statement below reads entity_mentions / relationship_staging once
    // for the whole batch (chunk_fk_id and source_chunk_uuid have no index), not once per group.
    const r = await tx(ctx.db, (m) => resolveChunkGroups(m, ctx.cat, batch));
    groups += r.groups;
    archived += r.archived;
    ctx.progress.increment(r.archived);
    const tail = batch[batch.length - 1];
    last = [tail.d, tail.i];
  }
  return { groups, archived };
}

/**
 * Points `table.column` from each `from[k]` to `to[k]` (every changed value logged), in one statement for all pairs;
 * returns the rows changed.
 */
async function relinkMany(m: Tx, cat: Catalogue, table: string, column: string, from: unknown[], to: unknown[], reason: string): Promise<number> {
  if (!from.length) return 0;
  const type = cat.type(table, column) ?? 'uuid';
  const r = rowsOf<{ n: number }>(
    await m.query(
      `WITH map AS (SELECT * FROM unnest($1::${type}[], $2::${type}[]) AS mp(f, t)),
            t AS (SELECT x.id, x.${column} AS old, map.t AS new FROM ${table} x JOIN map ON x.${column} = map.f ORDER BY x.id FOR UPDATE OF x),
            u AS (UPDATE ${table} x SET ${column} = t.new FROM t WHERE x.id = t.id RETURNING x.id, x.${column} AS new),
            lg AS (${logSql(table, column, reason, 'SELECT t.id, t.old, u.new FROM t JOIN u ON u.id = t.id')})
       SELECT count(*)::int AS n FROM u`,
      [from, to],
    ),
  );
  return r[0]?.n ?? 0;
}

/**
 * For each (document, index) group: keeps one chunk, relinks everything that points at the others, archives and
 * deletes them. The rows of all groups are locked and their mentions counted in one statement each.
 */
async function resolveChunkGroups(m: Tx, cat: Catalogue, batch: Array<{ d: string; i: number }>): Promise<{ groups: number; archived: number }> {
  const byDocFk = cat.has('document_chunks', 'document_fk_id')
    ? `UNION SELECT c.id FROM unnest($1::uuid[], $2::int[]) AS g(d, i) JOIN source_documents sd ON sd.document_uuid = g.d
         JOIN document_chunks c ON c.document_fk_id = sd.id AND c.chunk_index = g.i WHERE c.document_uuid IS NULL`
    : '';
  const locked = rowsOf<{ id: number; u: string; d: string; i: number }>(
    await m.query(
      `SELECT c.id, c.chunk_uuid::text AS u, (${docUuidExpr(cat)})::text AS d, c.chunk_index AS i FROM document_chunks c
        WHERE c.id IN (SELECT c.id FROM unnest($1::uuid[], $2::int[]) AS g(d, i) JOIN document_chunks c ON c.document_uuid = g.d AND c.chunk_index = g.i
                       ${byDocFk})
        ORDER BY c.id FOR UPDATE OF c`,
      [batch.map((g) => g.d), batch.map((g) => g.i)],
    ),
  );
  const byGroup = new Map<string, Array<{ id: number; u: string }>>();
  for (const r of locked) {
    const k = `${r.d}/${r.i}`;
    const list = byGroup.get(k) ?? [];
    list.push({ id: Number(r.id), u: r.u });
    byGroup.set(k, list);
  }
  const dup = [...byGroup.values()].filter((l) => l.length >= 2);
  if (!dup.length) return { groups: 0, archived: 0 };
  const byFk = cat.has('entity_mentions', 'chunk_fk_id');
  const ids = dup.flat().map((r) => r.id);
  const refs = rowsOf<{ id: number; n: number }>(
    await m.query(
      `SELECT x.cid AS id, count(DISTINCT x.em)::int AS n FROM (
         SELECT c.id AS cid, em.id AS em FROM document_chunks c JOIN entity_mentions em ON em.chunk_uuid = c.chunk_uuid WHERE c.id = ANY($1::int[])
         ${byFk ? 'UNION ALL SELECT c.id, em.id FROM document_chunks c JOIN entity_mentions em ON em.chunk_fk_id = c.id WHERE c.id = ANY($1::int[])' : ''}
       ) x GROUP BY x.cid`,
      [ids],
    ),
  );
  const refOf = new Map(refs.map((r) => [Number(r.id), Number(r.n)]));
  const pairs: Array<{ loser: { id: number; u: string }; keep: { id: number; u: string } }> = [];
  for (const list of dup) {
    const keep = [...list].sort((a, b) => (refOf.get(b.id) ?? 0) - (refOf.get(a.id) ?? 0) || a.id - b.id)[0];
    for (const loser of list) if (loser.id !== keep.id) pairs.push({ loser, keep });
  }
  await relinkMany(
    m,
    cat,
    'entity_mentions',
    'chunk_uuid',
    pairs.map((p) => p.loser.u),
    pairs.map((p) => p.keep.u),
    DUP_REASON,
  );
  if (byFk)
    await relinkMany(
      m,
      cat,
      'entity_mentions',
      'chunk_fk_id',
      pairs.map((p) => p.loser.id),
      pairs.map((p) => p.keep.id),
      DUP_REASON,
    );
  if (cat.has('relationship_staging', 'source_chunk_uuid'))
    await relinkMany(
      m,
      cat,
      'relationship_staging',
      'source_chunk_uuid',
      pairs.map((p) => p.loser.u),
      pairs.map((p) => p.keep.u),
      DUP_REASON,
    );
  let archived = 0;
  for (const { loser, keep } of pairs) {
    if (cat.has('chunk_embeddings', 'chunk_uuid', 'model_name')) {
      const clash = `t.chunk_uuid = $1 AND EXISTS (SELECT 1 FROM chunk_embeddings k WHERE k.chunk_uuid = $2 AND k.model_name = t.model_name)`;
      await archiveRows(m, 'chunk_embeddings', clash, [loser.u, keep.u], DUP_REASON, null);
      await m.query(`DELETE FROM chunk_embeddings t WHERE ${clash}`, [loser.u, keep.u]);
      await relink(m, 'chunk_embeddings', 'chunk_uuid', loser.u, keep.u, DUP_REASON);
    }
    if (cat.has('relationship_contributions', 'evidence_chunk_uuids')) {
      await m.query(
        `UPDATE relationship_contributions SET evidence_chunk_uuids = array_replace(evidence_chunk_uuids, $1::uuid, $2::uuid) WHERE $1::uuid = ANY(evidence_chunk_uuids)`,
        [loser.u, keep.u],
      );
    }
    archived += await archiveRows(m, 'document_chunks', 't.id = $1', [loser.id], DUP_REASON, String(keep.id));
    await m.query(`DELETE FROM document_chunks WHERE id = $1`, [loser.id]);
  }
  return { groups: dup.length, archived };
}
