import { rowsOf } from '@casegraph/project-context';
import {
  BATCH_RESULT,
  Catalogue,
  Counts,
  Db,
  Phase,
  PhaseContext,
  fillNormalizedKeys,
  docProjectJoin,
  keysetBatches,
  mentionChunkStartSql,
  mentionDocSql,
  logSql,
  originalRowSql,
  stmt,
  withPhaseLock,
} from './common';

export const SPAN_REASON = 'duplicate mention span';

function chunkJoins(cat: Catalogue): { joins: string; docExpr: string; startExpr: string } {
  const byFk = cat.has('entity_mentions', 'chunk_fk_id');
  return {
    joins: `LEFT JOIN document_chunks c1 ON c1.chunk_uuid = m.chunk_uuid ${byFk ? 'LEFT JOIN document_chunks c2 ON c2.id = m.chunk_fk_id' : ''}`,
    docExpr: byFk ? 'COALESCE(c1.document_uuid, c2.document_uuid)' : 'c1.document_uuid',
    startExpr: byFk ? 'COALESCE(c1.char_start_index, c2.char_start_index)' : 'c1.char_start_index',
  };
}

const SPAN_GROUPS = `FROM entity_mentions m
  WHERE m.document_uuid IS NOT NULL AND m.start_char IS NOT NULL AND m.end_char IS NOT NULL
  GROUP BY m.document_uuid, m.entity_type, m.start_char, m.end_char HAVING count(*) > 1`;

/**
 * Phase 4, mentions: document_uuid from the chunk; project_uuid from the document; method :=
 * COALESCE(extraction_method, 'legacy'); normalized_key := normalizeEntity(entity_type, entity_text) (the graph
 * worker's key, @casegraph/contracts); offsets of old rows (offset_basis NULL and no method: written by the old
 * code, relative to the chunk): absolute where the chunk's start is known and the span is not 0..0 ('document'),
 * else NULL ('unknown'), old values logged. Rows CaseGraph wrote (method set) only get offset_basis 'document'.
 * Duplicate spans (document, type, start, end): one kept (linked to an entity first, then lowest id), the rest
 * archived and deleted.
 */
export const mentionsPhase: Phase = {
  name: 'mentions',
  async plan(db: Db, cat: Catalogue): Promise<Counts> {
    const has = (c: string) => cat.has('entity_mentions', c);
    const pu = cat.has('projects', 'project_uuid') ? 'p.project_uuid' : cat.type('projects', 'project_id') === 'uuid' ? 'p.project_id' : 'NULL::uuid';
    const legacy = has('method') ? 'm.method IS NULL' : 'true';
    const unhealed = has('offset_basis') ? `m.offset_basis IS NULL AND ${legacy}` : legacy;
    const known = `${mentionChunkStartSql(cat)} IS NOT NULL AND m.start_char IS NOT NULL AND m.end_char IS NOT NULL AND NOT (m.start_char = 0 AND m.end_char = 0)`;
    const [r] = rowsOf<Counts>(
      await db.query(`SELECT
        (SELECT count(*) FROM entity_mentions m WHERE m.document_uuid IS NULL AND ${mentionDocSql(cat)} IS NOT NULL)::int AS "documentFromChunk",
        (SELECT count(*) FROM entity_mentions m JOIN source_documents d ON d.document_uuid = ${mentionDocSql(cat)} ${docProjectJoin(cat)}
          WHERE ${has('project_uuid') ? `m.project_uuid IS DISTINCT FROM ${pu}` : 'true'})::int AS project,
        (SELECT count(*) FROM entity_mentions m WHERE ${has('method') ? 'm.method IS NULL' : 'true'})::int AS method,
        (SELECT count(*) FROM entity_mentions m WHERE ${has('normalized_key') ? 'm.normalized_key IS NULL' : 'true'})::int AS "normalizedKey",
        (SELECT count(*) FROM entity_mentions m WHERE ${unhealed} AND ${known})::int AS "offsetsAbsolute",
        (SELECT count(*) FROM entity_mentions m WHERE ${unhealed} AND NOT (${known}))::int AS "offsetsUnknown",
        (SELECT count(*) FROM (SELECT 1 ${SPAN_GROUPS}) g)::int AS "duplicateSpans",
        (SELECT coalesce(sum(k - 1), 0) FROM (SELECT count(*) AS k ${SPAN_GROUPS}) g)::int AS archived`),
    );
    // The span duplicates above are counted on the offsets as they are now; healing offsets (and relinking the
    // chunks' retry copies) adds some.
    return r;
  },
  async run(ctx: PhaseContext): Promise<Counts> {
    const { cat } = ctx;
    const { joins, docExpr, startExpr } = chunkJoins(cat);
    const documentFromChunk = await keysetBatches(
      ctx,
      `WITH batch AS (
         SELECT m.id, ${docExpr} AS new FROM entity_mentions m ${joins}
          WHERE m.id > $2 AND m.document_uuid IS NULL AND ${docExpr} IS NOT NULL ORDER BY m.id LIMIT $1 FOR UPDATE OF m SKIP LOCKED
       ), upd AS (
         UPDATE entity_mentions m SET document_uuid = b.new FROM batch b WHERE m.id = b.id AND m.document_uuid IS NULL RETURNING m.id
       ), lg AS (
         -- Logged although it was NULL: a duplicate span archived later is archived with its old (NULL) document_uuid.
         INSERT INTO casegraph_adoption_log (table_name, row_id, column_name, old_value, new_value, reason)
         SELECT 'entity_mentions', b.id::text, 'document_uuid', NULL, to_jsonb(b.new), 'document_uuid from the chunk' FROM batch b JOIN upd u ON u.id = b.id
       )
       ${BATCH_RESULT}`,
    );
    const project = await keysetBatches(
      ctx,
      `WITH batch AS (
         SELECT m.id, m.project_uuid AS old, p.project_uuid AS new FROM entity_mentions m
           JOIN source_documents d ON d.document_uuid = m.document_uuid
           JOIN projects p ON p.project_uuid = d.project_uuid
          WHERE m.id > $2 AND m.project_uuid IS DISTINCT FROM p.project_uuid ORDER BY m.id LIMIT $1 FOR UPDATE OF m SKIP LOCKED
       ), upd AS (
         UPDATE entity_mentions m SET project_uuid = b.new FROM batch b WHERE m.id = b.id RETURNING m.id
       ), lg AS (${logSql('entity_mentions', 'project_uuid', "project_uuid from the mention's document", 'SELECT id, old, new FROM batch')})
       ${BATCH_RESULT}`,
    );
    const ext = cat.has('entity_mentions', 'extraction_method') ? 'm.extraction_method' : 'NULL::text';
    let offsetsAbsolute = 0;
    let offsetsUnknown = 0;
    let method = 0;
    let collisions = 0;
    if (cat.has('entity_mentions', 'offset_basis')) {
      const unique = cat.indexes.has('uq_entity_mentions_span');
      await keysetBatches(
        ctx,
        `WITH batch AS (
               SELECT m.id, m.document_uuid, m.entity_type, m.start_char AS s, m.end_char AS e, m.method AS old_method,
                      m.offset_basis AS old_basis, ${ext} AS ext, ${startExpr} AS cs
                 FROM entity_mentions m ${joins}
                WHERE m.id > $2 AND (m.method IS NULL OR m.offset_basis IS NULL)
                ORDER BY m.id LIMIT $1 FOR UPDATE OF m SKIP LOCKED
             ), calc AS (
               SELECT b.*, (b.old_basis IS NULL AND b.old_method IS NULL) AS heal,
                      CASE WHEN b.old_basis IS NOT NULL THEN b.old_basis
                           WHEN b.old_method IS NOT NULL THEN 'document'
                           WHEN b.cs IS NOT NULL AND b.s IS NOT NULL AND b.e IS NOT NULL AND NOT (b.s = 0 AND b.e = 0) THEN 'document'
                           ELSE 'unknown' END AS basis
                 FROM batch b
             ), calc2 AS (
               SELECT c.*, CASE WHEN NOT c.heal THEN c.s WHEN c.basis = 'document' THEN c.cs + c.s END AS ns,
                           CASE WHEN NOT c.heal THEN c.e WHEN c.basis = 'document' THEN c.cs + c.e END AS ne
                 FROM calc c
             ), fin AS (
               SELECT x.*, ${
                 unique
                   ? `(x.heal AND x.ns IS NOT NULL AND (
                        EXISTS (SELECT 1 FROM entity_mentions o WHERE o.document_uuid = x.document_uuid AND o.entity_type = x.entity_type
                                   AND o.start_char = x.ns AND o.end_char = x.ne AND o.id <> x.id)
                        OR row_number() OVER (PARTITION BY x.document_uuid, x.entity_type, x.ns, x.ne ORDER BY x.id) > 1))`
                   : 'false'
               } AS collides
                 FROM calc2 x
             ), upd AS (
               UPDATE entity_mentions m SET method = COALESCE(m.method, f.ext, 'legacy'), offset_basis = f.basis, start_char = f.ns, end_char = f.ne
                 FROM fin f WHERE m.id = f.id AND NOT f.collides RETURNING m.id
             ), lg AS (
               INSERT INTO casegraph_adoption_log (table_name, row_id, column_name, old_value, new_value, reason)
               SELECT 'entity_mentions', f.id::text, v.col, to_jsonb(v.old), to_jsonb(v.new),
                      CASE WHEN f.basis = 'document' THEN 'relative offset made absolute' ELSE 'offset unknown (no chunk start)' END
                 FROM fin f CROSS JOIN LATERAL (VALUES ('start_char', f.s, f.ns), ('end_char', f.e, f.ne)) AS v(col, old, new)
                WHERE f.heal AND NOT f.collides AND v.old IS NOT NULL AND v.old IS DISTINCT FROM v.new
             ), arch AS (
               INSERT INTO casegraph_adoption_archive (table_name, row_id, row_data, reason)
               SELECT 'entity_mentions', em.id::text, ${originalRowSql('entity_mentions', 'em')}, '${SPAN_REASON}' FROM entity_mentions em JOIN fin f ON f.id = em.id WHERE f.collides
             ), del AS (
               DELETE FROM entity_mentions em USING fin f WHERE em.id = f.id AND f.collides RETURNING em.id
             )
             SELECT (SELECT max(id) FROM batch) AS last_id, (SELECT count(*) FROM upd)::int + (SELECT count(*) FROM del)::int AS updated,
                    (SELECT count(*) FROM fin WHERE heal AND NOT collides AND basis = 'document')::int AS absolute,
                    (SELECT count(*) FROM fin WHERE heal AND NOT collides AND basis = 'unknown')::int AS unknown,
                    (SELECT count(*) FROM fin WHERE old_method IS NULL AND NOT collides)::int AS method,
                    (SELECT count(*) FROM del)::int AS collided`,
        [],
        (r) => {
          offsetsAbsolute += Number(r.absolute);
          offsetsUnknown += Number(r.unknown);
          method += Number(r.method);
          collisions += Number(r.collided);
        },
      );
    } else {
      method = await keysetBatches(
        ctx,
        `WITH batch AS (
           SELECT m.id, ${ext} AS ext FROM entity_mentions m WHERE m.id > $2 AND m.method IS NULL ORDER BY m.id LIMIT $1 FOR UPDATE SKIP LOCKED
         ), upd AS (
           UPDATE entity_mentions m SET method = COALESCE(m.method, b.ext, 'legacy') FROM batch b WHERE m.id = b.id RETURNING m.id
         )
         ${BATCH_RESULT}`,
      );
    }
    const normalizedKey = await fillNormalizedKeys(ctx, 'entity_mentions', 'entity_text');
    const dup = await withPhaseLock(ctx.db, 'mentions:duplicates', () => dedupSpans(ctx));
    return {
      documentFromChunk,
      project,
      method,
      normalizedKey,
      offsetsAbsolute,
      offsetsUnknown,
      duplicateSpans: dup.groups,
      archived: dup.archived + collisions,
    };
  },
};

async function dedupSpans(ctx: PhaseContext): Promise<{ groups: number; archived: number }> {
  let groups = 0;
  let archived = 0;
  for (;;) {
    const [r] = await stmt<{ groups: number; archived: number }>(
      ctx.db,
      `WITH g AS (
         SELECT m.document_uuid, m.entity_type, m.start_char, m.end_char ${SPAN_GROUPS}
          ORDER BY 1, 2, 3, 4 LIMIT $1
       ), ranked AS (
         SELECT m.id, row_number() OVER w AS rn, first_value(m.id) OVER w AS keep_id
           FROM entity_mentions m JOIN g USING (document_uuid, entity_type, start_char, end_char)
         WINDOW w AS (PARTITION BY m.document_uuid, m.entity_type, m.start_char, m.end_char
                      ORDER BY (m.canonical_entity_uuid IS NULL), m.id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
       ), locked AS (
         SELECT em.* FROM entity_mentions em JOIN ranked r ON r.id = em.id WHERE r.rn > 1 FOR UPDATE OF em
       ), arch AS (
         INSERT INTO casegraph_adoption_archive (table_name, row_id, row_data, reason, kept_row_id)
         SELECT 'entity_mentions', l.id::text, ${originalRowSql('entity_mentions', 'l')}, '${SPAN_REASON}', r.keep_id::text FROM locked l JOIN ranked r ON r.id = l.id
       ), del AS (
         DELETE FROM entity_mentions em USING locked l WHERE em.id = l.id RETURNING em.id
       )
       SELECT (SELECT count(*) FROM g)::int AS groups, (SELECT count(*) FROM del)::int AS archived`,
      [ctx.batchSize],
    );
    if (!r || !r.groups) break;
    groups += r.groups;
    archived += r.archived;
    ctx.progress.increment(r.archived);
    if (!r.archived) break;
  }
  return { groups, archived };
}
