/**
 * `npm run bench -- adopt [--documents N] [--seeded] [--batch-size N]`: the adoption of an old database,
 * timed phase by phase, beside a floor measured in the same run on the same data.
 *
 *   - generated: an old database of N documents (default 1,000,000) in the old system's shape, written by
 *     generateLegacyDatabase() of @casegraph/testing (project-owned schema of the same shape as the real one).
 *   - --seeded: the test seed instead (the real schema when ../shared/seed is present, else the own one).
 *
 * Phases, through the same library functions as the CLI commands (`npm run db:migrate`, `npm run context --
 * backfill | orphans --quarantine | enforce`): migrate, backfill, orphans (only when enforce names orphans),
 * enforce. The floor runs on a copy of the same migrated database (CREATE DATABASE … TEMPLATE): one plain
 * set-based UPDATE per healed table (documents' project_uuid from their project, project_fk_id from
 * project_uuid; chunks and mentions from their parents) and a plain ALTER … SET NOT NULL of the same
 * columns: what the heal and the contract cost with no batching, no locks skipped, no logging, no progress.
 *
 * Every database it makes is private (casegraph_x_bench_adopt_*) and dropped at the end.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions, migrate } from '@casegraph/entities';
import {
  LegacySchema,
  OWN_LEGACY_SCHEMA,
  adminUrl,
  buildLegacyDatabase,
  databaseUrlFor,
  dropDatabase,
  generateLegacyDatabase,
  loadSharedLegacySchema,
  privateDatabaseName,
  seedLegacyRows,
} from '@casegraph/testing';
import { backfill } from '../apps/cli/src/context/backfill';
import { EnforceResult, enforce } from '../apps/cli/src/context/enforce';
import { quarantineOrphans } from '../apps/cli/src/context/orphans';

interface Args {
  documents: number;
  seeded: boolean;
  batchSize: number;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { documents: 1_000_000, seeded: false, batchSize: 1000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (name: string) => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive integer, got ${argv[i] ?? 'nothing'}`);
      return v;
    };
    if (a === '--documents') out.documents = num('--documents');
    else if (a === '--batch-size') out.batchSize = num('--batch-size');
    else if (a === '--seeded') out.seeded = true;
  }
  return out;
}

async function onAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: adminUrl().toString() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Times fn; with a label, says on stderr when it starts and how long it took (a 1,000,000-document run is long). */
async function timed<T>(fn: () => Promise<T>, label?: string): Promise<{ s: number; value: T }> {
  if (label) process.stderr.write(`[adopt] ${label} …\n`);
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (label) process.stderr.write(`[adopt] ${label}: ${s.toFixed(2)} s\n`);
  return { s, value };
}

async function openDs(url: string, name: string): Promise<DataSource> {
  const ds = new DataSource(dataSourceOptions(url, ENTITIES, MIGRATIONS, { poolSize: 4, applicationName: name }));
  await ds.initialize();
  return ds;
}

async function counts(url: string): Promise<Record<string, number>> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const out: Record<string, number> = {};
    for (const t of ['projects', 'source_documents', 'document_chunks', 'entity_mentions', 'canonical_entities', 'relationship_staging']) {
      out[t] = Number((await c.query(`SELECT count(*)::bigint AS n FROM ${t}`)).rows[0].n);
    }
    return out;
  } finally {
    await c.end();
  }
}

/** Columns present in the database, as "table.column". */
async function columns(c: Client): Promise<Set<string>> {
  const r = await c.query(`SELECT table_name || '.' || column_name AS c FROM information_schema.columns WHERE table_schema = current_schema()`);
  return new Set(r.rows.map((x: { c: string }) => x.c));
}

/** The floor: plain set-based statements doing the same heal and contract, one statement per table. */
async function floor(url: string): Promise<{ heal: number; contract: number; steps: Array<{ step: string; s: number; rows: number }> }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const steps: Array<{ step: string; s: number; rows: number }> = [];
  const run = async (step: string, sql: string) => {
    const t = await timed(() => c.query(sql), `floor: ${step}`);
    steps.push({ step, s: t.s, rows: t.value.rowCount ?? 0 });
    return t.s;
  };
  try {
    const cols = await columns(c);
    // The project's UUID: projects.project_id on the old schema (adopted as is), else projects.project_uuid.
    const puuid = cols.has('projects.project_id') ? 'project_id' : 'project_uuid';
    let heal = 0;
    heal += await run(
      'documents.project_uuid from project_fk_id',
      `UPDATE source_documents d SET project_uuid = p.${puuid} FROM projects p WHERE p.id = d.project_fk_id AND d.project_uuid IS DISTINCT FROM p.${puuid}`,
    );
    heal += await run(
      'documents.project_fk_id from project_uuid',
      `UPDATE source_documents d SET project_fk_id = p.id FROM projects p WHERE d.project_fk_id IS NULL AND p.${puuid} = d.project_uuid`,
    );
    if (cols.has('document_chunks.document_fk_id')) {
      heal += await run(
        'chunks from their document',
        `UPDATE document_chunks c SET document_uuid = d.document_uuid, project_uuid = d.project_uuid
           FROM source_documents d WHERE d.id = c.document_fk_id AND c.project_uuid IS NULL`,
      );
    }
    if (cols.has('entity_mentions.chunk_fk_id')) {
      heal += await run(
        'mentions from their chunk',
        `UPDATE entity_mentions m SET document_uuid = c.document_uuid, project_uuid = c.project_uuid, method = COALESCE(m.extraction_method, 'legacy')
           FROM document_chunks c WHERE c.id = m.chunk_fk_id AND m.project_uuid IS NULL`,
      );
    }
    // Orphans (no project in either column): all to one project, as --quarantine does, in one statement.
    heal += await run(
      'orphans to one project',
      `UPDATE source_documents d SET project_fk_id = q.id, project_uuid = q.u FROM (SELECT id, ${puuid} AS u FROM projects ORDER BY id LIMIT 1) q
        WHERE d.project_uuid IS NULL OR NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = d.project_fk_id)`,
    );
    let contract = 0;
    if (Number((await c.query(`SELECT count(*)::bigint AS n FROM source_documents WHERE project_fk_id IS NULL`)).rows[0].n) === 0) {
      contract += await run('source_documents.project_fk_id SET NOT NULL', `ALTER TABLE source_documents ALTER COLUMN project_fk_id SET NOT NULL`);
    }
    for (const t of ['source_documents', 'document_chunks', 'entity_mentions']) {
      const nulls = Number((await c.query(`SELECT count(*)::bigint AS n FROM ${t} WHERE project_uuid IS NULL`)).rows[0].n);
      if (nulls === 0) contract += await run(`${t}.project_uuid SET NOT NULL`, `ALTER TABLE ${t} ALTER COLUMN project_uuid SET NOT NULL`);
    }
    // The foreign key, added and validated in one plain statement (when projects.project_uuid has its unique key).
    const unique = await c.query(
      `SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = 'projects'::regclass AND i.indisunique AND i.indnatts = 1 AND a.attname = 'project_uuid'`,
    );
    if (unique.rowCount) {
      contract += await run(
        'FOREIGN KEY source_documents.project_uuid -> projects',
        `ALTER TABLE source_documents ADD CONSTRAINT bench_floor_fk FOREIGN KEY (project_uuid) REFERENCES projects (project_uuid)`,
      );
    }
    return { heal, contract, steps };
  } finally {
    await c.end();
  }
}

async function adopt(url: string, batchSize: number): Promise<Array<{ phase: string; s: number; note: string }>> {
  const phases: Array<{ phase: string; s: number; note: string }> = [];
  const m = await timed(() => migrate(url, () => undefined), 'migrate');
  phases.push({ phase: 'migrate', s: m.s, note: `${m.value.length} migration(s)` });
  const ds = await openDs(url, 'casegraph-bench-adopt');
  try {
    const b = await timed(() => backfill(ds, { batchSize }), 'backfill');
    const perPhase = b.value.phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(1)} s ${JSON.stringify(p.counts)}`).join('\n    ');
    phases.push({ phase: 'backfill', s: b.s, note: `documents healed ${b.value.documentsHealed}, orphans ${b.value.orphans}\n    ${perPhase}` });
    // enforce(ds) takes one connection of its own for its session settings and releases it; quarantine needs others.
    let e = await timed(() => enforce(ds), 'enforce');
    if (!e.value.ok && orphansOf(e.value) > 0) {
      const o = await timed(() => quarantineOrphans(ds, { batchSize }), 'orphans --quarantine');
      phases.push({ phase: 'orphans --quarantine', s: o.s, note: JSON.stringify(o.value).slice(0, 200) });
      const again = await timed(() => enforce(ds), 'enforce (after the orphans)');
      e = { s: e.s + again.s, value: again.value };
    }
    if (!e.value.ok) throw new Error(`enforce refused: ${JSON.stringify(e.value).slice(0, 2000)}`);
    phases.push({ phase: 'enforce', s: e.s, note: `${e.value.actions.length} action(s)` });
  } finally {
    await ds.destroy();
  }
  return phases;
}

/** Orphan rows named by a refused enforce (documents, entities, edges with no project). */
function orphansOf(r: EnforceResult): number {
  if (r.ok) return 0;
  return Object.values(r.orphans).reduce((n, v) => n + (typeof v === 'number' ? v : 0), 0);
}

export default async function adoptBench(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const source = privateDatabaseName('bench_adopt');
  const copy = `${source}_floor`;
  try {
    await onAdmin((c) => c.query(`CREATE DATABASE "${source}"`));
    const url = databaseUrlFor(source);
    // The real schema when the shared seed is there, else the project-owned model of it.
    const shared = loadSharedLegacySchema();
    const schema: LegacySchema = shared ?? OWN_LEGACY_SCHEMA;
    const gen = await timed(async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      try {
        await buildLegacyDatabase(c, schema);
        if (args.seeded) await seedLegacyRows(c, schema);
        else await generateLegacyDatabase(c, schema, { documents: args.documents });
        await c.query('ANALYZE');
      } finally {
        await c.end();
      }
    });
    const rows = await counts(url);
    const docs = rows.source_documents;
    console.log(
      `${args.seeded ? 'seeded' : 'generated'} old database (${shared ? 'real schema' : 'OWN_LEGACY_SCHEMA'}) in ${gen.s.toFixed(1)} s: ` +
        Object.entries(rows)
          .map(([t, n]) => `${t}=${n.toLocaleString('en-US')}`)
          .join(', '),
    );
    // The copy is taken before anything is migrated, so both sides start from the same bytes; the floor's side
    // is migrated untimed (its columns must exist for the plain UPDATEs).
    await onAdmin((c) => c.query(`CREATE DATABASE "${copy}" TEMPLATE "${source}"`));
    await timed(() => migrate(databaseUrlFor(copy), () => undefined), 'migrate (floor copy, untimed)');
    const f = await floor(databaseUrlFor(copy));
    await dropDatabase(copy);
    const phases = await adopt(url, args.batchSize);

    // Per million documents only where there are enough to say (the seed has 12).
    const perM = (s: number) => (docs >= 10_000 ? ((s * 1e6) / docs).toFixed(1) : '-');
    const total = phases.reduce((n, p) => n + p.s, 0);
    const heal = phases.filter((p) => p.phase === 'backfill' || p.phase.startsWith('orphans')).reduce((n, p) => n + p.s, 0);
    const contract = phases.find((p) => p.phase === 'enforce')?.s ?? 0;
    const migrateS = phases.find((p) => p.phase === 'migrate')?.s ?? 0;
    const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a');
    const table: string[][] = [
      ['phase', 'seconds', 's / 1M documents', 'floor (s)', 'ratio'],
      ...phases.map((p) => [
        p.phase,
        p.s.toFixed(2),
        perM(p.s),
        p.phase === 'backfill' ? f.heal.toFixed(2) : p.phase === 'enforce' ? f.contract.toFixed(2) : '',
        p.phase === 'backfill' ? ratio(heal, f.heal) : p.phase === 'enforce' ? ratio(contract, f.contract) : '',
      ]),
      ['total', total.toFixed(2), perM(total), (migrateS + f.heal + f.contract).toFixed(2), ratio(total, migrateS + f.heal + f.contract)],
    ];
    const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
    console.log(`\n${docs.toLocaleString('en-US')} documents, batch size ${args.batchSize}; floor = plain set-based statements on a copy`);
    for (const [i, r] of table.entries()) {
      console.log(r.map((c, j) => c.padEnd(widths[j])).join('  '));
      if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    }
    console.log('\nfloor steps:');
    for (const s of f.steps) console.log(`  ${s.step}: ${s.s.toFixed(2)} s (${s.rows.toLocaleString('en-US')} rows)`);
    console.log('\nphase results:');
    for (const p of phases) console.log(`  ${p.phase}: ${p.note}`);
  } finally {
    await dropDatabase(copy).catch(() => undefined);
    await dropDatabase(source).catch(() => undefined);
  }
}
