import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CurationKind, EntityType, normalizeEntity } from '@casegraph/contracts';
import {
  applyCurationRules,
  isRetryableTransactionError,
  mergeAliases,
  recomputeDocumentEdges,
  recountMentions,
  retryTransaction,
} from '@casegraph/graph';
import { rowsOf } from '@casegraph/pipeline';
import { APP_CONFIG } from '@casegraph/platform';
import { apiError, fieldError, notFound } from '../common/api-error';
import type { IngestApiConfig } from '../config';
import {
  EntitySnap,
  LinkSnap,
  RuleSnap,
  TypeKey,
  cmp,
  diffById,
  distinctKeys,
  documentsReached,
  entitiesLinkedIn,
  keyHolder,
  lockDocuments,
  lockEntities,
  lockEntityTypes,
  lockProjectCuration,
  readEntities,
  readLinks,
  readRules,
  restoreEntities,
  restoreRules,
  setLinks,
  typeKeyId,
  upsertKeyRules,
  upsertMentionRules,
} from './curation-store';
import {
  CurationActionDto,
  CurationLogQueryDto,
  CurationPageDto,
  CurationResultDto,
  CuratedEntityDto,
  MergeEntitiesDto,
  RejectResultDto,
  SplitEntityDto,
  UpdateEntityDto,
} from './curation.dto';

/** What a decision reaches, read before the locks and again under them. */
interface Scope {
  /** Entities whose rows are locked and snapshotted (those the action names). */
  entities: string[];
  /** (project, type) key spaces the action writes into. */
  types: string[];
  /** (type, key) pairs whose rules the action writes: every document with such a mention is affected. */
  keys: TypeKey[];
  /** Documents affected besides those found through entities and keys. */
  documents: string[];
}

interface Plan<R> {
  kind: CurationKind | 'undo';
  request: Record<string, unknown>;
  /** Reads and validates (404/409/422 as HttpExceptions). Called before the locks and again under them. */
  scope(m: EntityManager): Promise<Scope>;
  /** The action's own writes, under every lock; returns the result builder and the entities to keep. */
  write(
    m: EntityManager,
    ctx: WriteContext,
  ): Promise<{
    keep: string[];
    created?: string[];
    deleted?: string[];
    /** Entities put back (undo): like the locked ones, they vanish when no mention of them is left. */
    restored?: string[];
    result: (m: EntityManager) => Promise<R>;
  }>;
}

interface WriteContext {
  projectUuid: string;
  actionUuid: string;
  scope: Scope;
  /** Every mention of the affected documents, as linked before the action. */
  links: LinkSnap[];
  /** Locked entity rows before the action. */
  entities: Map<string, EntitySnap>;
}

/** The affected documents grew between the first read and the locks: run again with the larger set. */
class DocumentsGrew extends Error {
  constructor(readonly documents: string[]) {
    super('the affected documents changed while the locks were taken');
  }
}

const MAX_ATTEMPTS = 6;

/** Deadlock / serialization failure (PostgreSQL rolled the transaction back), or documents that joined: run again. */
const retryable = (err: unknown) => err instanceof DocumentsGrew || isRetryableTransactionError(err);

/** Entity fields as the API shows them. */
const toEntityDto = (e: EntitySnap): CuratedEntityDto => ({
  uuid: e.uuid,
  type: e.type as EntityType,
  name: e.name,
  aliases: e.aliases,
  mentionCount: e.mentionCount,
  curated: e.curated ?? {},
});

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
const listOf = (uuids: string[], max = 5) => uuids.slice(0, max).join(', ') + (uuids.length > max ? ` (and ${uuids.length - max} more)` : '');

/**
 * Human curation of a project's entities: merge, split, update, reject, and undo. Each action writes the
 * rules the graph pipeline obeys on every later run (libs/graph curation-rules), changes the entities,
 * re-links the mentions of every affected document (applyCurationRules) and recomputes their edges
 * (recomputeDocumentEdges) and counts (recountMentions), and logs itself with before/after snapshots, all in
 * ONE transaction. Locks, in the graph worker's order so the two never deadlock on them: this project's
 * curation lock, the affected documents' advisory locks (sorted), the entity-type locks (sorted), then the
 * entity rows FOR UPDATE. The affected documents are read again under the locks; when a worker linked a new
 * document meanwhile, the transaction rolls back and runs again with the larger set (bounded).
 */
@Injectable()
export class CurationService {
  private readonly logger = new Logger(CurationService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: IngestApiConfig,
  ) {}

  // ── routes ────────────────────────────────────────────────────────────────────────────────────────

  async merge(projectUuid: string, dto: MergeEntitiesDto, actor: string): Promise<CurationResultDto> {
    const into = dto.into.toLowerCase();
    const merged = [...new Set(dto.entityUuids.map((u) => u.toLowerCase()))].sort(cmp);
    if (merged.includes(into)) throw fieldError('entityUuids', 'must not contain into: an entity cannot be merged into itself');
    return this.run<CurationResultDto>(projectUuid, actor, {
      kind: 'merge',
      request: { entityUuids: merged, into },
      scope: async (m) => {
        const rows = await this.requireEntities(m, projectUuid, [into, ...merged]);
        const target = rows.get(into)!;
        const other = merged.map((u) => rows.get(u)!).filter((e) => e.type !== target.type);
        if (other.length) {
          throw apiError(
            HttpStatus.UNPROCESSABLE_ENTITY,
            `Cannot merge entities of different types: ${into} is ${target.type}, ` +
              `${other.map((e) => `${e.uuid} is ${e.type}`).join(', ')} (change a type first: PATCH entities/:entityUuid)`,
          );
        }
        const keys = [...(await this.mentionKeys(m, merged)), ...merged.map((u) => ({ t: rows.get(u)!.type, k: rows.get(u)!.key }))];
        return { entities: [into, ...merged], types: [target.type], keys: distinctKeys(keys), documents: [] };
      },
      write: async (m, ctx) => {
        const { projectUuid: p, actionUuid: a } = ctx;
        const survivor = ctx.entities.get(into)!;
        const gone = merged.map((u) => ctx.entities.get(u)!);
        // Rules: every key of the merged entities' mentions and their own keys → the survivor; any rule that
        // pointed at a merged entity (a mention rule of an earlier split, a key of an earlier merge) → the survivor.
        await upsertKeyRules(
          m,
          p,
          a,
          ctx.scope.keys.map((k) => ({ ...k, decision: 'assign' as const, entityUuid: into })),
        );
        await m.query(
          `UPDATE curation_rules SET canonical_entity_uuid = $2, action_uuid = $3
            WHERE project_uuid = $1 AND canonical_entity_uuid = ANY($4::uuid[])`,
          [p, into, a, merged],
        );
        await m.query(`UPDATE entity_mentions SET canonical_entity_uuid = $1 WHERE canonical_entity_uuid = ANY($2::uuid[])`, [into, merged]);
        await m.query(
          `UPDATE canonical_entities SET aliases = $2::jsonb, first_seen_at = $3, last_seen_at = $4, updated_at = now()
            WHERE canonical_entity_uuid = $1`,
          [
            into,
            JSON.stringify(mergeAliases([survivor.aliases, ...gone.map((e) => [e.name, ...e.aliases])])),
            [survivor, ...gone].map((e) => e.firstSeenAt).sort()[0],
            [survivor, ...gone]
              .map((e) => e.lastSeenAt)
              .sort()
              .reverse()[0],
          ],
        );
        await m.query(`DELETE FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[])`, [merged]);
        return { keep: [into], deleted: merged, result: (mm) => this.entityResult(mm, p, into, a) };
      },
    });
  }

  async split(projectUuid: string, entityUuid: string, dto: SplitEntityDto, actor: string): Promise<CurationResultDto> {
    const mentionUuids = [...new Set(dto.mentionUuids.map((u) => u.toLowerCase()))].sort(cmp);
    const name = clean(dto.canonicalName);
    const newUuid = randomUUID();
    let chosen: LinkSnap[] = [];
    let movedKeys: TypeKey[] = [];
    let source: EntitySnap;
    let newKey = '';
    return this.run<CurationResultDto>(projectUuid, actor, {
      kind: 'split',
      request: { entityUuid, mentionUuids, canonicalName: name },
      scope: async (m) => {
        source = (await this.requireEntities(m, projectUuid, [entityUuid])).get(entityUuid)!;
        const rows = rowsOf<LinkSnap & { offsetBasis: string | null; projectUuid: string }>(
          await m.query(
            `SELECT mention_uuid AS "mentionUuid", document_uuid AS "documentUuid", entity_type AS "entityType",
                    normalized_key AS key, start_char AS start, end_char AS "end", canonical_entity_uuid AS "entityUuid",
                    offset_basis AS "offsetBasis", project_uuid AS "projectUuid"
               FROM entity_mentions WHERE mention_uuid = ANY($1::uuid[])`,
            [mentionUuids],
          ),
        );
        const found = new Map(rows.filter((r) => r.projectUuid === projectUuid).map((r) => [r.mentionUuid, r]));
        const notOfIt = mentionUuids.filter((u) => found.get(u)?.entityUuid !== entityUuid);
        if (notOfIt.length) {
          throw apiError(HttpStatus.UNPROCESSABLE_ENTITY, `Not mentions of entity ${entityUuid}: ${listOf(notOfIt)}`);
        }
        const unplaced = mentionUuids.filter((u) => found.get(u)!.offsetBasis !== 'document' || found.get(u)!.start === null);
        if (unplaced.length) {
          throw apiError(
            HttpStatus.UNPROCESSABLE_ENTITY,
            `Mentions without document offsets cannot be split off (a decision is kept by the mention's place in the document; ` +
              `re-process the document first): ${listOf(unplaced)}`,
          );
        }
        chosen = mentionUuids.map((u) => {
          const r = found.get(u)!;
          return {
            mentionUuid: r.mentionUuid,
            documentUuid: r.documentUuid,
            entityType: r.entityType,
            key: r.key,
            start: r.start,
            end: r.end,
            entityUuid: r.entityUuid,
          };
        });
        newKey = normalizeEntity(source.type as EntityType, name);
        const holder = await keyHolder(m, projectUuid, source.type, newKey, []);
        if (holder) {
          throw apiError(
            HttpStatus.CONFLICT,
            `Entity ${holder.uuid} ("${holder.name}", ${holder.type}) already has the name "${name}" in this project: ` +
              `choose another canonicalName, or split and then merge into ${holder.uuid}`,
          );
        }
        // A key all of whose project mentions move goes with them (a key rule); others move mention by mention.
        const keys = distinctKeys(chosen.filter((c) => c.key).map((c) => ({ t: c.entityType, k: c.key! })));
        const counts = rowsOf<{ t: string; k: string; n: number }>(
          await m.query(
            `SELECT x.t, x.k, count(em.id)::int AS n FROM jsonb_to_recordset($2::jsonb) AS x(t text, k text)
               LEFT JOIN entity_mentions em ON em.project_uuid = $1 AND em.entity_type = x.t AND em.normalized_key = x.k
              GROUP BY x.t, x.k`,
            [projectUuid, JSON.stringify(keys)],
          ),
        );
        const chosenPerKey = new Map<string, number>();
        for (const c of chosen)
          if (c.key) chosenPerKey.set(typeKeyId(c.entityType, c.key), (chosenPerKey.get(typeKeyId(c.entityType, c.key)) ?? 0) + 1);
        movedKeys = counts.filter((c) => chosenPerKey.get(typeKeyId(c.t, c.k)) === c.n).map((c) => ({ t: c.t, k: c.k }));
        return { entities: [entityUuid], types: [source.type], keys: movedKeys, documents: chosen.map((c) => c.documentUuid) };
      },
      write: async (m, ctx) => {
        const { projectUuid: p, actionUuid: a } = ctx;
        const texts = rowsOf<{ entity_text: string; display_name: string | null }>(
          await m.query(`SELECT entity_text, display_name FROM entity_mentions WHERE mention_uuid = ANY($1::uuid[])`, [mentionUuids]),
        );
        await m.query(
          `INSERT INTO canonical_entities (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key, aliases,
                                           curated, mention_count, first_seen_at, last_seen_at)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, '{"canonicalName": true}'::jsonb, 0, now(), now())`,
          [newUuid, p, source.type, name, newKey, JSON.stringify(mergeAliases([[name], texts.map((t) => t.display_name ?? t.entity_text)]))],
        );
        await upsertMentionRules(
          m,
          p,
          a,
          chosen.map((c) => ({ documentUuid: c.documentUuid, t: c.entityType, k: c.key ?? '', start: c.start!, end: c.end!, entityUuid: newUuid })),
        );
        await upsertKeyRules(
          m,
          p,
          a,
          movedKeys.map((k) => ({ ...k, decision: 'assign' as const, entityUuid: newUuid })),
        );
        await m.query(`UPDATE entity_mentions SET canonical_entity_uuid = $1 WHERE mention_uuid = ANY($2::uuid[])`, [newUuid, mentionUuids]);
        return { keep: [newUuid], created: [newUuid], result: (mm) => this.entityResult(mm, p, newUuid, a) };
      },
    });
  }

  async update(projectUuid: string, entityUuid: string, dto: UpdateEntityDto, actor: string): Promise<CurationResultDto> {
    if (dto.canonicalName === undefined && dto.entityType === undefined && dto.aliases === undefined) {
      throw apiError(HttpStatus.BAD_REQUEST, 'Nothing to change: send canonicalName, entityType or aliases');
    }
    const name = dto.canonicalName === undefined ? undefined : clean(dto.canonicalName);
    const aliases = dto.aliases === undefined ? undefined : mergeAliases([dto.aliases]);
    let entity: EntitySnap;
    let newKey = '';
    return this.run<CurationResultDto>(projectUuid, actor, {
      kind: 'update',
      request: {
        entityUuid,
        ...(name !== undefined ? { canonicalName: name } : {}),
        ...(dto.entityType ? { entityType: dto.entityType } : {}),
        ...(aliases ? { aliases } : {}),
      },
      scope: async (m) => {
        entity = (await this.requireEntities(m, projectUuid, [entityUuid])).get(entityUuid)!;
        const retype = dto.entityType !== undefined && dto.entityType !== entity.type;
        if (!retype) return { entities: [entityUuid], types: [], keys: [], documents: [] };
        newKey = normalizeEntity(dto.entityType!, name ?? entity.name);
        const holder = await keyHolder(m, projectUuid, dto.entityType!, newKey, [entityUuid]);
        if (holder) {
          throw apiError(
            HttpStatus.CONFLICT,
            `Entity ${holder.uuid} ("${holder.name}") already is the ${holder.type} with this name: ` +
              `merge ${entityUuid} into it instead (after changing its type, that entity keeps its own)`,
          );
        }
        // Its mentions keep the type they were extracted with: key rules send them (and later ones) to it.
        const keys = [...(await this.mentionKeys(m, [entityUuid])), { t: entity.type, k: entity.key }];
        return { entities: [entityUuid], types: [entity.type, dto.entityType!], keys: distinctKeys(keys), documents: [] };
      },
      write: async (m, ctx) => {
        const { projectUuid: p, actionUuid: a } = ctx;
        const curated = { ...(entity.curated ?? {}) };
        if (name !== undefined) curated.canonicalName = true;
        if (aliases !== undefined) curated.aliases = true;
        if (dto.entityType !== undefined) curated.entityType = true;
        const retype = dto.entityType !== undefined && dto.entityType !== entity.type;
        if (retype)
          await upsertKeyRules(
            m,
            p,
            a,
            ctx.scope.keys.map((k) => ({ ...k, decision: 'assign' as const, entityUuid })),
          );
        await m.query(
          `UPDATE canonical_entities SET canonical_name = $2, aliases = $3::jsonb, entity_type = $4, normalized_key = $5,
                  curated = $6::jsonb, updated_at = now()
            WHERE canonical_entity_uuid = $1`,
          [
            entityUuid,
            name ?? entity.name,
            JSON.stringify(aliases ?? entity.aliases),
            retype ? dto.entityType : entity.type,
            retype ? newKey : entity.key,
            JSON.stringify(curated),
          ],
        );
        return { keep: [entityUuid], result: (mm) => this.entityResult(mm, p, entityUuid, a) };
      },
    });
  }

  async reject(projectUuid: string, entityUuid: string, actor: string): Promise<RejectResultDto> {
    let keys: TypeKey[] = [];
    return this.run<RejectResultDto>(projectUuid, actor, {
      kind: 'reject',
      request: { entityUuid },
      scope: async (m) => {
        const entity = (await this.requireEntities(m, projectUuid, [entityUuid])).get(entityUuid)!;
        keys = distinctKeys([...(await this.mentionKeys(m, [entityUuid])), { t: entity.type, k: entity.key }]);
        return { entities: [entityUuid], types: [entity.type], keys, documents: [] };
      },
      write: async (m, ctx) => {
        const { projectUuid: p, actionUuid: a } = ctx;
        await upsertKeyRules(
          m,
          p,
          a,
          keys.map((k) => ({ ...k, decision: 'reject' as const, entityUuid: null })),
        );
        // A rule that sent a mention or a key to it now says "not an entity" too.
        await m.query(
          `UPDATE curation_rules SET decision = 'reject', canonical_entity_uuid = NULL, action_uuid = $3
            WHERE project_uuid = $1 AND canonical_entity_uuid = $2`,
          [p, entityUuid, a],
        );
        const unlinked = rowsOf<{ n: number }>(
          await m.query(
            `WITH u AS (UPDATE entity_mentions SET canonical_entity_uuid = NULL WHERE canonical_entity_uuid = $1 RETURNING 1)
             SELECT count(*)::int AS n FROM u`,
            [entityUuid],
          ),
        )[0].n;
        await m.query(`DELETE FROM canonical_entities WHERE canonical_entity_uuid = $1`, [entityUuid]);
        return {
          keep: [],
          deleted: [entityUuid],
          result: async () => ({ actionUuid: a, entityUuid, unlinkedMentions: unlinked, rejectedKeys: keys.map((k) => `${k.t} ${k.k}`) }),
        };
      },
    });
  }

  async log(projectUuid: string, q: CurationLogQueryDto): Promise<CurationPageDto> {
    await this.requireProject(projectUuid);
    const entity = q.entityUuid?.toLowerCase() ?? null;
    const where = `project_uuid = $1 AND ($2::uuid IS NULL OR $2::uuid = ANY(entity_uuids))`;
    const [rows, total] = await Promise.all([
      this.db.query(`SELECT * FROM curation_actions WHERE ${where} ORDER BY id DESC LIMIT $3 OFFSET $4`, [
        projectUuid,
        entity,
        q.pageSize,
        (q.page - 1) * q.pageSize,
      ]),
      this.db.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM curation_actions WHERE ${where}`, [projectUuid, entity]),
    ]);
    return { items: (rows as ActionRow[]).map(toActionDto), page: q.page, pageSize: q.pageSize, total: total[0].n };
  }

  async undo(projectUuid: string, actionUuid: string, actor: string): Promise<CurationActionDto> {
    let action: ActionRow;
    let before: Snapshot;
    let after: Snapshot;
    return this.run<CurationActionDto>(
      projectUuid,
      actor,
      {
        kind: 'undo', // not logged itself: it marks the action it undoes
        request: {},
        scope: async (m) => {
          const rows = rowsOf<ActionRow>(
            await m.query(`SELECT * FROM curation_actions WHERE project_uuid = $1 AND action_uuid = $2`, [projectUuid, actionUuid]),
          );
          if (!rows.length) throw apiError(HttpStatus.NOT_FOUND, `Curation action ${actionUuid} not found in project ${projectUuid}`);
          action = rows[0];
          if (action.undone_at) {
            throw apiError(
              HttpStatus.CONFLICT,
              `Curation action ${actionUuid} was already undone at ${new Date(action.undone_at).toISOString()} by ${action.undone_by}`,
            );
          }
          const later = rowsOf<ActionRow>(
            await m.query(
              `SELECT * FROM curation_actions
                WHERE project_uuid = $1 AND id > $2 AND undone_at IS NULL AND entity_uuids && $3::uuid[]
                ORDER BY id DESC LIMIT 1`,
              [projectUuid, action.id, action.entity_uuids],
            ),
          );
          if (later.length) {
            const l = later[0];
            throw apiError(
              HttpStatus.CONFLICT,
              `Curation action ${actionUuid} cannot be undone before the later ${l.kind} ${l.action_uuid} ` +
                `(by ${l.actor} at ${new Date(l.created_at).toISOString()}), which touched the same entities: undo that one first`,
            );
          }
          before = action.before;
          after = action.after;
          const rules = [...(before.rules ?? []), ...(after.rules ?? [])];
          const entities = [...action.entity_uuids, ...rules.map((r) => r.entityUuid).filter((u): u is string => !!u)];
          const keys = rules.filter((r) => r.scope === 'key').map((r) => ({ t: r.entityType, k: r.key }));
          const docs = [...(before.links ?? []), ...(after.links ?? [])].map((l) => l.documentUuid);
          for (const r of rules) if (r.documentUuid) docs.push(r.documentUuid);
          const types = [...(before.entities ?? []), ...(after.entities ?? [])].map((e) => e.type);
          return { entities, types, keys: distinctKeys(keys), documents: docs };
        },
        write: async (m, ctx) => {
          const p = ctx.projectUuid;
          // 1. The entities as they were (same uuids; deleted ones come back).
          for (const e of before.entities ?? []) {
            const holder = await keyHolder(m, p, e.type, e.key, [e.uuid]);
            if (holder) {
              throw apiError(
                HttpStatus.CONFLICT,
                `Cannot undo ${actionUuid}: entity ${holder.uuid} ("${holder.name}") now holds the ${e.type} name of ${e.uuid}; ` +
                  'merge or rename it first',
              );
            }
          }
          await restoreEntities(m, p, before.entities ?? []);
          // 2. The mentions it moved go back (where they still follow this action: nothing else moved them since).
          const afterOf = new Map((after.links ?? []).map((l) => [l.mentionUuid, l.entityUuid]));
          await setLinks(
            m,
            (before.links ?? []).map((l) => ({ link: l, entityUuid: l.entityUuid, onlyIf: afterOf.get(l.mentionUuid) ?? null })),
          );
          // 3. Mentions of documents that arrived after the action and followed one of its key rules go to the
          // entity that held the key before it.
          const rulesAfter = (after.rules ?? []).filter((r) => r.scope === 'key' && r.actionUuid === actionUuid);
          const owners = before.keyOwners ?? [];
          if (rulesAfter.length && owners.length) {
            await m.query(
              `UPDATE entity_mentions em SET canonical_entity_uuid = o.u
                 FROM jsonb_to_recordset($2::jsonb) AS o(t text, k text, u uuid, w uuid)
                WHERE em.project_uuid = $1 AND em.entity_type = o.t AND em.normalized_key = o.k
                  AND NOT (em.document_uuid = ANY($3::uuid[]))
                  AND em.canonical_entity_uuid IS NOT DISTINCT FROM o.w
                  AND EXISTS (SELECT 1 FROM canonical_entities c WHERE c.canonical_entity_uuid = o.u)
                  AND NOT EXISTS (SELECT 1 FROM curation_rules r WHERE r.scope = 'mention' AND r.document_uuid = em.document_uuid
                                    AND r.entity_type = em.entity_type AND r.start_char = em.start_char AND r.end_char = em.end_char)`,
              [
                p,
                JSON.stringify(
                  owners
                    .map((o) => {
                      const rule = rulesAfter.find((r) => r.entityType === o.entityType && r.key === o.key);
                      return rule ? { t: o.entityType, k: o.key, u: o.entityUuid, w: rule.decision === 'reject' ? null : rule.entityUuid } : null;
                    })
                    .filter((x) => x !== null),
                ),
                before.documents ?? [],
              ],
            );
          }
          // 4. Its rules go, the rules it replaced come back.
          await m.query(`DELETE FROM curation_rules WHERE project_uuid = $1 AND action_uuid = $2`, [p, actionUuid]);
          await restoreRules(m, p, before.rules ?? []);
          // 5. Entities it created go; whatever still links to one goes where the action took its mentions from.
          const created = after.created ?? [];
          if (created.length) {
            const from = new Map<string, string>();
            const beforeOf = new Map((before.links ?? []).map((l) => [l.mentionUuid, l.entityUuid]));
            for (const l of after.links ?? []) {
              const b = beforeOf.get(l.mentionUuid);
              if (l.entityUuid && created.includes(l.entityUuid) && b && !from.has(l.entityUuid)) from.set(l.entityUuid, b);
            }
            for (const c of created) {
              await m.query(`UPDATE entity_mentions SET canonical_entity_uuid = $2 WHERE canonical_entity_uuid = $1`, [c, from.get(c) ?? null]);
              await m.query(`DELETE FROM curation_rules WHERE project_uuid = $1 AND canonical_entity_uuid = $2`, [p, c]);
            }
            await m.query(`DELETE FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[])`, [created]);
          }
          return {
            keep: [],
            restored: (before.entities ?? []).map((e) => e.uuid),
            deleted: created,
            result: async (mm) => {
              await mm.query(`UPDATE curation_actions SET undone_at = now(), undone_by = $2 WHERE id = $1`, [action.id, actor]);
              const rows = rowsOf<ActionRow>(await mm.query(`SELECT * FROM curation_actions WHERE id = $1`, [action.id]));
              return toActionDto(rows[0]);
            },
          };
        },
      },
      { log: false },
    );
  }

  // ── the one transaction ───────────────────────────────────────────────────────────────────────────

  private async run<R>(projectUuid: string, actor: string, plan: Plan<R>, opts: { log?: boolean } = {}): Promise<R> {
    await this.requireProject(projectUuid);
    let known: string[] = [];
    try {
      return await retryTransaction(
        (_, previous) => {
          if (previous instanceof DocumentsGrew) known = previous.documents;
          return this.db.transaction((m) => this.attempt(m, projectUuid, actor, plan, known, opts.log !== false));
        },
        { attempts: MAX_ATTEMPTS, retryable },
      );
    } catch (err) {
      // Only after MAX_ATTEMPTS: retryTransaction throws any other error at once.
      if (!retryable(err)) throw err;
      this.logger.warn(`${plan.kind} in ${projectUuid}: gave up after ${MAX_ATTEMPTS} attempts (${(err as Error).message})`);
      throw apiError(HttpStatus.SERVICE_UNAVAILABLE, 'The graph worker kept changing these entities; retry the request in a few seconds');
    }
  }

  private async attempt<R>(m: EntityManager, projectUuid: string, actor: string, plan: Plan<R>, known: string[], log: boolean): Promise<R> {
    const actionUuid = randomUUID();
    await lockProjectCuration(m, projectUuid);
    const first = await plan.scope(m);
    const docs = [...new Set([...known, ...(await documentsReached(m, projectUuid, first.entities, first.keys, first.documents))])].sort(cmp);
    await lockDocuments(m, docs);
    await lockEntityTypes(m, projectUuid, first.types);
    const linked = await entitiesLinkedIn(m, docs);
    const locked = await lockEntities(m, projectUuid, [...first.entities, ...linked]);

    // Under the locks: validate again, and make sure no document joined meanwhile.
    const scope = await plan.scope(m);
    const more = scope.entities.filter((u) => !first.entities.includes(u) && !linked.includes(u));
    if (more.length) locked.push(...(await lockEntities(m, projectUuid, more)));
    const reached = await documentsReached(m, projectUuid, scope.entities, scope.keys, scope.documents);
    const lockedDocs = new Set(docs);
    if (reached.some((d) => !lockedDocs.has(d)) || scope.types.some((t) => !first.types.includes(t))) {
      throw new DocumentsGrew([...new Set([...docs, ...reached])]);
    }

    const entitiesBefore = new Map(locked.map((e) => [e.uuid, e]));
    const links = await readLinks(m, docs);
    const ruleEntities = () => [...new Set([...scope.entities, ...linked])];
    const rulesBefore = await readRules(m, projectUuid, ruleEntities(), scope.keys, docs, actionUuid);

    const out = await plan.write(m, { projectUuid, actionUuid, scope, links, entities: entitiesBefore });

    // Every affected document: the rules re-link its mentions, then its edges are recomputed from them.
    const touched = new Set<string>([...entitiesBefore.keys(), ...(out.created ?? []), ...(out.restored ?? [])]);
    for (const d of docs) {
      for (const u of (await applyCurationRules(m, projectUuid, d)) ?? []) touched.add(u);
    }
    for (const u of await entitiesLinkedIn(m, docs)) touched.add(u);
    const deleted = new Set(out.deleted ?? []);
    await recountMentions(
      m,
      [...touched].filter((u) => !deleted.has(u)),
    );
    // Entities left with no mention vanish (with the rules that named them); the action's result stays.
    const keep = new Set(out.keep);
    const vanished = rowsOf<{ u: string }>(
      await m.query(
        `DELETE FROM canonical_entities
          WHERE project_uuid = $1 AND canonical_entity_uuid = ANY($2::uuid[]) AND mention_count = 0
            AND NOT (canonical_entity_uuid = ANY($3::uuid[]))
          RETURNING canonical_entity_uuid AS u`,
        [projectUuid, [...entitiesBefore.keys(), ...(out.restored ?? [])], [...keep]],
      ),
    ).map((r) => r.u);
    for (const u of vanished) deleted.add(u);
    if (deleted.size) {
      await m.query(`DELETE FROM curation_rules WHERE project_uuid = $1 AND canonical_entity_uuid = ANY($2::uuid[])`, [projectUuid, [...deleted]]);
    }
    // With the graph worker's bound on co-occurring entities, so the edges are those a re-process would write.
    for (const d of docs) await recomputeDocumentEdges(m, projectUuid, d, { maxEntitiesPerSentence: this.config.cooccurrenceMaxEntities });
    if (deleted.size) {
      // A mention outside the locked documents still pointing at a deleted entity means a worker linked one
      // after the second read: never commit that, run again with its documents.
      const stray = rowsOf<{ d: string }>(
        await m.query(`SELECT DISTINCT document_uuid AS d FROM entity_mentions WHERE canonical_entity_uuid = ANY($1::uuid[])`, [[...deleted]]),
      ).map((r) => r.d);
      if (stray.length) throw new DocumentsGrew([...new Set([...docs, ...stray])]);
    }

    const result = await out.result(m);
    if (log) {
      const uuids = [...new Set([...entitiesBefore.keys(), ...(out.created ?? [])])];
      const entitiesAfter = await readEntities(m, projectUuid, uuids);
      const ents = diffById([...entitiesBefore.values()], entitiesAfter, (e) => e.uuid);
      const linksAfter = await readLinks(m, docs);
      const linkDiff = diffById(links, linksAfter, (l) => l.mentionUuid);
      const rulesAfter = await readRules(m, projectUuid, [...ruleEntities(), ...(out.created ?? [])], scope.keys, docs, actionUuid);
      const ruleDiff = diffById(rulesBefore, rulesAfter, (r) => r.id);
      const involved = new Set([...scope.entities, ...(out.created ?? []), ...deleted, ...ents.before.map((e) => e.uuid)]);
      const before: Snapshot = {
        entities: ents.before,
        rules: ruleDiff.before,
        links: linkDiff.before.filter((l) => linksAfter.some((a) => a.mentionUuid === l.mentionUuid)),
        keyOwners: keyOwners(links, ruleDiff.after),
        documents: docs,
      };
      const after: Snapshot = {
        entities: ents.after,
        rules: ruleDiff.after,
        links: linkDiff.after.filter((l) => links.some((b) => b.mentionUuid === l.mentionUuid)),
        created: out.created ?? [],
        deleted: [...deleted].sort(cmp),
      };
      await m.query(
        `INSERT INTO curation_actions (action_uuid, project_uuid, kind, actor, entity_uuids, request, before, after)
         VALUES ($1, $2, $3, $4, $5::uuid[], $6::jsonb, $7::jsonb, $8::jsonb)`,
        [
          actionUuid,
          projectUuid,
          plan.kind,
          actor,
          [...involved].sort(cmp),
          JSON.stringify(plan.request),
          JSON.stringify(before),
          JSON.stringify(after),
        ],
      );
    }
    return result;
  }

  // ── reads ─────────────────────────────────────────────────────────────────────────────────────────

  private async requireProject(projectUuid: string): Promise<void> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM projects WHERE project_uuid = $1', [projectUuid]);
    if (!rows.length) throw notFound('Project', projectUuid);
  }

  /** The entities of the project, or 404 naming every one that is not there. */
  private async requireEntities(m: EntityManager, projectUuid: string, uuids: string[]): Promise<Map<string, EntitySnap>> {
    const rows = await readEntities(m, projectUuid, uuids);
    const byUuid = new Map(rows.map((e) => [e.uuid, e]));
    const missing = [...new Set(uuids)].filter((u) => !byUuid.has(u));
    if (missing.length) {
      throw apiError(HttpStatus.NOT_FOUND, `${missing.length === 1 ? 'Entity' : 'Entities'} ${listOf(missing)} not found in project ${projectUuid}`);
    }
    return byUuid;
  }

  /** The (type, key) of every mention linked to the entities. */
  private async mentionKeys(m: EntityManager, entityUuids: string[]): Promise<TypeKey[]> {
    return rowsOf<TypeKey>(
      await m.query(
        `SELECT DISTINCT entity_type AS t, normalized_key AS k FROM entity_mentions
          WHERE canonical_entity_uuid = ANY($1::uuid[]) AND normalized_key IS NOT NULL AND normalized_key <> ''`,
        [entityUuids],
      ),
    );
  }

  private async entityResult(m: EntityManager, projectUuid: string, entityUuid: string, actionUuid: string): Promise<CurationResultDto> {
    const [e] = await readEntities(m, projectUuid, [entityUuid]);
    return { ...toEntityDto(e), actionUuid };
  }
}

/** before / after of a logged action. */
interface Snapshot {
  entities?: EntitySnap[];
  rules?: RuleSnap[];
  links?: LinkSnap[];
  /** For each key rule the action wrote: the entity most of the key's mentions were linked to before. */
  keyOwners?: Array<{ entityType: string; key: string; entityUuid: string }>;
  /** The documents the action re-linked and recomputed. */
  documents?: string[];
  created?: string[];
  deleted?: string[];
}

interface ActionRow {
  id: number;
  action_uuid: string;
  project_uuid: string;
  kind: CurationKind;
  actor: string;
  entity_uuids: string[];
  request: Record<string, unknown>;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  created_at: Date;
  undone_at: Date | null;
  undone_by: string | null;
}

function toActionDto(r: ActionRow): CurationActionDto {
  return {
    actionUuid: r.action_uuid,
    kind: r.kind,
    actor: r.actor,
    createdAt: new Date(r.created_at).toISOString(),
    entityUuids: r.entity_uuids,
    request: r.request,
    before: r.before,
    after: r.after,
    undoneAt: r.undone_at ? new Date(r.undone_at).toISOString() : null,
    undoneBy: r.undone_by,
  };
}

/** For each key rule written: the entity most of the key's mentions were linked to before (ties: smallest uuid). */
function keyOwners(links: LinkSnap[], rules: RuleSnap[]): Array<{ entityType: string; key: string; entityUuid: string }> {
  const out: Array<{ entityType: string; key: string; entityUuid: string }> = [];
  for (const r of rules.filter((x) => x.scope === 'key')) {
    const counts = new Map<string, number>();
    for (const l of links)
      if (l.entityType === r.entityType && l.key === r.key && l.entityUuid) counts.set(l.entityUuid, (counts.get(l.entityUuid) ?? 0) + 1);
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))[0];
    if (best) out.push({ entityType: r.entityType, key: r.key, entityUuid: best[0] });
  }
  return out;
}
