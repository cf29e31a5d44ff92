import type { EntityManager } from 'typeorm';
import { MAX_EVIDENCE_PER_EDGE, type EdgeEvidence, type RelationshipType } from '@casegraph/contracts';
import { rowsOf } from '@casegraph/pipeline';
import { type DocumentText, codePointOffsets, utf16Offsets } from '../text/document-text';
import { loadDocumentText } from '../text/load-document-text';
import { Span, splitSentences } from '../text/sentences';
import { DEFAULT_CO_OCCURRENCE, documentContributions } from './co-occurrence';
import { lockThreads, refreshReplies, replyRecord, threadContextOf } from './email-threads';
import { evidenceOf } from './evidence';
import { GraphMention, TypedProperties, typedContributions } from './typed-relationships';

export interface RelationshipResult {
  mentionedIn: number;
  coOccurs: number;
  /** Contributions of the document per edge type (MENTIONED_IN and CO_OCCURS included). */
  byType: Partial<Record<RelationshipType, number>>;
  /** Aggregate edges recomputed (this document's old and new edges). */
  touched: number;
}

export interface RecomputeOptions {
  /** The document's text, when the caller has it (else loaded). */
  text?: DocumentText;
  /** Most distinct entities paired within one sentence (COOCCURRENCE_MAX_ENTITIES). */
  maxEntitiesPerSentence?: number;
}

/** Aggregate edges recomputed per statement (recomputeEdges). */
const RECOMPUTE_BATCH = 200;

/** Aggregate arrays (pins, signals, roles) keep at most this many distinct values. */
const MAX_PROPERTY_VALUES = 50;

/** One aggregate edge of relationship_staging. */
interface EdgeKey {
  s: string;
  tg: string;
  ty: string;
}

/**
 * The document's contribution to the project graph: MENTIONED_IN, CO_OCCURS (sentence pairs, leaf types only
 * with anchors) and the typed edges (typedContributions), each with properties and at most
 * MAX_EVIDENCE_PER_DOCUMENT evidence occurrences (page, span, snippet). Its rows in relationship_contributions are
 * replaced; then every aggregate edge it touched (before or now) is recomputed from all documents' contributions
 * (recomputeEdges). Re-processing a document therefore never double counts. Call it inside the document's advisory
 * lock (inDocumentTransaction).
 */
export async function recomputeDocumentEdges(
  manager: EntityManager,
  projectUuid: string,
  documentUuid: string,
  opts: RecomputeOptions = {},
): Promise<RelationshipResult> {
  // E-mail threads: the document's own IN_REPLY_TO and those of the replies to it are written under their THREAD
  // locks (taken before any edge row), so whichever of a message and its reply is processed last, the edge is
  // there once.
  const thread = await threadContextOf(manager, documentUuid);
  if (thread.isEmail) await lockThreads(manager, [documentUuid, ...thread.replies]);
  const doc = opts.text ?? (await loadDocumentText(manager, documentUuid));
  const sentences = doc ? sentencesOf(doc) : [];
  // Offsets count only when document-absolute (offset_basis 'document'); others are unknown (NULL). An end's type is
  // its entity's (a person may have changed it: PATCH entityType), not the type the mention was extracted with; a
  // mention whose entity is gone gives no edge.
  const rows = rowsOf<{
    canonical_entity_uuid: string;
    entity_type: string;
    role: string | null;
    attributes: Record<string, unknown> | null;
    normalized_key: string | null;
    start_char: number | null;
    end_char: number | null;
    chunk_uuid: string | null;
  }>(
    await manager.query(
      `SELECT m.canonical_entity_uuid, c.entity_type, m.role, m.attributes, m.normalized_key,
              CASE WHEN m.offset_basis = 'document' THEN m.start_char END AS start_char,
              CASE WHEN m.offset_basis = 'document' THEN m.end_char END AS end_char, m.chunk_uuid
         FROM entity_mentions m
         JOIN canonical_entities c ON c.canonical_entity_uuid = m.canonical_entity_uuid
        WHERE m.document_uuid = $1
        ORDER BY start_char NULLS LAST, end_char NULLS LAST, m.mention_uuid`,
      [documentUuid],
    ),
  );
  const mentions: GraphMention[] = rows.map((m) => ({
    canonicalUuid: m.canonical_entity_uuid,
    entityType: m.entity_type,
    role: m.role,
    attributes: m.attributes,
    normalizedKey: m.normalized_key,
    start: m.start_char,
    end: m.end_char,
    chunkUuid: m.chunk_uuid,
  }));
  // A GraphMention is a ResolvedMention (documentContributions reads only those fields and copies before sorting).
  const plain = documentContributions(documentUuid, mentions, sentences, {
    maxEntitiesPerWindow: opts.maxEntitiesPerSentence ?? DEFAULT_CO_OCCURRENCE.maxEntitiesPerWindow,
    maxEvidence: 20,
  });
  const toUtf16 = doc ? utf16Offsets(doc.text) : undefined;
  const between = doc && toUtf16 ? (start: number, end: number) => doc.text.slice(toUtf16(start), toUtf16(end)) : undefined;
  const evidence = (spans: Span[]): EdgeEvidence[] | null => (doc && spans.length ? evidenceOf(doc, documentUuid, spans, toUtf16) : null);
  const records: ContributionRecord[] = [
    ...plain.map((c) => ({ s: c.source, tg: c.target, ty: c.type, w: c.weight, ev: c.evidence, p: null, x: evidence(c.occurrences) })),
    ...typedContributions(documentUuid, mentions, { between }).map((c) => ({
      s: c.source,
      tg: c.target,
      ty: c.type,
      w: c.weight,
      ev: c.evidence,
      p: propertiesOf(c.properties),
      x: evidence(c.occurrences),
    })),
  ];
  const reply = thread.isEmail ? await replyRecord(manager, documentUuid, thread, [], doc) : null;
  if (reply) records.push(reply);

  const old = await deleteContributions(manager, documentUuid);
  if (records.length) {
    await manager.query(
      `INSERT INTO relationship_contributions (project_uuid, document_uuid, source_entity_uuid, target_entity_uuid,
                                              relationship_type, weight, evidence_chunk_uuids, properties, evidence)
       SELECT $1, $2, c.s, c.tg, c.ty, c.w, c.ev, c.p, c.x
         FROM jsonb_to_recordset($3::jsonb) AS c(s uuid, tg uuid, ty text, w real, ev uuid[], p jsonb, x jsonb)`,
      [projectUuid, documentUuid, JSON.stringify(records)],
    );
  }
  const replies = thread.replies.length ? await refreshReplies(manager, projectUuid, thread.replies) : [];
  const touched = await recomputeEdges(manager, projectUuid, [...old, ...records, ...replies]);
  const byType: Partial<Record<RelationshipType, number>> = {};
  for (const r of records) byType[r.ty] = (byType[r.ty] ?? 0) + 1;
  return { mentionedIn: byType.MENTIONED_IN ?? 0, coOccurs: byType.CO_OCCURS ?? 0, byType, touched };
}

/**
 * Removes a document from the project graph: deletes its contributions and the other documents' contributions
 * that end at it (a reply's IN_REPLY_TO), re-links the replies to it to the message they answer next (their
 * References) as if the document had never been there, recomputes (or deletes) every aggregate edge they touched,
 * and deletes the edges whose source or target is the document itself (rows written before contributions existed).
 * Returns the edges recomputed. Call it under the document's lock, before its source_documents row goes.
 */
export async function dropDocumentEdges(manager: EntityManager, projectUuid: string, documentUuid: string): Promise<number> {
  const thread = await threadContextOf(manager, documentUuid);
  if (thread.isEmail) await lockThreads(manager, [documentUuid, ...thread.replies]);
  const old = await deleteContributions(manager, documentUuid);
  // Replies' IN_REPLY_TO to the document (found through the aggregate edges' target index, not a scan).
  const ending = rowsOf<EdgeKey>(
    await manager.query(
      `WITH d AS (DELETE FROM relationship_contributions c
                   USING relationship_staging r
                   WHERE r.project_uuid = $1 AND r.target_entity_uuid = $2 AND r.relationship_type = 'IN_REPLY_TO'
                     AND c.project_uuid = $1 AND c.source_entity_uuid = r.source_entity_uuid
                     AND c.target_entity_uuid = $2 AND c.relationship_type = 'IN_REPLY_TO'
                  RETURNING c.source_entity_uuid, c.target_entity_uuid, c.relationship_type)
       SELECT DISTINCT source_entity_uuid AS s, target_entity_uuid AS tg, relationship_type AS ty FROM d`,
      [projectUuid, documentUuid],
    ),
  );
  const replies = thread.replies.length ? await refreshReplies(manager, projectUuid, thread.replies, [documentUuid]) : [];
  const touched = await recomputeEdges(manager, projectUuid, [...old, ...ending, ...replies]);
  await manager.query(
    `DELETE FROM relationship_staging
      WHERE project_uuid = $1 AND (source_entity_uuid = $2 OR target_entity_uuid = $2)`,
    [projectUuid, documentUuid],
  );
  return touched;
}

/** The document's sentences as code-point spans. */
function sentencesOf(doc: DocumentText): Span[] {
  const toCodePoint = codePointOffsets(doc.text);
  return splitSentences(doc.text).map((s) => ({ start: toCodePoint(s.start), end: toCodePoint(s.end) }));
}

/** A contribution as written (jsonb_to_recordset). */
interface ContributionRecord extends EdgeKey {
  ty: RelationshipType;
  w: number;
  ev: string[];
  p: Record<string, unknown> | null;
  x: EdgeEvidence[] | null;
}

/** The typed properties as stored: empty arrays left out, null when nothing is left. */
function propertiesOf(p: TypedProperties): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  if (p.count !== undefined) out.count = p.count;
  for (const k of ['pins', 'signals', 'roles'] as const) if (p[k]?.length) out[k] = p[k];
  return Object.keys(out).length ? out : null;
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
  // In batches: the planner estimates a jsonb_to_recordset at 100 rows, and with thousands of edges (an e-mail to
  // 500 people) its nested loops over the CTEs grow with the square of the batch.
  const list = [...touched.values()];
  for (let i = 0; i < list.length; i += RECOMPUTE_BATCH) {
    const batch = JSON.stringify(list.slice(i, i + RECOMPUTE_BATCH));
    // weight = SUM; properties = the contributions' arrays merged (distinct, sorted, bounded), count summed,
    // documentCount, evidenceChunkUuids; evidence = the first MAX_EVIDENCE_PER_EDGE occurrences by document, then offset.
    await manager.query(
      `WITH e AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS e(s uuid, tg uuid, ty text)),
       c AS (
         SELECT c.source_entity_uuid AS s, c.target_entity_uuid AS tg, c.relationship_type AS ty, c.document_uuid,
                c.weight, c.evidence_chunk_uuids, c.properties, c.evidence
           FROM relationship_contributions c
           JOIN e ON c.project_uuid = $1 AND c.source_entity_uuid = e.s AND c.target_entity_uuid = e.tg
                 AND c.relationship_type = e.ty),
       w AS (
         SELECT s, tg, ty, sum(weight) AS weight, count(*) AS documents,
                sum((properties->>'count')::numeric) FILTER (WHERE jsonb_typeof(properties->'count') = 'number') AS count
           FROM c GROUP BY 1, 2, 3),
       ev AS (
         SELECT s, tg, ty, (array_agg(DISTINCT x ORDER BY x))[1:50] AS evidence
           FROM c CROSS JOIN LATERAL unnest(c.evidence_chunk_uuids) AS x
          GROUP BY 1, 2, 3),
       arr AS (
         SELECT s, tg, ty, k, (array_agg(DISTINCT v ORDER BY v))[1:$3::int] AS vals
           FROM c
          CROSS JOIN LATERAL jsonb_each(coalesce(c.properties, '{}'::jsonb)) AS p(k, j)
          CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(p.j) = 'array' THEN p.j ELSE '[]'::jsonb END) AS v
          GROUP BY 1, 2, 3, 4),
       props AS (SELECT s, tg, ty, jsonb_object_agg(k, to_jsonb(vals)) AS merged FROM arr GROUP BY 1, 2, 3),
       occ AS (
         SELECT s, tg, ty, x, row_number() OVER (PARTITION BY s, tg, ty
                                                  ORDER BY document_uuid, (x->>'start')::int, (x->>'end')::int, n) AS rn
           FROM c CROSS JOIN LATERAL jsonb_array_elements(
                  CASE WHEN jsonb_typeof(c.evidence) = 'array' THEN c.evidence ELSE '[]'::jsonb END) WITH ORDINALITY AS o(x, n)),
       evd AS (
         SELECT s, tg, ty, jsonb_agg(x ORDER BY rn) AS evidence FROM occ WHERE rn <= $4 GROUP BY 1, 2, 3)
       UPDATE relationship_staging r
          SET weight = w.weight,
              confidence_score = 1,
              properties = coalesce(props.merged, '{}'::jsonb)
                           || CASE WHEN w.count IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('count', w.count) END
                           || jsonb_build_object('documentCount', w.documents,
                                                 'evidenceChunkUuids', to_jsonb(coalesce(ev.evidence, '{}'::uuid[]))),
              evidence = evd.evidence,
              updated_at = now()
         FROM w
         LEFT JOIN ev ON ev.s = w.s AND ev.tg = w.tg AND ev.ty = w.ty
         LEFT JOIN props ON props.s = w.s AND props.tg = w.tg AND props.ty = w.ty
         LEFT JOIN evd ON evd.s = w.s AND evd.tg = w.tg AND evd.ty = w.ty
        WHERE r.project_uuid = $1 AND r.source_entity_uuid = w.s AND r.target_entity_uuid = w.tg
          AND r.relationship_type = w.ty`,
      [projectUuid, batch, MAX_PROPERTY_VALUES, MAX_EVIDENCE_PER_EDGE],
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
      [projectUuid, batch],
    );
  }
  return touched.size;
}
