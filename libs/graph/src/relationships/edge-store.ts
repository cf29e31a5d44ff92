import type { EntityManager } from 'typeorm';
import { rowsOf } from '@casegraph/pipeline';
import { loadDocumentText } from '../text/load-document-text';
import { codePointOffsets } from '../text/document-text';
import { Span, splitSentences } from '../text/sentences';
import { DEFAULT_CO_OCCURRENCE, EdgeContribution, ResolvedMention, documentContributions } from './co-occurrence';

export interface RelationshipResult {
  mentionedIn: number;
  coOccurs: number;
  /** Aggregate edges recomputed (this document's old and new edges). */
  touched: number;
}

export interface RecomputeOptions {
  /** The document's sentences in code points; loaded from its text when not given. */
  sentences?: Span[];
  /** Most distinct entities paired within one sentence (COOCCURRENCE_MAX_ENTITIES). */
  maxEntitiesPerSentence?: number;
}

/** One aggregate edge of relationship_staging. */
interface EdgeKey {
  s: string;
  tg: string;
  ty: string;
}

/**
 * The document's contribution to the project graph. Its rows in relationship_contributions are replaced;
 * then every aggregate edge it touched (before or now) is recomputed from all documents' contributions:
 * weight = SUM, evidence = merged chunk ids, documentCount; an edge left without contributions is deleted.
 * Re-processing a document therefore never double counts. Call it inside the document's advisory lock
 * (inDocumentTransaction).
 */
export async function recomputeDocumentEdges(
  manager: EntityManager,
  projectUuid: string,
  documentUuid: string,
  opts: RecomputeOptions = {},
): Promise<RelationshipResult> {
  const sentences = opts.sentences ?? (await documentSentences(manager, documentUuid));
  // Offsets count only when document-absolute (offset_basis 'document'); others are unknown (NULL).
  const mentions = rowsOf<{ canonical_entity_uuid: string; start_char: number | null; end_char: number | null; chunk_uuid: string | null }>(
    await manager.query(
      `SELECT canonical_entity_uuid,
              CASE WHEN offset_basis = 'document' THEN start_char END AS start_char,
              CASE WHEN offset_basis = 'document' THEN end_char END AS end_char, chunk_uuid
         FROM entity_mentions
        WHERE document_uuid = $1 AND canonical_entity_uuid IS NOT NULL
        ORDER BY start_char NULLS LAST, end_char NULLS LAST, mention_uuid`,
      [documentUuid],
    ),
  );
  const resolved: ResolvedMention[] = mentions.map((m) => ({
    canonicalUuid: m.canonical_entity_uuid,
    start: m.start_char,
    end: m.end_char,
    chunkUuid: m.chunk_uuid,
  }));
  const contributions = documentContributions(documentUuid, resolved, sentences, {
    maxEntitiesPerWindow: opts.maxEntitiesPerSentence ?? DEFAULT_CO_OCCURRENCE.maxEntitiesPerWindow,
    maxEvidence: 20,
  });

  const old = await deleteContributions(manager, documentUuid);
  if (contributions.length) {
    await manager.query(
      `INSERT INTO relationship_contributions (project_uuid, document_uuid, source_entity_uuid, target_entity_uuid,
                                              relationship_type, weight, evidence_chunk_uuids)
       SELECT $1, $2, c.s, c.tg, c.ty, c.w, c.ev
         FROM jsonb_to_recordset($3::jsonb) AS c(s uuid, tg uuid, ty text, w real, ev uuid[])`,
      [projectUuid, documentUuid, JSON.stringify(contributions.map(toRecord))],
    );
  }
  const touched = await recomputeEdges(manager, projectUuid, [...old, ...contributions.map(toRecord)]);
  return {
    mentionedIn: contributions.filter((c) => c.type === 'MENTIONED_IN').length,
    coOccurs: contributions.filter((c) => c.type === 'CO_OCCURS').length,
    touched,
  };
}

/**
 * Removes a document from the project graph: deletes its contributions, recomputes (or deletes) every
 * aggregate edge they touched, and deletes the edges whose source (CITES) or target (MENTIONED_IN) is the
 * document itself (rows written before contributions existed). Returns the edges recomputed.
 */
export async function dropDocumentEdges(manager: EntityManager, projectUuid: string, documentUuid: string): Promise<number> {
  const old = await deleteContributions(manager, documentUuid);
  const touched = await recomputeEdges(manager, projectUuid, old);
  await manager.query(
    `DELETE FROM relationship_staging
      WHERE project_uuid = $1 AND (source_entity_uuid = $2 OR target_entity_uuid = $2)`,
    [projectUuid, documentUuid],
  );
  return touched;
}

/** The document's sentences as code-point spans (no text: none). */
async function documentSentences(manager: EntityManager, documentUuid: string): Promise<Span[]> {
  const doc = await loadDocumentText(manager, documentUuid);
  if (!doc) return [];
  const toCodePoint = codePointOffsets(doc.text);
  return splitSentences(doc.text).map((s) => ({ start: toCodePoint(s.start), end: toCodePoint(s.end) }));
}

async function deleteContributions(manager: EntityManager, documentUuid: string): Promise<EdgeKey[]> {
  return rowsOf<EdgeKey>(
    await manager.query(
      `WITH d AS (DELETE FROM relationship_contributions WHERE document_uuid = $1
                  RETURNING source_entity_uuid, target_entity_uuid, relationship_type)
       SELECT DISTINCT source_entity_uuid AS s, target_entity_uuid AS tg, relationship_type AS ty FROM d`,
      [documentUuid],
    ),
  );
}

/**
 * Recomputes the given aggregate edges from every document's contributions; returns how many. The edges
 * are locked first (created when missing), in a fixed order, so two documents sharing edges never
 * deadlock and the recompute sees every contribution committed before it got the locks.
 */
async function recomputeEdges(manager: EntityManager, projectUuid: string, keys: EdgeKey[]): Promise<number> {
  const touched = new Map<string, EdgeKey>();
  for (const e of keys) touched.set(`${e.ty}|${e.s}|${e.tg}`, { s: e.s, tg: e.tg, ty: e.ty });
  if (!touched.size) return 0;
  const edges = JSON.stringify([...touched.values()]);
  await manager.query(
    `INSERT INTO relationship_staging AS r (relationship_uuid, project_uuid, source_entity_uuid, target_entity_uuid,
                                           relationship_type, weight, properties)
     SELECT gen_random_uuid(), $1, e.s, e.tg, e.ty, 0, '{}'::jsonb
       FROM jsonb_to_recordset($2::jsonb) AS e(s uuid, tg uuid, ty text)
      ORDER BY e.ty, e.s, e.tg
     ON CONFLICT (project_uuid, source_entity_uuid, target_entity_uuid, relationship_type)
     DO UPDATE SET updated_at = now()`,
    [projectUuid, edges],
  );
  await manager.query(
    `WITH e AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS e(s uuid, tg uuid, ty text)),
     w AS (
       SELECT c.source_entity_uuid AS s, c.target_entity_uuid AS tg, c.relationship_type AS ty,
              sum(c.weight) AS weight, count(*) AS documents
         FROM relationship_contributions c
         JOIN e ON c.project_uuid = $1 AND c.source_entity_uuid = e.s AND c.target_entity_uuid = e.tg
               AND c.relationship_type = e.ty
        GROUP BY 1, 2, 3),
     ev AS (
       SELECT c.source_entity_uuid AS s, c.target_entity_uuid AS tg, c.relationship_type AS ty,
              (array_agg(DISTINCT x ORDER BY x))[1:50] AS evidence
         FROM relationship_contributions c
         JOIN e ON c.project_uuid = $1 AND c.source_entity_uuid = e.s AND c.target_entity_uuid = e.tg
               AND c.relationship_type = e.ty
        CROSS JOIN LATERAL unnest(c.evidence_chunk_uuids) AS x
        GROUP BY 1, 2, 3)
     UPDATE relationship_staging r
        SET weight = w.weight,
            confidence_score = 1,
            properties = jsonb_build_object('documentCount', w.documents,
                                            'evidenceChunkUuids', to_jsonb(coalesce(ev.evidence, '{}'::uuid[]))),
            updated_at = now()
       FROM w LEFT JOIN ev ON ev.s = w.s AND ev.tg = w.tg AND ev.ty = w.ty
      WHERE r.project_uuid = $1 AND r.source_entity_uuid = w.s AND r.target_entity_uuid = w.tg
        AND r.relationship_type = w.ty`,
    [projectUuid, edges],
  );
  await manager.query(
    `DELETE FROM relationship_staging r
      USING jsonb_to_recordset($2::jsonb) AS e(s uuid, tg uuid, ty text)
      WHERE r.project_uuid = $1 AND r.source_entity_uuid = e.s AND r.target_entity_uuid = e.tg
        AND r.relationship_type = e.ty
        AND NOT EXISTS (SELECT 1 FROM relationship_contributions c
                         WHERE c.project_uuid = r.project_uuid AND c.source_entity_uuid = r.source_entity_uuid
                           AND c.target_entity_uuid = r.target_entity_uuid
                           AND c.relationship_type = r.relationship_type AND c.weight > 0)`,
    [projectUuid, edges],
  );
  return touched.size;
}

function toRecord(c: EdgeContribution) {
  return { s: c.source, tg: c.target, ty: c.type, w: c.weight, ev: c.evidence };
}
