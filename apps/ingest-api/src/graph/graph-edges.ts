import {
  DOCUMENT_SOURCE_RELATIONSHIPS,
  DOCUMENT_TARGET_RELATIONSHIPS,
  type EdgeEvidence,
  type RelationshipType,
  TYPED_RELATIONSHIP_TYPES,
} from '@casegraph/contracts';
import type { GraphEdgeDto } from './graph.dto';

/**
 * The edges as the read API shows them, over relationship_staging as the graph worker stores them.
 * One difference: a CITES edge is stored from the citing document; it is read from that document's own
 * case, the CASE of its caption (the first entity_mentions row of kind 'caption'), when the document has one,
 * so a case graph shows "Hines v. State cites Bell Atlantic v. Twombly". Several documents of one case that
 * cite the same case are one edge (weights and counts summed, pins, signals and roles merged); a document
 * without a caption CASE (a contract that cites a statute) keeps its edge, from the document node. A CITES
 * edge read from a case to itself (a later opinion citing an earlier one of the same case) is not shown.
 */

/** evidence_count and first_evidence of the stored edge `r` (evidence is NULL on rows stored before it existed). */
export const EVIDENCE_COLUMNS = `CASE WHEN jsonb_typeof(r.evidence) = 'array' THEN jsonb_array_length(r.evidence) ELSE 0 END AS evidence_count,
           CASE WHEN jsonb_typeof(r.evidence) = 'array' THEN r.evidence->0 END AS first_evidence`;

/** The caption CASE of the document `doc` (an SQL expression): one row, or none. */
export const captionCaseOf = (doc: string) =>
  `SELECT m.canonical_entity_uuid FROM entity_mentions m
    WHERE m.document_uuid = ${doc} AND m.entity_type = 'CASE' AND m.attributes->>'kind' = 'caption'
      AND m.canonical_entity_uuid IS NOT NULL
    ORDER BY m.start_char NULLS LAST, m.id LIMIT 1`;

/**
 * Which read edges a query wants, relative to a set S of node UUIDs:
 * - touching: at least one end in S (a neighbourhood's next ring);
 * - within: both ends in S (the edges among a neighbourhood's nodes);
 * - within-or-document: the entity ends in S, a document end anything (the project graph view with MENTIONED_IN or
 *   the e-mail edges, whose node set is entities only: the documents come in with their edges). A document end is
 *   the target of MENTIONED_IN and SENT, the source of RECEIVED and (with `citingDocuments`) of CITES from a document
 *   without a caption CASE, and both ends of IN_REPLY_TO: the replies among the e-mails an entity of S sent or received.
 */
export type EdgeScope = 'touching' | 'within' | 'within-or-document';

/** A SQL text[] literal of constant type names (plain upper-case identifiers). */
const typeList = (types: readonly string[]) => `'{${types.join(',')}}'::text[]`;
/** Edge types read with a document target from an entity of S: MENTIONED_IN, SENT (not IN_REPLY_TO: both ends documents). */
const ENTITY_TO_DOCUMENT = DOCUMENT_TARGET_RELATIONSHIPS.filter((t) => !DOCUMENT_SOURCE_RELATIONSHIPS.includes(t));
/** Edge types read with a document source to an entity of S, other than CITES (read from a caption): RECEIVED. */
const DOCUMENT_TO_ENTITY = DOCUMENT_SOURCE_RELATIONSHIPS.filter((t) => t !== 'CITES' && !DOCUMENT_TARGET_RELATIONSHIPS.includes(t));
/** Edge types between two documents: IN_REPLY_TO. */
const DOCUMENT_TO_DOCUMENT = DOCUMENT_SOURCE_RELATIONSHIPS.filter((t) => DOCUMENT_TARGET_RELATIONSHIPS.includes(t));

/**
 * CTEs ending in `read_edges(rid, uuid, type, source, target, weight, properties, document_count, evidence_count,
 * first_evidence, citing_document)`: the stored edges of types `types` in scope, CITES read from caption cases
 * (ungrouped: one row per stored edge). `project`, `set`, `types` are SQL placeholders (uuid, uuid[], text[]).
 * Every branch is an index range (the unique (project, source, target, type) index, (project, target), or the
 * mentions' canonical-entity index): nothing reads the whole project. `citingDocuments` (within-or-document only,
 * default true): a CITES edge from a document without a caption CASE is read from that document (false: not at all,
 * as in `within`).
 */
export function readEdgesCte(p: { project: string; set: string; types: string }, scope: EdgeScope, opts: { citingDocuments?: boolean } = {}): string {
  const { project, set, types } = p;
  const citingDocuments = opts.citingDocuments ?? true;
  const stored = `relationship_staging r WHERE r.project_uuid = ${project} AND r.relationship_type = ANY(${types}::text[])`;
  // The e-mails an entity of S sent or received (whatever types are asked): the documents whose IN_REPLY_TO is read.
  const emailDocuments =
    scope === 'within-or-document'
      ? `email_documents AS (
    SELECT r.target_entity_uuid AS document_uuid FROM relationship_staging r
     WHERE r.project_uuid = ${project} AND r.relationship_type = 'SENT' AND r.source_entity_uuid = ANY(${set}::uuid[])
    UNION
    SELECT r.source_entity_uuid FROM relationship_staging r
     WHERE r.project_uuid = ${project} AND r.relationship_type = 'RECEIVED' AND r.target_entity_uuid = ANY(${set}::uuid[])),
  `
      : '';
  const branches =
    scope === 'touching'
      ? [
          `SELECT r.id FROM ${stored} AND r.source_entity_uuid = ANY(${set}::uuid[])`,
          `SELECT r.id FROM ${stored} AND r.target_entity_uuid = ANY(${set}::uuid[])`,
          // CITES from the documents whose caption CASE is in S
          `SELECT r.id FROM entity_mentions cm JOIN relationship_staging r
              ON r.project_uuid = ${project} AND r.source_entity_uuid = cm.document_uuid AND r.relationship_type = 'CITES'
           WHERE cm.canonical_entity_uuid = ANY(${set}::uuid[]) AND cm.entity_type = 'CASE' AND cm.attributes->>'kind' = 'caption'
             AND 'CITES' = ANY(${types}::text[])`,
        ]
      : scope === 'within'
        ? [
            `SELECT r.id FROM ${stored} AND r.relationship_type <> 'CITES' AND r.source_entity_uuid = ANY(${set}::uuid[])
              AND r.target_entity_uuid = ANY(${set}::uuid[])`,
            `SELECT r.id FROM ${stored} AND r.relationship_type = 'CITES' AND r.target_entity_uuid = ANY(${set}::uuid[])`,
          ]
        : [
            // entity -> entity, and entity -> document (MENTIONED_IN, SENT)
            `SELECT r.id FROM ${stored} AND r.relationship_type <> 'CITES' AND r.source_entity_uuid = ANY(${set}::uuid[])
              AND (r.target_entity_uuid = ANY(${set}::uuid[]) OR r.relationship_type = ANY(${typeList(ENTITY_TO_DOCUMENT)}))`,
            `SELECT r.id FROM ${stored} AND r.relationship_type = 'CITES' AND r.target_entity_uuid = ANY(${set}::uuid[])`,
            // document -> entity (RECEIVED): by the target, like CITES, but read from the document itself
            `SELECT r.id FROM ${stored} AND r.relationship_type = ANY(${typeList(DOCUMENT_TO_ENTITY)}) AND r.target_entity_uuid = ANY(${set}::uuid[])`,
            // document -> document (IN_REPLY_TO) among the e-mails of S, from either end
            `SELECT r.id FROM email_documents ed JOIN relationship_staging r ON r.project_uuid = ${project} AND r.source_entity_uuid = ed.document_uuid
              WHERE r.relationship_type = ANY(${typeList(DOCUMENT_TO_DOCUMENT)}) AND r.relationship_type = ANY(${types}::text[])`,
            `SELECT r.id FROM email_documents ed JOIN relationship_staging r ON r.project_uuid = ${project} AND r.target_entity_uuid = ed.document_uuid
              WHERE r.relationship_type = ANY(${typeList(DOCUMENT_TO_DOCUMENT)}) AND r.relationship_type = ANY(${types}::text[])`,
          ];
  const keep =
    scope === 'touching'
      ? `(source = ANY(${set}::uuid[]) OR target = ANY(${set}::uuid[]))`
      : scope === 'within'
        ? `source = ANY(${set}::uuid[]) AND target = ANY(${set}::uuid[])`
        : `(source = ANY(${set}::uuid[])${citingDocuments ? ' OR source = citing_document' : ''}
              OR type = ANY(${typeList(DOCUMENT_SOURCE_RELATIONSHIPS.filter((t) => t !== 'CITES'))}))
           AND (target = ANY(${set}::uuid[]) OR type = ANY(${typeList(DOCUMENT_TARGET_RELATIONSHIPS)}))`;
  return `${emailDocuments}stored_ids AS (${branches.join('\n UNION ')}),
  projected AS (
    SELECT r.id AS rid, r.relationship_uuid AS uuid, r.relationship_type AS type,
           -- CASE evaluates the caption lookup for CITES rows only (a lateral join would run it for every row).
           CASE WHEN r.relationship_type = 'CITES'
                THEN coalesce((${captionCaseOf('r.source_entity_uuid')}), r.source_entity_uuid)
                ELSE r.source_entity_uuid END AS source,
           r.target_entity_uuid AS target, r.weight::float8 AS weight, r.properties - 'evidenceChunkUuids' AS properties,
           coalesce((r.properties->>'documentCount')::int, 0) AS document_count,
           ${EVIDENCE_COLUMNS},
           CASE WHEN r.relationship_type = 'CITES' THEN r.source_entity_uuid END AS citing_document
      FROM stored_ids s JOIN relationship_staging r ON r.id = s.id
  ),
  read_edges AS (SELECT * FROM projected WHERE source <> target AND ${keep})`;
}

/** The read edges grouped into what the API returns: one per (type, source, target). Appended after readEdgesCte. */
export const GROUPED_EDGES = `grouped_edges AS (
    SELECT type, source, target, (array_agg(uuid ORDER BY rid))[1] AS uuid, sum(weight)::float8 AS weight,
           sum(document_count)::int AS document_count, jsonb_agg(properties ORDER BY rid) AS properties,
           sum(evidence_count)::int AS evidence_count,
           (array_agg(first_evidence ORDER BY rid) FILTER (WHERE first_evidence IS NOT NULL))[1] AS first_evidence,
           array_agg(DISTINCT citing_document) FILTER (WHERE citing_document IS NOT NULL) AS citing_documents
      FROM read_edges GROUP BY type, source, target)`;

/** ORDER BY of typed edges first (TYPED_RELATIONSHIP_TYPES before CO_OCCURS and MENTIONED_IN), then heaviest. */
export const TYPED_FIRST = `(type = ANY('{${TYPED_RELATIONSHIP_TYPES.join(',')}}'::text[])) DESC, weight DESC, uuid`;

export interface GroupedEdgeRow {
  uuid: string;
  type: RelationshipType;
  source: string;
  target: string;
  weight: number;
  document_count: number;
  properties: Array<Record<string, unknown>>;
  evidence_count: number;
  first_evidence: EdgeEvidence | null;
  citing_documents: string[] | null;
}

const isList = (v: unknown): v is unknown[] => Array.isArray(v);

/**
 * Properties of several stored edges read as one (a case's documents that cite the same case): numbers summed,
 * lists merged (distinct, sorted), anything else from the first edge. One edge: its properties unchanged.
 */
export function mergeProperties(list: Array<Record<string, unknown>>): Record<string, unknown> {
  if (list.length <= 1) return { ...(list[0] ?? {}) };
  const out: Record<string, unknown> = {};
  for (const props of list) {
    for (const [k, v] of Object.entries(props ?? {})) {
      const prev = out[k];
      if (prev === undefined) out[k] = isList(v) ? [...v] : v;
      else if (typeof prev === 'number' && typeof v === 'number') out[k] = prev + v;
      else if (isList(prev) && isList(v)) out[k] = [...prev, ...v];
    }
  }
  for (const [k, v] of Object.entries(out)) {
    if (isList(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) {
      out[k] = [...new Set(v)].sort((a, b) => String(a).localeCompare(String(b)));
    }
  }
  return out;
}

export function toEdgeDto(r: GroupedEdgeRow): GraphEdgeDto {
  const properties = mergeProperties(r.properties ?? []);
  delete properties.documentCount;
  return {
    id: r.uuid,
    source: r.source,
    target: r.target,
    type: r.type,
    weight: Number(r.weight),
    documentCount: Number(r.document_count),
    properties,
    evidenceCount: Number(r.evidence_count),
    evidence: r.first_evidence ?? null,
    ...(r.type === 'CITES' ? { citingDocuments: r.citing_documents ?? [] } : {}),
  };
}
