/**
 * `npm run context -- adopt --dry-run`: the plan of an adoption, read from the catalogue and from counts only
 * (works before `db:migrate`; writes nothing): pending migrations and what they add to this database, what each
 * backfill phase would heal / map / split / deduplicate / archive, orphans, and every contract item with what
 * blocks it.
 */
import { DataSource } from 'typeorm';
import {
  CONTRACT,
  INDEXES,
  MIGRATIONS,
  SCHEMA_TABLES,
  SchemaProfile,
  countBlockers,
  describeItem,
  detectSchemaProfile,
  duplicateRowsSql,
  hasColumn,
  itemState,
} from '@casegraph/entities';
import { rowsOf } from '@casegraph/project-context';
import { PhaseReport, backfill, formatPhases } from './backfill';
import { Catalogue } from './heal/common';
import { OrphanCounts, countOrphans } from './orphans';

const MIGRATION_PURPOSE: Record<string, string> = {
  InitialSchema: "CaseGraph's tables and columns (adopted tables: missing columns added nullable, unique indexes only where no duplicates)",
  GraphEntityTrigramLookup: 'btree_gin + trigram GIN index for fuzzy entity lookup',
  EntityMentionKeyLookup: 'index entity_mentions (project_uuid, entity_type, normalized_key), built CONCURRENTLY',
  AdoptLegacyDatabase:
    'adoption log/archive tables; project_uuid kept equal to project_id (trigger); updated_at keeper triggers; three old FKs adapted',
  AliasesJsonbOffsetsUnknown: 'aliases jsonb + casegraph_aliases(); offsets nullable; entity_mentions.offset_basis',
};

export interface PendingMigration {
  name: string;
  purpose: string;
  /** For the initial migration on an existing database: the columns it adds, by table. */
  adds?: Record<string, string[]>;
  /** Unique indexes it leaves to backfill/enforce because old duplicates exist (surplus rows). */
  deferredIndexes?: Array<{ name: string; duplicates: number }>;
}

export interface AdoptPlan {
  legacy: boolean;
  projectUuidSource: SchemaProfile['projectUuidSource'];
  aliasesType: SchemaProfile['aliasesType'];
  rows: Record<string, number>;
  pending: PendingMigration[];
  phases: PhaseReport[];
  orphans: OrphanCounts;
  contract: Array<{ item: string; state: string; blockers: number; fixedBy: string }>;
}

export async function adoptPlan(db: DataSource): Promise<AdoptPlan> {
  const profile = await detectSchemaProfile(db);
  const cat = Catalogue.fromProfile(profile);
  const rows: Record<string, number> = {};
  for (const t of Object.keys(SCHEMA_TABLES)) {
    if (profile.tables.has(t)) rows[t] = Number(rowsOf<{ n: number }>(await db.query(`SELECT count(*)::int AS n FROM ${t}`))[0].n);
  }
  const pending: PendingMigration[] = [];
  for (const M of MIGRATIONS) {
    const name = new M().name;
    if (profile.appliedMigrations.includes(name)) continue;
    const key = name.replace(/\d+$/, '');
    const m: PendingMigration = { name, purpose: MIGRATION_PURPOSE[key] ?? '' };
    if (key === 'InitialSchema') {
      m.adds = {};
      for (const [table, columns] of Object.entries(SCHEMA_TABLES)) {
        const missing = columns.map(([c]) => c).filter((c) => !hasColumn(profile, table, c));
        if (!profile.tables.has(table)) m.adds[table] = ['(new table)'];
        else if (missing.length) m.adds[table] = missing;
      }
      m.deferredIndexes = [];
      for (const ix of INDEXES.filter((i) => i.unique)) {
        if (!profile.tables.has(ix.table) || !ix.columns.every((c) => hasColumn(profile, ix.table, c))) continue;
        const n = Number(rowsOf<{ n: number }>(await db.query(duplicateRowsSql(ix)))[0].n);
        if (n) m.deferredIndexes.push({ name: ix.name, duplicates: n });
      }
    }
    pending.push(m);
  }
  const b = await backfill(db, { dryRun: true });
  const contract: AdoptPlan['contract'] = [];
  for (const item of CONTRACT) {
    const state = await itemState(db, item);
    contract.push({ item: describeItem(item), state, blockers: state === 'blocked' ? await countBlockers(db, item) : 0, fixedBy: item.fixedBy });
  }
  return {
    legacy: profile.legacy,
    projectUuidSource: profile.projectUuidSource,
    aliasesType: profile.aliasesType,
    rows,
    pending,
    phases: b.phases,
    orphans: await countOrphans(db, cat),
    contract,
  };
}

export function formatPlan(p: AdoptPlan): string {
  const out: string[] = [];
  out.push(`adopt --dry-run: ${p.legacy ? "the old system's database" : 'a CaseGraph database'}; nothing is written`);
  out.push(
    `  project UUID: ${p.projectUuidSource === 'project_id' ? 'projects.project_id (uuid) is adopted as project_uuid' : 'projects.project_uuid'}`,
  );
  out.push(
    `  rows: ${Object.entries(p.rows)
      .map(([t, n]) => `${t}=${n}`)
      .join(' ')}`,
  );
  out.push(p.pending.length ? `migrations pending (${p.pending.length}):` : 'migrations: none pending');
  for (const m of p.pending) {
    out.push(`  ${m.name}: ${m.purpose}`);
    for (const [t, cols] of Object.entries(m.adds ?? {})) out.push(`    + ${t}: ${cols.join(', ')}`);
    for (const ix of m.deferredIndexes ?? []) out.push(`    deferred (old duplicates): ${ix.name} (${ix.duplicates} surplus row(s))`);
  }
  out.push('backfill phases (counted on the data as it is now):');
  out.push(formatPhases(p.phases, true));
  const o = p.orphans;
  const planned = (phase: string) => p.phases.find((x) => x.phase === phase)?.counts.orphans ?? 0;
  out.push(
    `orphans (left by backfill; \`npm run context -- orphans\` lists them, --assign <project> or --quarantine resolves them): ` +
      `${o.documents} document(s) with no project in either column, ${planned('entities')} entit(ies) no document mentions, ` +
      `${planned('edges')} edge(s) whose endpoints share no project, ${o.chunks} chunk(s) and ${o.mentions} mention(s) without a document`,
  );
  out.push('contract items:');
  for (const c of p.contract) {
    out.push(`  [${c.state}] ${c.item}${c.state === 'blocked' ? ` - ${c.blockers} blocking row(s); fixed by ${c.fixedBy}` : ''}`);
  }
  return out.join('\n');
}
