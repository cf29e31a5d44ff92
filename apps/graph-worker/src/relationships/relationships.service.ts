import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { rowsOf } from '@casegraph/pipeline';
import { GRAPH_PIPELINE_OPTIONS, GraphPipelineOptions } from '../pipeline/graph-options';
import type { Span } from '../text/sentences';
import { EdgeContribution, ResolvedMention, documentContributions } from './co-occurrence';

export interface RelationshipResult {
  mentionedIn: number;
  coOccurs: number;
  /** Aggregate edges recomputed (this document's old and new edges). */
  touched: number;
}

/**
 * Stage 4: the document's contribution to the project graph. Its rows in
 * relationship_contributions are replaced; then every aggregate edge it touched
 * (before or now) is recomputed from all documents' contributions: weight = SUM,
 * evidence = merged chunk ids, documentCount; an edge left without contributions
 * is deleted. Re-processing a document therefore never double counts.
 */
@Injectable()
export class RelationshipsService {
  constructor(@Inject(GRAPH_PIPELINE_OPTIONS) private readonly options: GraphPipelineOptions) {}

  async recompute(manager: EntityManager, projectUuid: string, documentUuid: string, sentences: Span[]): Promise<RelationshipResult> {
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
      maxEntitiesPerWindow: this.options.maxEntitiesPerSentence,
      maxEvidence: 20,
    });

    const old = rowsOf<{ s: string; tg: string; ty: string }>(
      await manager.query(
        `WITH d AS (DELETE FROM relationship_contributions WHERE document_uuid = $1
                    RETURNING source_entity_uuid, target_entity_uuid, relationship_type)
         SELECT DISTINCT source_entity_uuid AS s, target_entity_uuid AS tg, relationship_type AS ty FROM d`,
        [documentUuid],
      ),
    );
    if (contributions.length) {
      await manager.query(
        `INSERT INTO relationship_contributions (project_uuid, document_uuid, source_entity_uuid, target_entity_uuid,
                                                relationship_type, weight, evidence_chunk_uuids)
         SELECT $1, $2, c.s, c.tg, c.ty, c.w, c.ev
           FROM jsonb_to_recordset($3::jsonb) AS c(s uuid, tg uuid, ty text, w real, ev uuid[])`,
        [projectUuid, documentUuid, JSON.stringify(contributions.map(toRecord))],
      );
    }

    const touched = new Map<string, { s: string; tg: string; ty: string }>();
    for (const e of [...old, ...contributions.map(toRecord)]) touched.set(`${e.ty}|${e.s}|${e.tg}`, { s: e.s, tg: e.tg, ty: e.ty });
    if (touched.size) {
      const edges = JSON.stringify([...touched.values()]);
      // Lock every touched edge first (creating missing ones), in a fixed order; the
      // recompute below then sees every contribution committed before it got the locks.
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
    }
    return {
      mentionedIn: contributions.filter((c) => c.type === 'MENTIONED_IN').length,
      coOccurs: contributions.filter((c) => c.type === 'CO_OCCURS').length,
      touched: touched.size,
    };
  }
}

function toRecord(c: EdgeContribution) {
  return { s: c.source, tg: c.target, ty: c.type, w: c.weight, ev: c.evidence };
}
