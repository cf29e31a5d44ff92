import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EntityType } from '@casegraph/contracts';
import { LOCK_NAMESPACE, RuledMention, applyCurationRules, lockEntityRows, mergedAliasesSql, recountMentions, ruledMentions } from '@casegraph/graph';
import { rowsOf } from '@casegraph/pipeline';
import { GRAPH_PIPELINE_OPTIONS, GraphPipelineOptions } from '../pipeline/graph-options';
import { clusterKeys, isFuzzyMatch, moreInformativeKey, moreInformativeKeySql } from './matcher';
import { CASE_NAME_RANK_SQL, displayForm, isBareIdForm, isFuzzyKey, moreInformative } from './normalizer';

export interface ResolutionResult {
  /** Distinct canonical entities the document's mentions resolve to. */
  entities: number;
  /** Of those, created by this run. */
  created: number;
  /** Keys resolved to an existing entity with a different key (fuzzy). */
  fuzzyMatches: number;
  mentions: number;
}

interface KeyGroup {
  type: EntityType;
  key: string;
  count: number;
  /** Display forms: candidates for the entity's name, and aliases. */
  forms: Set<string>;
  /** Texts whose mention gave a display name of its own: aliases only ("Bahr, Douglas Alan"). */
  texts: Set<string>;
  /** A bare "Id." form, the name only when the group has no other form. */
  fallback?: string;
  /** The key-scope curation rule that decides the key (it skips matching), if any. */
  rule?: RuledMention;
}

interface Match {
  /** '' for an entity still to be created. */
  uuid: string;
  key: string;
  name: string;
  /** Assigned by a curation rule: the entity is the person's choice, its key is not renamed after the key. */
  ruled?: boolean;
}

/** What one document writes to one canonical entity (u = '' for an entity to create). */
interface EntityRow {
  u: string;
  t: EntityType;
  k: string;
  name: string;
  aliases: Set<string>;
}

const id = (type: string, key: string) => `${type}\u0000${key}`;

/**
 * An entity resolution matched was deleted before resolution could lock it: a curation (merge, reject) that
 * committed meanwhile. It carries SQLSTATE 40001 (serialization failure) so that inDocumentTransaction runs the
 * transaction again (and, once its attempts are used up, the job runner retries the stage as transient): the
 * next run reads the rules that curation wrote. Mentions are never linked to an entity that does not exist.
 */
export class EntityVanishedError extends Error {
  readonly code = '40001';

  constructor(readonly entityUuids: string[]) {
    super(`canonical entities ${entityUuids.join(', ')} were deleted while the document was resolved (curation); run it again`);
    this.name = 'EntityVanishedError';
  }
}

/**
 * SQL: the entity (row alias `c`) has fields a person fixed (canonical_entities.curated). Resolution then never
 * changes its name or renames its key, and with `aliases` curated never adds aliases.
 */
const curatedSql = (c: string, field: 'canonicalName' | 'entityType' | 'aliases') => `coalesce(${c}.curated @> '{"${field}": true}', false)`;
const CURATED_SQL = (c: string) => `(${curatedSql(c, 'canonicalName')} OR ${curatedSql(c, 'entityType')} OR ${curatedSql(c, 'aliases')})`;

/**
 * SQL of moreInformative(a, b, type) on display forms: for a CASE (`t`), name over citation over short form;
 * then mixed case beats ALL CAPS, then longer, then code-point order.
 */
const MORE_INFORMATIVE_NAME_SQL = (a: string, b: string, t: string) =>
  `((${t} = 'CASE' AND ${CASE_NAME_RANK_SQL(a)} > ${CASE_NAME_RANK_SQL(b)})
    OR (NOT (${t} = 'CASE' AND ${CASE_NAME_RANK_SQL(a)} <> ${CASE_NAME_RANK_SQL(b)}) AND
    ((${a} <> upper(${a}), char_length(${a})) > (${b} <> upper(${b}), char_length(${b}))
    OR ((${a} <> upper(${a}), char_length(${a})) = (${b} <> upper(${b}), char_length(${b})) AND ${a} COLLATE "C" < ${b} COLLATE "C"))))`;

/**
 * Stage 3: links the document's mentions to the project's canonical entities.
 * For each (type, normalised key): the entity with that key; else (fuzzy types) the entity
 * the key's earlier mentions are linked to; else the most similar existing entity of the
 * type that passes isFuzzyMatch (candidates come from the pg_trgm GIN index, never from a
 * scan of the project); else a new entity. New keys of one document are first grouped among
 * themselves. An entity's key is the most informative of the variants that joined it
 * (moreInformativeKey: tokens, then length, then code points; no counts, no arrival order),
 * so a variant that joins with a better key renames the entity in place (same uuid: mentions
 * and edges stay); its name is the most informative form of that key. Creating entities and
 * renaming keys take a (project, type) advisory lock and look again, so two workers that meet
 * the same new name at once agree on one entity; the unique key
 * (project_uuid, entity_type, normalized_key) and INSERT … ON CONFLICT make a
 * duplicate impossible under any interleaving.
 *
 * A person's curation comes first, on every run (libs/graph curation-rules): a mention a mention rule decides
 * and a key a key rule decides skip matching ('assign' → the rule's entity, 'reject' → no entity is created or
 * updated, the mentions stay unlinked), and the rules are applied once more at the end. An entity with curated
 * fields keeps its name and key (and, curated, its aliases). An entity deleted by a curation that committed
 * after the lookup is found gone when its row is locked: EntityVanishedError, the transaction runs again.
 */
@Injectable()
export class ResolutionService {
  constructor(@Inject(GRAPH_PIPELINE_OPTIONS) private readonly options: GraphPipelineOptions) {}

  /** `unlinked`: entities the document's mentions were linked to before they were replaced in this transaction (recounted too). */
  async resolve(manager: EntityManager, projectUuid: string, documentUuid: string, unlinked: string[] = []): Promise<ResolutionResult> {
    const mentions = rowsOf<{
      id: number;
      entity_type: EntityType;
      normalized_key: string;
      entity_text: string;
      display_name: string | null;
      canonical_entity_uuid: string | null;
    }>(
      await manager.query(
        `SELECT id, entity_type, normalized_key, entity_text, display_name, canonical_entity_uuid
           FROM entity_mentions WHERE document_uuid = $1`,
        [documentUuid],
      ),
    );
    const previous = [...new Set([...unlinked, ...mentions.map((m) => m.canonical_entity_uuid).filter((u): u is string => !!u)])];
    // Curation rules decide before matching: a mention rule takes its mention out of the groups, a key rule
    // decides its whole group ('assign' → the rule's entity, 'reject' → no entity, the mentions stay unlinked).
    const ruled = new Map((await ruledMentions(manager, projectUuid, documentUuid)).map((r) => [r.id, r]));
    const byMention = mentions.flatMap((m) => {
      const r = ruled.get(Number(m.id));
      return r?.scope === 'mention' ? [{ id: Number(m.id), u: r.target }] : [];
    });
    const groups = new Map<string, KeyGroup>();
    for (const m of mentions) {
      const rule = ruled.get(Number(m.id));
      if (rule?.scope === 'mention') continue;
      const key = m.normalized_key;
      const g = groups.get(id(m.entity_type, key)) ?? {
        type: m.entity_type,
        key,
        count: 0,
        forms: new Set<string>(),
        texts: new Set<string>(),
        rule,
      };
      g.count++;
      const text = m.entity_text.replace(/\s+/g, ' ').trim();
      const bareId = m.entity_type === 'CASE' && isBareIdForm(text);
      if (m.display_name) {
        g.forms.add(displayForm(m.display_name, m.entity_type));
        if (!bareId) g.texts.add(text);
      } else if (!bareId) g.forms.add(displayForm(m.entity_text, m.entity_type));
      else if (!g.forms.size) g.fallback = text;
      groups.set(id(m.entity_type, key), g);
    }
    // A case this document names only by "Id." still needs a name (its other forms are in other documents).
    for (const g of groups.values()) if (!g.forms.size && g.fallback) g.forms.add(g.fallback);
    if (!mentions.length) {
      await recountMentions(manager, previous);
      return { entities: 0, created: 0, fuzzyMatches: 0, mentions: 0 };
    }
    await manager.query(`SELECT set_config('pg_trgm.similarity_threshold', $1, true)`, [String(this.options.fuzzyThreshold)]);

    // 0. keys a rule assigns: their entity, as it is (checked again once locked).
    const target = new Map<string, Match>();
    const assigned = [...groups.entries()].filter(([, g]) => g.rule?.decision === 'assign');
    if (assigned.length) {
      const ruleEntities = new Map(
        rowsOf<{ uuid: string; normalized_key: string; canonical_name: string }>(
          await manager.query(
            `SELECT canonical_entity_uuid AS uuid, normalized_key, canonical_name FROM canonical_entities WHERE canonical_entity_uuid = ANY($1::uuid[])`,
            [[...new Set(assigned.map(([, g]) => g.rule!.target!))]],
          ),
        ).map((e) => [e.uuid, e]),
      );
      for (const [gid, g] of assigned) {
        const e = ruleEntities.get(g.rule!.target!);
        // Deleted since the rules were read: the lock below finds it gone and the transaction runs again.
        target.set(gid, { uuid: g.rule!.target!, key: e?.normalized_key ?? g.key, name: e?.canonical_name ?? '', ruled: true });
      }
    }
    // Keys a rule rejects have no entity: nothing is looked up, created or updated for them.
    const matched = new Map([...groups].filter(([, g]) => !g.rule));

    // 1-2. existing entities: exact key, then fuzzy.
    const found = await this.lookup(manager, projectUuid, [...matched.values()]);
    for (const [gid, match] of found) target.set(gid, match);

    // 3. new keys: group them with the document's other keys of their type (connected components, each under
    // its most informative key). A new key whose component holds a key that found an entity joins that entity:
    // "Halvorsen Marine" beside "Halvorsen Marine Logistics, LLC" in one letter is the company even when the
    // company's key has since grown past fuzzy reach of the short form ("v halvorsen marine logistics"), so the
    // outcome does not depend on whether the letter was resolved before or after that rename, nor on whether
    // another document's mentions of the short form happen to be linked at that moment.
    const fresh = [...matched.entries()].filter(([gid]) => !target.has(gid)).map(([, g]) => g);
    const repOf = new Map<string, string>();
    const componentOf = new Map<string, KeyGroup[]>();
    for (const type of [...new Set(fresh.map((g) => g.type))]) {
      const ofType = [...matched.values()].filter((g) => g.type === type);
      const clusters = clusterKeys(
        type,
        ofType.filter((g) => isFuzzyKey(type, g.key)),
        this.options.fuzzyThreshold,
      );
      for (const g of ofType) {
        const rep = clusters.get(g.key) ?? g.key;
        repOf.set(id(type, g.key), rep);
        componentOf.set(id(type, rep), [...(componentOf.get(id(type, rep)) ?? []), g]);
      }
    }

    // The key an existing entity should have: the most informative of its key and the keys joining it now.
    const wantedKeys = () => {
      const wanted = new Map<string, { type: EntityType; key: string; current: string }>();
      for (const [gid, g] of groups) {
        const match = target.get(gid);
        if (!match?.uuid || match.ruled) continue;
        const w = wanted.get(match.uuid) ?? { type: g.type, key: match.key, current: match.key };
        if (moreInformativeKey(g.key, w.key)) w.key = g.key;
        wanted.set(match.uuid, w);
      }
      return wanted;
    };
    const renames = [...wantedKeys().values()].filter((w) => w.key !== w.current);

    // New entities and renamed keys enter the (project, type) key space under its lock (fixed order).
    const lockTypes = [...new Set([...fresh.map((g) => g.type), ...renames.map((w) => w.type)])].sort();
    for (const type of lockTypes) {
      await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE.ENTITY_TYPE, `${projectUuid}:${type}`]);
    }
    if (fresh.length) {
      // Look again: another worker may have created some of them while we waited for the lock.
      const again = await this.lookup(manager, projectUuid, fresh);
      // A component's entity: the one found for its most informative key that found one (the first look's
      // result for keys resolved there, this look's for the new ones); none, and the component is a new entity
      // under its most informative key (then all its keys are new).
      const clusterTarget = new Map<string, Match>();
      for (const [cid, members] of componentOf) {
        for (const g of [...members].sort((x, y) => (moreInformativeKey(x.key, y.key) ? -1 : 1))) {
          const found = target.get(id(g.type, g.key)) ?? again.get(id(g.type, g.key));
          if (found) {
            clusterTarget.set(cid, found);
            break;
          }
        }
      }
      for (const g of fresh) {
        const rep = repOf.get(id(g.type, g.key))!;
        target.set(id(g.type, g.key), clusterTarget.get(id(g.type, rep)) ?? { uuid: '', key: rep, name: '' });
      }
    }

    // Entities found by the second look are renamed too (their types are locked: they are fresh keys' types).
    const wanted = wantedKeys();

    // 4. write every target entity: existing ones by uuid (renamed when a more informative key joined),
    // new ones by INSERT … ON CONFLICT on the key; both in a fixed order across workers.
    const rows = new Map<string, EntityRow>();
    let fuzzyMatches = 0;
    for (const [gid, g] of groups) {
      const match = target.get(gid);
      if (!match) continue; // rejected
      if (match.key !== g.key && !match.ruled) fuzzyMatches++;
      const tid = match.uuid || id(g.type, match.key);
      const row = rows.get(tid) ?? { u: match.uuid, t: g.type, k: match.key, name: '', aliases: new Set<string>() };
      if (match.uuid) {
        const w = wanted.get(match.uuid);
        if (w && moreInformativeKey(w.key, row.k)) row.k = w.key;
      }
      for (const f of g.forms) row.aliases.add(f);
      for (const f of g.texts) row.aliases.add(f);
      rows.set(tid, row);
    }
    for (const [gid, g] of groups) {
      const match = target.get(gid);
      if (!match) continue;
      const row = rows.get(match.uuid || id(g.type, match.key))!;
      // Only a form whose own key is the entity's key may become its name.
      if (g.key === row.k) for (const f of g.forms) if (!row.name || moreInformative(f, row.name, g.type)) row.name = f;
    }
    const json = (list: EntityRow[]) =>
      JSON.stringify(list.map((r) => ({ u: r.u || undefined, t: r.t, k: r.k, name: r.name, aliases: [...r.aliases].sort() })));
    const existing = [...rows.values()].filter((r) => r.u);
    const created = [...rows.values()].filter((r) => !r.u);
    const uuidOf = new Map<string, string>();
    let inserted = 0;
    const createdNow: string[] = [];
    // Every existing entity a mention will be linked to (matched, or a rule's) is locked and must still be there.
    const mentionTargets = byMention.map((m) => m.u).filter((u): u is string => !!u);
    const locked = [...new Set([...existing.map((r) => r.u), ...mentionTargets])];
    if (locked.length) {
      const present = new Set(await lockEntityRows(manager, locked));
      const vanished = locked.filter((u) => !present.has(u));
      if (vanished.length) throw new EntityVanishedError(vanished.sort());
    }
    if (existing.length) {
      // A rename needs the type lock (taken above) and a key no other entity of the project holds. What a
      // person curated (name, type, aliases) is kept: such an entity is neither renamed nor given a new name.
      await manager.query(
        `UPDATE canonical_entities c SET
           normalized_key = CASE WHEN x.ren THEN x.k ELSE c.normalized_key END,
           canonical_name = CASE
             WHEN ${CURATED_SQL('c')} THEN c.canonical_name
             WHEN x.ren AND x.name <> '' THEN x.name
             WHEN x.name <> '' AND x.k = c.normalized_key AND ${MORE_INFORMATIVE_NAME_SQL('x.name', 'c.canonical_name', 'c.entity_type')} THEN x.name
             ELSE c.canonical_name END,
           aliases = CASE WHEN ${curatedSql('c', 'aliases')} THEN c.aliases
             ELSE ${mergedAliasesSql('casegraph_aliases(c.aliases) || x.aliases')} END,
           last_seen_at = now(),
           updated_at = now()
         FROM (SELECT r.u, r.k, r.name, r.aliases,
                      ${moreInformativeKeySql('r.k', 'e.normalized_key')}
                      AND NOT ${CURATED_SQL('e')}
                      AND NOT EXISTS (SELECT 1 FROM canonical_entities o
                                       WHERE o.project_uuid = e.project_uuid AND o.entity_type = e.entity_type AND o.normalized_key = r.k) AS ren
                 FROM jsonb_to_recordset($1::jsonb) AS r(u uuid, k text, name text, aliases text[])
                 JOIN canonical_entities e ON e.canonical_entity_uuid = r.u) AS x
        WHERE c.canonical_entity_uuid = x.u`,
        [json(existing)],
      );
      for (const r of existing) uuidOf.set(r.u, r.u);
    }
    if (created.length) {
      const upserted = rowsOf<{ entity_type: string; normalized_key: string; canonical_entity_uuid: string; inserted: boolean }>(
        await manager.query(
          `INSERT INTO canonical_entities AS c (canonical_entity_uuid, project_uuid, entity_type, canonical_name, normalized_key,
                                                aliases, mention_count, first_seen_at, last_seen_at)
           SELECT gen_random_uuid(), $1, r.t, r.name, r.k, ${mergedAliasesSql('r.aliases')}, 0, now(), now()
             FROM jsonb_to_recordset($2::jsonb) AS r(t text, k text, name text, aliases text[])
            ORDER BY r.t, r.k
           ON CONFLICT (project_uuid, entity_type, normalized_key) DO UPDATE SET
             canonical_name = CASE WHEN NOT ${CURATED_SQL('c')} AND ${MORE_INFORMATIVE_NAME_SQL('EXCLUDED.canonical_name', 'c.canonical_name', 'c.entity_type')}
               THEN EXCLUDED.canonical_name ELSE c.canonical_name END,
             aliases = CASE WHEN ${curatedSql('c', 'aliases')} THEN c.aliases
               ELSE ${mergedAliasesSql('casegraph_aliases(c.aliases) || casegraph_aliases(EXCLUDED.aliases)')} END,
             last_seen_at = now(),
             updated_at = now()
           RETURNING c.entity_type, c.normalized_key, c.canonical_entity_uuid, (c.xmax = 0) AS inserted`,
          [projectUuid, json(created)],
        ),
      );
      for (const r of upserted) uuidOf.set(id(r.entity_type, r.normalized_key), r.canonical_entity_uuid);
      inserted = upserted.filter((r) => r.inserted).length;
      for (const r of upserted) if (r.inserted) createdNow.push(r.canonical_entity_uuid);
    }

    // 5. link the mentions (a rejected key's to nothing), then those a mention rule decides, then apply the
    // rules once more as they are now (one written since they were read above included).
    const links = [...groups.entries()].map(([gid, g]) => {
      const match = target.get(gid);
      return { t: g.type, k: g.key, u: match ? uuidOf.get(match.uuid || id(g.type, match.key)) : null };
    });
    await manager.query(
      `UPDATE entity_mentions m SET canonical_entity_uuid = x.u
         FROM jsonb_to_recordset($2::jsonb) AS x(t text, k text, u uuid)
        WHERE m.document_uuid = $1 AND m.entity_type = x.t AND m.normalized_key = x.k`,
      [documentUuid, JSON.stringify(links)],
    );
    if (byMention.length) {
      await manager.query(
        `UPDATE entity_mentions m SET canonical_entity_uuid = x.u
           FROM jsonb_to_recordset($2::jsonb) AS x(id int, u uuid)
          WHERE m.document_uuid = $1 AND m.id = x.id`,
        [documentUuid, JSON.stringify(byMention)],
      );
    }
    const curated = await applyCurationRules(manager, projectUuid, documentUuid);

    // 6. exact counts for every entity this document touched, now or before.
    await recountMentions(manager, [...uuidOf.values(), ...mentionTargets, ...curated, ...previous]);
    // An entity this run created that the rules then emptied (a merge or reject committed between the rules'
    // first read and the key lookup) is not left behind: nobody else can have seen it yet (uncommitted).
    if (createdNow.length) {
      const dropped = rowsOf<{ canonical_entity_uuid: string }>(
        await manager.query(
          `DELETE FROM canonical_entities c WHERE c.canonical_entity_uuid = ANY($1::uuid[])
              AND NOT EXISTS (SELECT 1 FROM entity_mentions m WHERE m.canonical_entity_uuid = c.canonical_entity_uuid)
           RETURNING c.canonical_entity_uuid`,
          [createdNow],
        ),
      );
      inserted -= dropped.length;
    }
    const linked = rowsOf<{ n: number }>(
      await manager.query(`SELECT count(DISTINCT canonical_entity_uuid)::int AS n FROM entity_mentions WHERE document_uuid = $1`, [documentUuid]),
    );
    return {
      entities: linked[0]?.n ?? 0,
      created: inserted,
      fuzzyMatches,
      mentions: mentions.length,
    };
  }

  /**
   * Existing entities for keys: by exact key (unique index), else (fuzzy types) the entity mentions with that key
   * are linked to, else the best accepted trigram candidate (GIN index).
   */
  private async lookup(manager: EntityManager, projectUuid: string, keys: Array<{ type: EntityType; key: string }>): Promise<Map<string, Match>> {
    const out = new Map<string, Match>();
    if (!keys.length) return out;
    const exact = rowsOf<{ entity_type: string; k: string; uuid: string; normalized_key: string; canonical_name: string }>(
      await manager.query(
        `SELECT c.entity_type, q.k, c.canonical_entity_uuid AS uuid, c.normalized_key, c.canonical_name
           FROM jsonb_to_recordset($2::jsonb) AS q(t text, k text)
           JOIN canonical_entities c ON c.project_uuid = $1 AND c.entity_type = q.t AND c.normalized_key = q.k`,
        [projectUuid, JSON.stringify(keys.map((k) => ({ t: k.type, k: k.key })))],
      ),
    );
    for (const r of exact) out.set(id(r.entity_type, r.k), { uuid: r.uuid, key: r.normalized_key, name: r.canonical_name });

    // A variant that is not the key of its entity (it joined one with a more informative key) is found
    // through the mentions that carry it, so it keeps resolving to that entity.
    const variants = keys.filter((k) => isFuzzyKey(k.type, k.key) && !out.has(id(k.type, k.key)));
    if (!variants.length) return out;
    const known = rowsOf<{ t: string; k: string; uuid: string; normalized_key: string; canonical_name: string }>(
      await manager.query(
        `SELECT q.t, q.k, e.canonical_entity_uuid AS uuid, e.normalized_key, e.canonical_name
           FROM jsonb_to_recordset($2::jsonb) AS q(t text, k text)
           CROSS JOIN LATERAL (
             SELECT c.canonical_entity_uuid, c.normalized_key, c.canonical_name
               FROM canonical_entities c
              WHERE c.canonical_entity_uuid IN (
                      SELECT m.canonical_entity_uuid FROM entity_mentions m
                       WHERE m.project_uuid = $1 AND m.entity_type = q.t AND m.normalized_key = q.k AND m.canonical_entity_uuid IS NOT NULL)
              ORDER BY c.normalized_key COLLATE "C"
              LIMIT 1) AS e`,
        [projectUuid, JSON.stringify(variants.map((k) => ({ t: k.type, k: k.key })))],
      ),
    );
    for (const r of known) out.set(id(r.t, r.k), { uuid: r.uuid, key: r.normalized_key, name: r.canonical_name });

    const fuzzy = variants.filter((k) => !out.has(id(k.type, k.key)));
    if (!fuzzy.length) return out;
    const candidates = rowsOf<{ t: EntityType; k: string; uuid: string; candidate: string; canonical_name: string; sim: number }>(
      await manager.query(
        `SELECT q.t, q.k, c.canonical_entity_uuid AS uuid, c.normalized_key AS candidate, c.canonical_name, c.sim
           FROM jsonb_to_recordset($2::jsonb) AS q(t text, k text)
           CROSS JOIN LATERAL (
             SELECT e.canonical_entity_uuid, e.normalized_key, e.canonical_name, similarity(e.normalized_key, q.k) AS sim
               FROM canonical_entities e
              WHERE e.normalized_key % q.k AND e.project_uuid = $1 AND e.entity_type = q.t
              ORDER BY sim DESC, e.normalized_key COLLATE "C"
              LIMIT 8) AS c`,
        [projectUuid, JSON.stringify(fuzzy.map((k) => ({ t: k.type, k: k.key })))],
      ),
    );
    candidates.sort((a, b) => Number(b.sim) - Number(a.sim) || (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0));
    for (const c of candidates) {
      const qid = id(c.t, c.k);
      if (out.has(qid)) continue; // best accepted candidate first
      if (isFuzzyMatch(c.t, c.k, c.candidate, this.options.fuzzyThreshold, Number(c.sim))) {
        out.set(qid, { uuid: c.uuid, key: c.candidate, name: c.canonical_name });
      }
    }
    return out;
  }
}
