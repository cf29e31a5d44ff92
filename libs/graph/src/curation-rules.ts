import type { EntityManager } from 'typeorm';
import { rowsOf } from '@casegraph/pipeline';

/**
 * SQL of the rule that decides each mention of document $2 in project $1: the mention-scope rule on its span
 * (document, type, start, end), else the key-scope rule on its (type, normalised key). A rule counts only when
 * it can be obeyed: 'reject', or 'assign' to an entity that exists in the project (`isTarget(uuid)`: an SQL
 * condition); a void one (its entity is gone) leaves the next rule, or resolution, to decide.
 * Columns: id (mention row), current (its link now), scope, decision, target (NULL for 'reject').
 */
const decidedMentionsSql = (isTarget: (uuid: string) => string) => `
  SELECT d.id, d.current,
         CASE WHEN d.by_mention THEN 'mention' ELSE 'key' END AS scope,
         CASE WHEN d.by_mention THEN d.m_decision ELSE d.k_decision END AS decision,
         CASE WHEN d.by_mention THEN d.m_target ELSE d.k_target END AS target
    FROM (SELECT m.id, m.canonical_entity_uuid AS current,
                 mr.decision AS m_decision, CASE WHEN mr.decision = 'assign' THEN mr.canonical_entity_uuid END AS m_target,
                 kr.decision AS k_decision, CASE WHEN kr.decision = 'assign' THEN kr.canonical_entity_uuid END AS k_target,
                 coalesce(mr.decision = 'reject' OR (mr.decision = 'assign' AND ${isTarget('mr.canonical_entity_uuid')}), false) AS by_mention,
                 coalesce(kr.decision = 'reject' OR (kr.decision = 'assign' AND ${isTarget('kr.canonical_entity_uuid')}), false) AS by_key
            FROM entity_mentions m
            LEFT JOIN curation_rules mr
              ON mr.scope = 'mention' AND mr.project_uuid = $1 AND mr.document_uuid = $2
             AND mr.entity_type = m.entity_type AND mr.start_char = m.start_char AND mr.end_char = m.end_char
            LEFT JOIN curation_rules kr
              ON kr.scope = 'key' AND kr.project_uuid = $1 AND kr.entity_type = m.entity_type AND kr.normalized_key = m.normalized_key
           WHERE m.document_uuid = $2 AND m.project_uuid = $1) AS d
   WHERE d.by_mention OR d.by_key`;

/** The assign targets of the rules that may decide a mention of document $2 (project $1). */
const RULE_TARGETS_SQL = `
  SELECT r.canonical_entity_uuid FROM curation_rules r
   WHERE r.project_uuid = $1 AND r.decision = 'assign' AND r.scope = 'mention' AND r.document_uuid = $2
  UNION
  SELECT r.canonical_entity_uuid FROM curation_rules r
    JOIN (SELECT DISTINCT entity_type, normalized_key FROM entity_mentions WHERE document_uuid = $2 AND project_uuid = $1) AS k
      ON r.project_uuid = $1 AND r.scope = 'key' AND r.entity_type = k.entity_type AND r.normalized_key = k.normalized_key
   WHERE r.decision = 'assign'`;

/** A mention of the document that a curation rule decides (see ruledMentions). */
export interface RuledMention {
  /** entity_mentions.id */
  id: number;
  scope: 'key' | 'mention';
  decision: 'assign' | 'reject';
  /** The entity an 'assign' links it to (it exists in the project); null for 'reject'. */
  target: string | null;
}

/**
 * The mentions of a document that a curation rule decides, and how (mention rule first, else key rule; an
 * 'assign' to an entity that no longer exists does not count). A plain read: the caller that links mentions to
 * a target must lock it (FOR UPDATE / KEY SHARE) and make sure it is still there.
 */
export async function ruledMentions(manager: EntityManager, projectUuid: string, documentUuid: string): Promise<RuledMention[]> {
  const rows = rowsOf<{ id: number; scope: 'key' | 'mention'; decision: 'assign' | 'reject'; target: string | null }>(
    await manager.query(
      `SELECT d.id, d.scope, d.decision, d.target
         FROM (${decidedMentionsSql((u) => `EXISTS (SELECT 1 FROM canonical_entities e WHERE e.canonical_entity_uuid = ${u} AND e.project_uuid = $1)`)}) AS d`,
      [projectUuid, documentUuid],
    ),
  );
  return rows.map((r) => ({ id: Number(r.id), scope: r.scope, decision: r.decision, target: r.target }));
}

/**
 * Applies the project's curation rules to the document's mentions, after resolution linked them (the graph
 * worker, every run) or after a person wrote rules (the API's curation service). For each mention, the
 * mention-scope rule on its span wins, else the key-scope rule on its (type, key): 'assign' links it to the
 * rule's entity when that entity exists in the project (else the link stays as resolution made it), 'reject'
 * unlinks it (canonical_entity_uuid NULL). The rules' entities are locked FOR KEY SHARE (in the fixed order
 * (project, type, key)) in the same statement, so none of them can be deleted before the caller commits, and
 * one that a concurrent transaction deleted is skipped, never linked to.
 *
 * Returns the entities whose mentions changed (the old link and the new one), for recountMentions. Call it in
 * the document's transaction (advisory lock held).
 */
export async function applyCurationRules(manager: EntityManager, projectUuid: string, documentUuid: string): Promise<string[]> {
  const rows = rowsOf<{ u: string }>(
    await manager.query(
      `WITH targets AS MATERIALIZED (
         SELECT e.canonical_entity_uuid FROM canonical_entities e
          WHERE e.project_uuid = $1 AND e.canonical_entity_uuid IN (${RULE_TARGETS_SQL})
          ORDER BY e.project_uuid, e.entity_type, e.normalized_key
            FOR KEY SHARE
       ),
       decided AS (${decidedMentionsSql((u) => `${u} IN (SELECT canonical_entity_uuid FROM targets)`)}),
       changed AS (
         UPDATE entity_mentions m SET canonical_entity_uuid = d.target
           FROM decided d
          WHERE m.id = d.id AND m.canonical_entity_uuid IS DISTINCT FROM d.target
         RETURNING d.current, d.target
       )
       SELECT DISTINCT u::text AS u FROM changed CROSS JOIN LATERAL (VALUES (changed.current), (changed.target)) AS v(u)
        WHERE u IS NOT NULL`,
      [projectUuid, documentUuid],
    ),
  );
  return rows.map((r) => r.u).sort();
}
