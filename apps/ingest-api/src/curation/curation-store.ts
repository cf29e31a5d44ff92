import type { EntityManager } from 'typeorm';
import { LOCK_NAMESPACE, lockEntityRows } from '@casegraph/graph';
import { rowsOf } from '@casegraph/pipeline';

/** An entity row as the log keeps it (enough to put it back with the same uuid). */
export interface EntitySnap {
  uuid: string;
  type: string;
  name: string;
  key: string;
  aliases: string[];
  curated: Record<string, boolean> | null;
  mentionCount: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** A curation_rules row as the log keeps it. */
export interface RuleSnap {
  id: number;
  scope: 'key' | 'mention';
  entityType: string;
  key: string;
  documentUuid: string | null;
  start: number | null;
  end: number | null;
  decision: 'assign' | 'reject';
  entityUuid: string | null;
  actionUuid: string;
  createdAt: string;
}

/** Where one mention was linked; found again by mentionUuid, else by (document, type, start, end). */
export interface LinkSnap {
  mentionUuid: string;
  documentUuid: string;
  entityType: string;
  key: string | null;
  start: number | null;
  end: number | null;
  entityUuid: string | null;
}

export interface TypeKey {
  t: string;
  k: string;
}

export const typeKeyId = (t: string, k: string) => `${t}\u0000${k}`;

/** Distinct (type, key) pairs, in a stable order. */
export function distinctKeys(keys: TypeKey[]): TypeKey[] {
  const out = new Map<string, TypeKey>();
  for (const k of keys) if (k.k) out.set(typeKeyId(k.t, k.k), { t: k.t, k: k.k });
  return [...out.values()].sort((a, b) => (a.t === b.t ? cmp(a.k, b.k) : cmp(a.t, b.t)));
}

/** Code-point order (as COLLATE "C"), for sorting lock keys and aliases the same way everywhere. */
export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const iso = (d: Date | string) => new Date(d).toISOString();

/** The project's curation lock (LOCK_NAMESPACE.CURATION): every curation write of the project takes it first. */
export async function lockProjectCuration(m: EntityManager, projectUuid: string): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE.CURATION, projectUuid]);
}

/**
 * The documents' advisory locks (the graph worker's DOCUMENT namespace), in one statement, in code-point order
 * (COLLATE "C", as `cmp`): curation and a project's deletion batches take them the same way.
 */
export async function lockDocuments(m: EntityManager, documentUuids: string[]): Promise<void> {
  const ids = [...new Set(documentUuids)];
  if (!ids.length) return;
  await m.query(`SELECT pg_advisory_xact_lock($1, hashtext(u)) FROM (SELECT u FROM unnest($2::text[]) AS u ORDER BY u COLLATE "C") AS s`, [
    LOCK_NAMESPACE.DOCUMENT,
    ids,
  ]);
}

/** The (project, type) locks under which resolution creates or renames entities, in sorted order. */
export async function lockEntityTypes(m: EntityManager, projectUuid: string, types: string[]): Promise<void> {
  for (const t of [...new Set(types)].sort(cmp)) {
    await m.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE.ENTITY_TYPE, `${projectUuid}:${t}`]);
  }
}

/** Locks entity rows FOR UPDATE in resolution's order (project, type, key) and returns them. */
export async function lockEntities(m: EntityManager, projectUuid: string, uuids: string[]): Promise<EntitySnap[]> {
  if (!uuids.length) return [];
  await lockEntityRows(m, uuids, projectUuid);
  return readEntities(m, projectUuid, uuids);
}

export async function readEntities(m: EntityManager, projectUuid: string, uuids: string[]): Promise<EntitySnap[]> {
  if (!uuids.length) return [];
  const rows = rowsOf<{
    uuid: string;
    type: string;
    name: string;
    key: string;
    aliases: string[] | null;
    curated: Record<string, boolean> | null;
    mention_count: number;
    first_seen_at: Date;
    last_seen_at: Date;
  }>(
    await m.query(
      `SELECT canonical_entity_uuid AS uuid, entity_type AS type, canonical_name AS name, normalized_key AS key,
              casegraph_aliases(aliases) AS aliases, curated, mention_count, first_seen_at, last_seen_at
         FROM canonical_entities WHERE project_uuid = $1 AND canonical_entity_uuid = ANY($2::uuid[])
        ORDER BY canonical_entity_uuid`,
      [projectUuid, [...new Set(uuids)]],
    ),
  );
  return rows.map((r) => ({
    uuid: r.uuid,
    type: r.type,
    name: r.name,
    key: r.key,
    aliases: r.aliases ?? [],
    curated: r.curated && Object.keys(r.curated).length ? r.curated : null,
    mentionCount: Number(r.mention_count),
    firstSeenAt: iso(r.first_seen_at),
    lastSeenAt: iso(r.last_seen_at),
  }));
}

/** Entities the mentions of these documents are linked to. */
export async function entitiesLinkedIn(m: EntityManager, documentUuids: string[]): Promise<string[]> {
  if (!documentUuids.length) return [];
  const rows = rowsOf<{ u: string }>(
    await m.query(
      `SELECT DISTINCT canonical_entity_uuid AS u FROM entity_mentions
        WHERE document_uuid = ANY($1::uuid[]) AND canonical_entity_uuid IS NOT NULL`,
      [documentUuids],
    ),
  );
  return rows.map((r) => r.u);
}

/**
 * Every document of the project a decision about these entities and keys reaches: the documents with a
 * mention linked to one of the entities or carrying one of the keys, plus `explicit` ones that still exist.
 */
export async function documentsReached(
  m: EntityManager,
  projectUuid: string,
  entityUuids: string[],
  keys: TypeKey[],
  explicit: string[] = [],
): Promise<string[]> {
  const rows = rowsOf<{ d: string }>(
    await m.query(
      `SELECT DISTINCT document_uuid AS d FROM entity_mentions
        WHERE project_uuid = $1 AND canonical_entity_uuid = ANY($2::uuid[])
       UNION
       SELECT DISTINCT m.document_uuid FROM entity_mentions m
         JOIN jsonb_to_recordset($3::jsonb) AS x(t text, k text) ON m.entity_type = x.t AND m.normalized_key = x.k
        WHERE m.project_uuid = $1
       UNION
       SELECT d.document_uuid FROM source_documents d
        WHERE d.document_uuid = ANY($4::uuid[]) AND d.project_uuid = $1`,
      [projectUuid, [...new Set(entityUuids)], JSON.stringify(distinctKeys(keys)), [...new Set(explicit)]],
    ),
  );
  return rows.map((r) => r.d).sort(cmp);
}

/** Every mention of the documents with its link. */
export async function readLinks(m: EntityManager, documentUuids: string[]): Promise<LinkSnap[]> {
  if (!documentUuids.length) return [];
  const rows = rowsOf<{
    mention_uuid: string;
    document_uuid: string;
    entity_type: string;
    normalized_key: string | null;
    start_char: number | null;
    end_char: number | null;
    canonical_entity_uuid: string | null;
  }>(
    await m.query(
      `SELECT mention_uuid, document_uuid, entity_type, normalized_key,
              CASE WHEN offset_basis = 'document' THEN start_char END AS start_char,
              CASE WHEN offset_basis = 'document' THEN end_char END AS end_char, canonical_entity_uuid
         FROM entity_mentions WHERE document_uuid = ANY($1::uuid[])
        ORDER BY document_uuid, start_char NULLS LAST, mention_uuid`,
      [documentUuids],
    ),
  );
  return rows.map((r) => ({
    mentionUuid: r.mention_uuid,
    documentUuid: r.document_uuid,
    entityType: r.entity_type,
    key: r.normalized_key,
    start: r.start_char,
    end: r.end_char,
    entityUuid: r.canonical_entity_uuid,
  }));
}

/** The rules a decision about these entities, keys and documents may change (or that this action wrote). */
export async function readRules(
  m: EntityManager,
  projectUuid: string,
  entityUuids: string[],
  keys: TypeKey[],
  documentUuids: string[],
  actionUuid: string,
): Promise<RuleSnap[]> {
  const rows = rowsOf<{
    id: number;
    scope: 'key' | 'mention';
    entity_type: string;
    normalized_key: string;
    document_uuid: string | null;
    start_char: number | null;
    end_char: number | null;
    decision: 'assign' | 'reject';
    canonical_entity_uuid: string | null;
    action_uuid: string;
    created_at: Date;
  }>(
    await m.query(
      `SELECT r.id, r.scope, r.entity_type, r.normalized_key, r.document_uuid, r.start_char, r.end_char, r.decision,
              r.canonical_entity_uuid, r.action_uuid, r.created_at
         FROM curation_rules r
        WHERE r.project_uuid = $1
          AND (r.canonical_entity_uuid = ANY($2::uuid[]) OR r.action_uuid = $5
               OR (r.scope = 'mention' AND r.document_uuid = ANY($4::uuid[]))
               OR (r.scope = 'key' AND EXISTS (SELECT 1 FROM jsonb_to_recordset($3::jsonb) AS x(t text, k text)
                                               WHERE x.t = r.entity_type AND x.k = r.normalized_key)))
        ORDER BY r.id`,
      [projectUuid, [...new Set(entityUuids)], JSON.stringify(distinctKeys(keys)), [...new Set(documentUuids)], actionUuid],
    ),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    scope: r.scope,
    entityType: r.entity_type,
    key: r.normalized_key,
    documentUuid: r.document_uuid,
    start: r.start_char,
    end: r.end_char,
    decision: r.decision,
    entityUuid: r.canonical_entity_uuid,
    actionUuid: r.action_uuid,
    createdAt: iso(r.created_at),
  }));
}

/** Writes key rules (one per (type, key); a rule already there is replaced). */
export async function upsertKeyRules(
  m: EntityManager,
  projectUuid: string,
  actionUuid: string,
  rules: Array<TypeKey & { decision: 'assign' | 'reject'; entityUuid: string | null }>,
): Promise<void> {
  const byKey = new Map<string, (typeof rules)[number]>();
  for (const r of rules) if (r.k) byKey.set(typeKeyId(r.t, r.k), r);
  if (!byKey.size) return;
  await m.query(
    `INSERT INTO curation_rules (project_uuid, action_uuid, scope, entity_type, normalized_key, decision, canonical_entity_uuid)
     SELECT $1, $2, 'key', r.t, r.k, r.d, r.u FROM jsonb_to_recordset($3::jsonb) AS r(t text, k text, d text, u uuid)
      ORDER BY r.t, r.k
     ON CONFLICT (project_uuid, entity_type, normalized_key) WHERE scope = 'key'
     DO UPDATE SET action_uuid = EXCLUDED.action_uuid, decision = EXCLUDED.decision,
                   canonical_entity_uuid = EXCLUDED.canonical_entity_uuid, created_at = now()`,
    [projectUuid, actionUuid, JSON.stringify([...byKey.values()].map((r) => ({ t: r.t, k: r.k, d: r.decision, u: r.entityUuid })))],
  );
}

/** Writes mention rules (one per (document, type, start, end); a rule already there is replaced). */
export async function upsertMentionRules(
  m: EntityManager,
  projectUuid: string,
  actionUuid: string,
  rules: Array<{ documentUuid: string; t: string; k: string; start: number; end: number; entityUuid: string }>,
): Promise<void> {
  if (!rules.length) return;
  await m.query(
    `INSERT INTO curation_rules (project_uuid, action_uuid, scope, entity_type, normalized_key, document_uuid, start_char, end_char,
                                 decision, canonical_entity_uuid)
     SELECT $1, $2, 'mention', r.t, r.k, r.d, r.s, r.e, 'assign', r.u
       FROM jsonb_to_recordset($3::jsonb) AS r(d uuid, t text, k text, s int, e int, u uuid)
      ORDER BY r.d, r.t, r.s, r.e
     ON CONFLICT (document_uuid, entity_type, start_char, end_char) WHERE scope = 'mention'
     DO UPDATE SET action_uuid = EXCLUDED.action_uuid, decision = EXCLUDED.decision, normalized_key = EXCLUDED.normalized_key,
                   canonical_entity_uuid = EXCLUDED.canonical_entity_uuid, created_at = now()`,
    [projectUuid, actionUuid, JSON.stringify(rules.map((r) => ({ d: r.documentUuid, t: r.t, k: r.k, s: r.start, e: r.end, u: r.entityUuid })))],
  );
}

/** Puts rule rows back as they were (same ids); a row whose id or unique key is taken meanwhile is left out. */
export async function restoreRules(m: EntityManager, projectUuid: string, rules: RuleSnap[]): Promise<void> {
  if (!rules.length) return;
  await m.query(
    `INSERT INTO curation_rules (id, project_uuid, action_uuid, scope, entity_type, normalized_key, document_uuid, start_char,
                                 end_char, decision, canonical_entity_uuid, created_at)
     SELECT r.id, $1, r."actionUuid", r.scope, r."entityType", r.key, r."documentUuid", r.start, r."end", r.decision,
            r."entityUuid", r."createdAt"
       FROM jsonb_to_recordset($2::jsonb) AS r(id int, "actionUuid" uuid, scope text, "entityType" text, key text,
                                               "documentUuid" uuid, start int, "end" int, decision text, "entityUuid" uuid,
                                               "createdAt" timestamptz)
      ORDER BY r.id
     ON CONFLICT DO NOTHING`,
    [projectUuid, JSON.stringify(rules)],
  );
}

/** Sets mentions' links: by mentionUuid, else by (document, type, start, end); returns how many changed. */
export async function setLinks(
  m: EntityManager,
  links: Array<{ link: LinkSnap; entityUuid: string | null; onlyIf?: string | null }>,
): Promise<number> {
  if (!links.length) return 0;
  const rows = rowsOf<{ n: number }>(
    await m.query(
      `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(m uuid, d uuid, t text, s int, e int, u uuid, guard boolean, w uuid)),
       hit AS (
         SELECT DISTINCT ON (em.id) em.id, x.u
           FROM x JOIN entity_mentions em
             ON em.mention_uuid = x.m
             OR (x.s IS NOT NULL AND em.document_uuid = x.d AND em.entity_type = x.t AND em.start_char = x.s AND em.end_char = x.e
                 AND em.offset_basis = 'document')
          WHERE NOT x.guard OR em.canonical_entity_uuid IS NOT DISTINCT FROM x.w
          ORDER BY em.id, (em.mention_uuid = x.m) DESC),
       upd AS (UPDATE entity_mentions em SET canonical_entity_uuid = hit.u FROM hit
                WHERE em.id = hit.id AND em.canonical_entity_uuid IS DISTINCT FROM hit.u RETURNING 1)
       SELECT count(*)::int AS n FROM upd`,
      [
        JSON.stringify(
          links.map((l) => ({
            m: l.link.mentionUuid,
            d: l.link.documentUuid,
            t: l.link.entityType,
            s: l.link.start,
            e: l.link.end,
            u: l.entityUuid,
            guard: l.onlyIf !== undefined,
            w: l.onlyIf ?? null,
          })),
        ),
      ],
    ),
  );
  return rows[0]?.n ?? 0;
}

/** Entity rows back as they were (same uuid): updated in place, or inserted again when deleted. */
export async function restoreEntities(m: EntityManager, projectUuid: string, entities: EntitySnap[]): Promise<void> {
  for (const e of [...entities].sort((a, b) => cmp(a.uuid, b.uuid))) {
    await m.query(
      `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key, aliases,
                                       curated, mention_count, first_seen_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, 0, $8, $9)
       ON CONFLICT (canonical_entity_uuid) DO UPDATE SET
         entity_type = EXCLUDED.entity_type, canonical_name = EXCLUDED.canonical_name, normalized_key = EXCLUDED.normalized_key,
         aliases = EXCLUDED.aliases, curated = EXCLUDED.curated, first_seen_at = EXCLUDED.first_seen_at,
         last_seen_at = GREATEST(canonical_entities.last_seen_at, EXCLUDED.last_seen_at), updated_at = now()`,
      [
        e.uuid,
        projectUuid,
        e.type,
        e.name,
        e.key,
        JSON.stringify(e.aliases),
        e.curated ? JSON.stringify(e.curated) : null,
        e.firstSeenAt,
        e.lastSeenAt,
      ],
    );
  }
}

/** Entities another entity of the project holds the (type, key) of: a curation action may not take them. */
export async function keyHolder(m: EntityManager, projectUuid: string, type: string, key: string, except: string[]): Promise<EntitySnap | null> {
  const rows = rowsOf<{ u: string }>(
    await m.query(
      `SELECT canonical_entity_uuid AS u FROM canonical_entities
        WHERE project_uuid = $1 AND entity_type = $2 AND normalized_key = $3 AND NOT (canonical_entity_uuid = ANY($4::uuid[]))`,
      [projectUuid, type, key, except],
    ),
  );
  if (!rows.length) return null;
  return (await readEntities(m, projectUuid, [rows[0].u]))[0] ?? null;
}

/** Rows of `before` and `after` (by id) that differ: what the action changed, as the log keeps it. */
export function diffById<T>(before: T[], after: T[], id: (x: T) => string | number): { before: T[]; after: T[] } {
  const a = new Map(after.map((x) => [id(x), x]));
  const b = new Map(before.map((x) => [id(x), x]));
  const same = (x: T, y: T) => JSON.stringify(x) === JSON.stringify(y);
  return {
    before: before.filter((x) => !a.has(id(x)) || !same(x, a.get(id(x))!)),
    after: after.filter((x) => !b.has(id(x)) || !same(x, b.get(id(x))!)),
  };
}
