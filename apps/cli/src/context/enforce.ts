import { DataSource, QueryRunner } from 'typeorm';
import { CONTRACT, ContractItem, ItemState, applyItem, blockersSql, countBlockers, describeItem, itemState } from '@casegraph/entities';
import { PHASES, countSick, workOf } from './backfill';
import { Catalogue } from './heal/common';
import { OrphanCounts, countOrphans } from './orphans';

export const FK_NAME = 'fk_source_documents_project_uuid';

export const BACKFILL_COMMAND = 'npm run context -- backfill';
export const ORPHANS_COMMAND = 'npm run context -- orphans';
export const MIGRATE_COMMAND = 'npm run db:migrate';

export interface BlockedItem {
  item: string;
  state: Exclude<ItemState, 'done' | 'possible'>;
  blockers: number;
  /** The command that removes the blockers (never "run it again" when backfill cannot). */
  fix: string;
}

export type EnforceResult =
  | { ok: true; actions: string[] }
  | { ok: false; actions: string[]; blocked: BlockedItem[]; nullProjects: number; sickDocuments: number; orphans: OrphanCounts; message: string };

/** The backfill phase that heals an item's table (its NULLs, its duplicates). */
const PHASE_OF: Record<string, string> = {
  projects: 'projects',
  source_documents: 'documents',
  document_chunks: 'chunks',
  entity_mentions: 'mentions',
  canonical_entities: 'entities',
  relationship_staging: 'edges',
  textract_jobs: 'textract',
};

/** Tables whose blockers orphans can cause (rows that have no project because their document has none). */
const ORPHAN_TABLES = new Set(['source_documents', 'document_chunks', 'entity_mentions', 'canonical_entities', 'relationship_staging']);

function fixFor(item: ContractItem, state: BlockedItem['state'], healable: Map<string, number>, orphans: OrphanCounts): string {
  if (state === 'missing-column') return `\`${MIGRATE_COMMAND}\` first`;
  const phase = PHASE_OF[item.table];
  const byBackfill = phase ? (healable.get(phase) ?? 0) + (healable.get('documents') ?? 0) + (healable.get('projects') ?? 0) : 0;
  const orphanRows = orphans.documents + orphans.entities + orphans.edges + orphans.chunks + orphans.mentions;
  const orphanFix = `\`${ORPHANS_COMMAND}\` (lists them), then \`${ORPHANS_COMMAND} --assign <project uuid|id>\` or \`${ORPHANS_COMMAND} --quarantine\``;
  if (byBackfill > 0) return `\`${BACKFILL_COMMAND}\`${orphanRows && ORPHAN_TABLES.has(item.table) ? `, then ${orphanFix}` : ''}`;
  if (orphanRows && ORPHAN_TABLES.has(item.table) && item.kind !== 'unique') return orphanFix;
  return `not healed by backfill: look at the rows with \`${blockersSql(item).replace(/\s+/g, ' ')}\` and fix or remove them by hand`;
}

/**
 * The contract step of expand/heal/contract, from the CONTRACT list (@casegraph/entities): every item the data
 * allows is put in force (NOT NULL via CHECK … NOT VALID + VALIDATE; unique indexes CONCURRENTLY; the foreign key
 * NOT VALID + VALIDATE: short locks only); every item still blocked is reported with its blocker count and the
 * command that removes them. Idempotent. Needs one connection outside a transaction: pass a QueryRunner, or a
 * DataSource (one is taken from it).
 */
export async function enforce(db: DataSource | QueryRunner): Promise<EnforceResult> {
  const own = 'createQueryRunner' in db ? db.createQueryRunner() : undefined;
  const q = own ?? (db as QueryRunner);
  try {
    const actions: string[] = [];
    const pending: Array<{ item: ContractItem; state: BlockedItem['state'] }> = [];
    for (const item of CONTRACT) {
      let state = await itemState(q, item);
      if (state === 'possible') {
        try {
          actions.push(await applyItem(q, item));
          continue;
        } catch (err) {
          // Rows written meanwhile (a duplicate, a NULL): report it as blocked with its count.
          state = await itemState(q, item);
          if (state === 'done') continue;
          if (state === 'possible') throw err;
        }
      }
      if (state === 'blocked' || state === 'missing-column') pending.push({ item, state });
    }
    if (!pending.length) return { ok: true, actions };

    const ds = own ? (db as DataSource) : q.connection;
    const cat = await Catalogue.read(q);
    const healable = new Map<string, number>();
    for (const p of PHASES) if (p.name !== 'indexes') healable.set(p.name, workOf(await p.plan(ds, cat)));
    const orphans = await countOrphans(ds, cat);
    const blocked: BlockedItem[] = [];
    for (const { item, state } of pending) {
      blocked.push({
        item: describeItem(item),
        state,
        blockers: state === 'blocked' ? await countBlockers(q, item) : 0,
        fix: fixFor(item, state, healable, orphans),
      });
    }
    const sick = cat.has('projects', 'project_uuid') ? await countSick(q) : { projects: 0, documents: 0 };
    const message = [
      `${blocked.length} contract item(s) still blocked${actions.length ? ` (${actions.length} put in force now)` : ''}:`,
      ...blocked.map((b) => `  ${b.item}: ${b.state === 'blocked' ? `${b.blockers} blocking row(s)` : 'column missing'}; fix: ${b.fix}`),
      ...(orphans.documents
        ? [`  orphans: ${orphans.documents} document(s) whose project is missing in both columns; see \`${ORPHANS_COMMAND}\``]
        : []),
    ].join('\n');
    return { ok: false, actions, blocked, nullProjects: sick.projects, sickDocuments: sick.documents, orphans, message };
  } finally {
    if (own) await own.release();
  }
}
