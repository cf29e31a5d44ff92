import type { EntityManager } from 'typeorm';
import type { EdgeEvidence } from '@casegraph/contracts';
import { rowsOf } from '@casegraph/pipeline';
import { emailMetadataOf, replyCandidates } from '../email/email-metadata';
import { headerLine } from '../email/email-headers';
import { type DocumentText, codePointOffsets } from '../text/document-text';
import { loadDocumentText } from '../text/load-document-text';
import { LOCK_NAMESPACE } from '../transactions';
import { evidenceOf } from './evidence';

/** One IN_REPLY_TO contribution as written (the reply document is the contribution's document). */
export interface ReplyRecord {
  s: string;
  tg: string;
  ty: 'IN_REPLY_TO';
  w: number;
  ev: string[];
  p: null;
  x: EdgeEvidence[] | null;
}

/** An aggregate edge key (relationship_staging's (source, target, type)). */
export interface ThreadEdgeKey {
  s: string;
  tg: string;
  ty: string;
}

/** What a document's thread edges depend on: its e-mail headers, and the documents that answer it. */
export interface ThreadContext {
  projectFkId: number | null;
  /** replyCandidates of the document's headers ([] for a document that is no e-mail or answers nothing). */
  candidates: string[];
  /** Whether the document is an e-mail (has document_metadata.email). */
  isEmail: boolean;
  /** Documents of the project whose In-Reply-To or References name this document's Message-ID (sorted). */
  replies: string[];
}

/** Where a reply's evidence lies: the In-Reply-To line, else References, else Subject, else From. */
const EVIDENCE_LINES = [/^[ \t]*in-reply-to[ \t]*:/im, /^[ \t]*references[ \t]*:/im, /^[ \t]*subject[ \t]*:/im, /^[ \t]*from[ \t]*:/im];

/** Reads the document's e-mail headers and finds the replies to it (one indexed lookup, one project scan of e-mails). */
export async function threadContextOf(manager: EntityManager, documentUuid: string): Promise<ThreadContext> {
  const rows = rowsOf<{ project_fk_id: number; document_metadata: unknown }>(
    await manager.query('SELECT project_fk_id, document_metadata FROM source_documents WHERE document_uuid = $1', [documentUuid]),
  );
  const meta = rows.length ? emailMetadataOf(rows[0].document_metadata) : null;
  if (!rows.length || !meta) return { projectFkId: rows[0]?.project_fk_id ?? null, candidates: [], isEmail: false, replies: [] };
  const replies = meta.messageId ? await repliesTo(manager, rows[0].project_fk_id, meta.messageId, documentUuid) : [];
  return { projectFkId: rows[0].project_fk_id, candidates: replyCandidates(meta), isEmail: true, replies };
}

/**
 * The documents of the project (other than `self`) whose In-Reply-To or References name `messageId` (with or
 * without angle brackets). The two conditions have the shape of expression indexes on
 * `(project_fk_id, (document_metadata #>> '{email,inReplyTo}'))` and a GIN on `(document_metadata #> '{email,references}')`
 * (not created yet: without them, a scan of the project's rows).
 */
async function repliesTo(manager: EntityManager, projectFkId: number, messageId: string, self: string): Promise<string[]> {
  const variants = [messageId, `<${messageId}>`];
  return rowsOf<{ u: string }>(
    await manager.query(
      `SELECT d.document_uuid AS u FROM source_documents d
        WHERE d.project_fk_id = $1 AND d.document_uuid <> $3 AND d.document_metadata ? 'email'
          AND ((d.document_metadata #>> '{email,inReplyTo}') = ANY($2::text[])
               OR (jsonb_typeof(d.document_metadata #> '{email,references}') = 'array'
                   AND (d.document_metadata #> '{email,references}') ?| $2::text[]))
        ORDER BY d.document_uuid`,
      [projectFkId, variants, self],
    ),
  ).map((r) => r.u);
}

/**
 * Takes the THREAD locks of `documentUuids` (sorted, one statement each in that order), so that two writers of
 * the same reply's IN_REPLY_TO contribution run one after the other and never deadlock with each other.
 */
export async function lockThreads(manager: EntityManager, documentUuids: string[]): Promise<void> {
  for (const u of [...new Set(documentUuids)].sort()) {
    await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE.THREAD, u]);
  }
}

/**
 * The IN_REPLY_TO contribution of `replyUuid`: to the document of the same project whose Message-ID is its
 * In-Reply-To, else the newest of its References that names one (the oldest copy when several documents carry
 * that Message-ID), never to itself nor to a document of `exclude` (one being deleted). null when it answers
 * nothing found. Evidence: the reply's In-Reply-To (else References, Subject, From) header line.
 */
export async function replyRecord(
  manager: EntityManager,
  replyUuid: string,
  context: Pick<ThreadContext, 'projectFkId' | 'candidates'>,
  exclude: string[] = [],
  text?: DocumentText | null,
): Promise<ReplyRecord | null> {
  if (context.projectFkId === null || !context.candidates.length) return null;
  const found = rowsOf<{ u: string }>(
    await manager.query(
      `SELECT d.u FROM unnest($2::text[]) WITH ORDINALITY AS c(mid, n)
         CROSS JOIN LATERAL (
           SELECT s.document_uuid AS u FROM source_documents s
            WHERE s.project_fk_id = $1 AND (s.document_metadata #>> '{email,messageId}') IN (c.mid, '<' || c.mid || '>')
              AND s.document_uuid <> ALL($3::uuid[])
            ORDER BY s.created_at, s.document_uuid LIMIT 1) d
        ORDER BY c.n LIMIT 1`,
      [context.projectFkId, context.candidates, [replyUuid, ...exclude]],
    ),
  );
  if (!found.length) return null;
  const doc = text === undefined ? await loadDocumentText(manager, replyUuid) : text;
  let x: EdgeEvidence[] | null = null;
  let ev: string[] = [];
  const line = doc ? EVIDENCE_LINES.map((re) => headerLine(doc, re)).find((l) => l !== null) : null;
  if (doc && line) {
    const cp = codePointOffsets(doc.text);
    const span = { start: cp(line.start), end: cp(line.end) };
    x = evidenceOf(doc, replyUuid, [span]);
    ev = rowsOf<{ c: string }>(
      await manager.query(
        `SELECT chunk_uuid AS c FROM document_chunks
          WHERE document_uuid = $1 AND char_start_index <= $2 AND char_end_index > $2 ORDER BY chunk_index LIMIT 1`,
        [replyUuid, span.start],
      ),
    ).map((r) => r.c);
  }
  return { s: replyUuid, tg: found[0].u, ty: 'IN_REPLY_TO', w: 1, ev, p: null, x };
}

/**
 * Recomputes the IN_REPLY_TO contributions of `replyUuids` (the replies to a document being processed or
 * deleted; their THREAD locks held), leaving out the documents of `exclude`. A reply whose target is unchanged is
 * left as it is. Returns the edge keys written or removed, for recomputeEdges.
 */
export async function refreshReplies(
  manager: EntityManager,
  projectUuid: string,
  replyUuids: string[],
  exclude: string[] = [],
): Promise<ThreadEdgeKey[]> {
  const keys: ThreadEdgeKey[] = [];
  for (const r of replyUuids) {
    const context = await threadContextOf(manager, r);
    const current = rowsOf<{ tg: string }>(
      await manager.query(
        `SELECT target_entity_uuid AS tg FROM relationship_contributions WHERE document_uuid = $1 AND relationship_type = 'IN_REPLY_TO'`,
        [r],
      ),
    );
    const record = context.isEmail ? await replyRecord(manager, r, context, exclude) : null;
    if (record && current.length === 1 && current[0].tg === record.tg) continue;
    if (!record && !current.length) continue;
    const old = rowsOf<ThreadEdgeKey>(
      await manager.query(
        `DELETE FROM relationship_contributions WHERE document_uuid = $1 AND relationship_type = 'IN_REPLY_TO'
         RETURNING source_entity_uuid AS s, target_entity_uuid AS tg, relationship_type AS ty`,
        [r],
      ),
    );
    keys.push(...old);
    if (record) {
      await manager.query(
        `INSERT INTO relationship_contributions (project_uuid, document_uuid, source_entity_uuid, target_entity_uuid,
                                                relationship_type, weight, evidence_chunk_uuids, properties, evidence)
         VALUES ($1, $2, $2, $3, 'IN_REPLY_TO', 1, $4::uuid[], NULL, $5::jsonb)`,
        [projectUuid, r, record.tg, record.ev, record.x === null ? null : JSON.stringify(record.x)],
      );
      keys.push({ s: record.s, tg: record.tg, ty: record.ty });
    }
  }
  return keys;
}
