/**
 * `npm run context -- orphans [--assign <project uuid|id>] [--quarantine]` (DESIGN.md "Orphans"): documents whose
 * project is missing in both columns, listed; assigned to an existing project; or assigned to the quarantine
 * project. Graph rows that still have no project afterwards (entities without mentions, edges whose endpoints share
 * no project, chunks and mentions without a document) are archived and deleted by --quarantine, so enforce can
 * complete.
 */
import { DataSource } from 'typeorm';
import { isUuid } from '@casegraph/contracts';
import { rowsOf } from '@casegraph/project-context';
import { BackfillResult, backfill } from './backfill';
import { Catalogue, Tx, archiveRows, chunkDocSql, mentionDocSql, tx } from './heal/common';
import { orphanDocumentsWhere } from './heal/documents';

export const QUARANTINE_PROJECT = 'Quarantine: orphaned legacy documents';
const QUARANTINE_REASON = 'orphan quarantined';

export interface OrphanDocument {
  id: number;
  document_uuid: string;
  file_name: string | null;
  project_fk_id: number | null;
  project_uuid: string | null;
}

export interface OrphanCounts {
  documents: number;
  /** Canonical entities without a project (no mention in any project's document). */
  entities: number;
  /** Edges without a project (no chunk, endpoints share no single project). */
  edges: number;
  /** Chunks and mentions whose document cannot be found. */
  chunks: number;
  mentions: number;
}

export async function countOrphans(db: DataSource, cat?: Catalogue): Promise<OrphanCounts> {
  const c = cat ?? (await Catalogue.read(db));
  const n = async (table: string, where: string, col: string) =>
    c.has(table, col) ? Number(rowsOf<{ n: number }>(await db.query(`SELECT count(*)::int AS n FROM ${table} t WHERE ${where}`))[0].n) : 0;
  const [d] = rowsOf<{ n: number }>(await db.query(`SELECT count(*)::int AS n FROM source_documents sd WHERE ${orphanDocumentsWhere(c)}`));
  return {
    documents: d.n,
    entities: await n('canonical_entities', 't.project_uuid IS NULL', 'project_uuid'),
    edges: await n('relationship_staging', 't.project_uuid IS NULL', 'project_uuid'),
    // Counted as backfill leaves them: a chunk's document also by document_fk_id, a mention's also by its chunk.
    chunks: await n('document_chunks', `${chunkDocSql(c, 't')} IS NULL`, 'document_uuid'),
    mentions: await n('entity_mentions', `${mentionDocSql(c, 't')} IS NULL`, 'document_uuid'),
  };
}

export async function listOrphans(db: DataSource, limit = 1000): Promise<OrphanDocument[]> {
  const cat = await Catalogue.read(db);
  const name = cat.has('source_documents', 'file_name') ? 'COALESCE(sd.original_file_name, sd.file_name)' : 'sd.original_file_name';
  return rowsOf<OrphanDocument>(
    await db.query(
      `SELECT sd.id, sd.document_uuid::text AS document_uuid, ${name} AS file_name, sd.project_fk_id, sd.project_uuid::text AS project_uuid
         FROM source_documents sd WHERE ${orphanDocumentsWhere(cat)} ORDER BY sd.id LIMIT $1`,
      [limit],
    ),
  );
}

async function projectBy(db: DataSource | Tx, ref: string): Promise<{ id: number; project_uuid: string } | undefined> {
  const byUuid = isUuid(ref);
  if (!byUuid && !/^\d+$/.test(ref)) throw new Error(`--assign needs a project UUID or id, got ${ref}`);
  return rowsOf<{ id: number; project_uuid: string }>(
    await db.query(`SELECT id, project_uuid::text AS project_uuid FROM projects WHERE ${byUuid ? 'project_uuid = $1::uuid' : 'id = $1::int'}`, [
      byUuid ? ref.toLowerCase() : ref,
    ]),
  )[0];
}

/** Sets both project columns of every orphan document to the project (old non-NULL values logged). */
async function assignDocuments(db: DataSource, project: { id: number; project_uuid: string }, reason: string): Promise<string[]> {
  const cat = await Catalogue.read(db);
  return tx(db, async (m) => {
    const rows = rowsOf<{ id: number; fk: number | null; u: string | null; document_uuid: string }>(
      await m.query(
        `SELECT sd.id, sd.project_fk_id AS fk, sd.project_uuid::text AS u, sd.document_uuid::text AS document_uuid FROM source_documents sd WHERE ${orphanDocumentsWhere(cat)} ORDER BY sd.id FOR UPDATE`,
      ),
    );
    if (!rows.length) return [];
    await m.query(
      `INSERT INTO casegraph_adoption_log (table_name, row_id, column_name, old_value, new_value, reason)
       SELECT 'source_documents', x.id::text, v.col, v.old, v.new, $4
         FROM jsonb_to_recordset($1::jsonb) AS x(id int, fk int, u text)
        CROSS JOIN LATERAL (VALUES ('project_fk_id', to_jsonb(x.fk), to_jsonb($2::int)), ('project_uuid', to_jsonb(x.u), to_jsonb($3::text))) AS v(col, old, new)
        WHERE v.old IS NOT NULL AND v.old <> 'null'::jsonb`,
      [JSON.stringify(rows), project.id, project.project_uuid, reason],
    );
    await m.query(`UPDATE source_documents SET project_fk_id = $2, project_uuid = $3 WHERE id = ANY($1::int[])`, [
      rows.map((r) => r.id),
      project.id,
      project.project_uuid,
    ]);
    return rows.map((r) => r.document_uuid);
  });
}

export interface AssignResult {
  project: { id: number; projectUuid: string };
  documents: number;
  /** The documents moved (their cache entries may name another project: the CLI invalidates them). */
  documentUuids: string[];
  backfill: BackfillResult;
  /** Graph rows archived and deleted (quarantine only). */
  archived: { entities: number; edges: number; chunks: number; mentions: number; embeddings: number };
  left: OrphanCounts;
}

/** Assigns every orphan document to an existing project (uuid or id), then heals the graph rows (backfill). */
export async function assignOrphans(db: DataSource, ref: string, opts: { batchSize?: number } = {}): Promise<AssignResult> {
  const project = await projectBy(db, ref);
  if (!project) throw new Error(`no project ${ref}`);
  const documentUuids = await assignDocuments(db, project, `orphan assigned to project ${project.id}`);
  const b = await backfill(db, { batchSize: opts.batchSize });
  return {
    project: { id: Number(project.id), projectUuid: project.project_uuid },
    documents: documentUuids.length,
    documentUuids,
    backfill: b,
    archived: { entities: 0, edges: 0, chunks: 0, mentions: 0, embeddings: 0 },
    left: await countOrphans(db),
  };
}

/** The quarantine project (created if missing; race-safe like ensureProject: one advisory lock per name). */
export async function ensureQuarantineProject(db: DataSource): Promise<{ id: number; project_uuid: string }> {
  return tx(db, async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('casegraph:project-name:' || $1))`, [QUARANTINE_PROJECT]);
    const found = rowsOf<{ id: number; project_uuid: string | null }>(
      await m.query(`SELECT id, project_uuid::text AS project_uuid FROM projects WHERE name = $1 ORDER BY id LIMIT 1`, [QUARANTINE_PROJECT]),
    );
    if (found[0]?.project_uuid) return { id: Number(found[0].id), project_uuid: found[0].project_uuid };
    if (found[0]) {
      const [h] = rowsOf<{ project_uuid: string }>(
        await m.query(`UPDATE projects SET project_uuid = gen_random_uuid() WHERE id = $1 RETURNING project_uuid::text AS project_uuid`, [
          found[0].id,
        ]),
      );
      return { id: Number(found[0].id), project_uuid: h.project_uuid };
    }
    const [c] = rowsOf<{ id: number; project_uuid: string }>(
      await m.query(`INSERT INTO projects (name, project_uuid) VALUES ($1, gen_random_uuid()) RETURNING id, project_uuid::text AS project_uuid`, [
        QUARANTINE_PROJECT,
      ]),
    );
    return { id: Number(c.id), project_uuid: c.project_uuid };
  });
}

/**
 * Assigns the orphan documents to the quarantine project, heals (backfill), then archives and deletes the graph
 * rows that still have no project or document. After it, enforce is blocked by nothing orphans caused.
 */
export async function quarantineOrphans(db: DataSource, opts: { batchSize?: number } = {}): Promise<AssignResult> {
  const project = await ensureQuarantineProject(db);
  const documentUuids = await assignDocuments(db, project, QUARANTINE_REASON);
  await backfill(db, { batchSize: opts.batchSize });
  const cat = await Catalogue.read(db);
  const archived = await tx(db, (m) => archiveGraphOrphans(m, cat));
  const b = await backfill(db, { batchSize: opts.batchSize });
  return {
    project: { id: project.id, projectUuid: project.project_uuid },
    documents: documentUuids.length,
    documentUuids,
    backfill: b,
    archived,
    left: await countOrphans(db, cat),
  };
}

async function archiveAndDelete(m: Tx, table: string, where: string, params: unknown[] = []): Promise<number> {
  const n = await archiveRows(m, table, where, params, QUARANTINE_REASON, null);
  if (n) await m.query(`DELETE FROM ${table} t WHERE ${where}`, params);
  return n;
}

async function archiveGraphOrphans(m: Tx, cat: Catalogue): Promise<AssignResult['archived']> {
  const out = { entities: 0, edges: 0, chunks: 0, mentions: 0, embeddings: 0 };
  const noChunkDoc = `t.document_uuid IS NULL`;
  if (cat.has('document_chunks', 'document_uuid')) {
    const orphanChunk = `SELECT c.chunk_uuid FROM document_chunks c WHERE c.document_uuid IS NULL`;
    const byFk = cat.has('entity_mentions', 'chunk_fk_id')
      ? ` OR t.chunk_fk_id IN (SELECT c.id FROM document_chunks c WHERE c.document_uuid IS NULL)`
      : '';
    out.mentions += await archiveAndDelete(m, 'entity_mentions', `(t.chunk_uuid IN (${orphanChunk})${byFk})`);
    if (cat.has('relationship_staging', 'source_chunk_uuid')) {
      await m.query(
        `WITH t AS (SELECT id, source_chunk_uuid AS old FROM relationship_staging WHERE source_chunk_uuid IN (${orphanChunk}) FOR UPDATE),
              u AS (UPDATE relationship_staging r SET source_chunk_uuid = NULL FROM t WHERE r.id = t.id RETURNING r.id)
         INSERT INTO casegraph_adoption_log (table_name, row_id, column_name, old_value, new_value, reason)
         SELECT 'relationship_staging', t.id::text, 'source_chunk_uuid', to_jsonb(t.old), 'null'::jsonb, $1 FROM t JOIN u ON u.id = t.id`,
        [QUARANTINE_REASON],
      );
    }
    if (cat.has('chunk_embeddings', 'chunk_uuid'))
      out.embeddings += await archiveAndDelete(m, 'chunk_embeddings', `t.chunk_uuid IN (${orphanChunk})`);
    out.chunks += await archiveAndDelete(m, 'document_chunks', noChunkDoc);
  }
  if (cat.has('entity_mentions', 'document_uuid')) out.mentions += await archiveAndDelete(m, 'entity_mentions', noChunkDoc);
  if (cat.has('relationship_staging', 'project_uuid')) out.edges += await archiveAndDelete(m, 'relationship_staging', 't.project_uuid IS NULL');
  if (cat.has('canonical_entities', 'project_uuid')) {
    const orphanEntity = `SELECT e.canonical_entity_uuid FROM canonical_entities e WHERE e.project_uuid IS NULL`;
    if (cat.has('relationship_staging', 'source_entity_uuid')) {
      out.edges += await archiveAndDelete(
        m,
        'relationship_staging',
        `(t.source_entity_uuid IN (${orphanEntity}) OR t.target_entity_uuid IN (${orphanEntity}))`,
      );
    }
    if (cat.has('canonical_entity_embeddings', 'canonical_entity_uuid')) {
      out.embeddings += await archiveAndDelete(m, 'canonical_entity_embeddings', `t.canonical_entity_uuid IN (${orphanEntity})`);
    }
    await m.query(
      `WITH t AS (SELECT id, canonical_entity_uuid AS old FROM entity_mentions WHERE canonical_entity_uuid IN (${orphanEntity}) FOR UPDATE),
            u AS (UPDATE entity_mentions x SET canonical_entity_uuid = NULL FROM t WHERE x.id = t.id RETURNING x.id)
       INSERT INTO casegraph_adoption_log (table_name, row_id, column_name, old_value, new_value, reason)
       SELECT 'entity_mentions', t.id::text, 'canonical_entity_uuid', to_jsonb(t.old), 'null'::jsonb, $1 FROM t JOIN u ON u.id = t.id`,
      [QUARANTINE_REASON],
    );
    out.entities += await archiveAndDelete(m, 'canonical_entities', 't.project_uuid IS NULL');
  }
  return out;
}

export function formatOrphans(list: OrphanDocument[], counts: OrphanCounts): string {
  const lines = [`orphans: ${counts.documents} document(s) whose project is missing in both project_fk_id and project_uuid`];
  for (const d of list) {
    lines.push(
      `  id=${d.id} document_uuid=${d.document_uuid} file=${JSON.stringify(d.file_name)} project_fk_id=${d.project_fk_id ?? 'NULL'} project_uuid=${d.project_uuid ?? 'NULL'}`,
    );
  }
  if (list.length < counts.documents) lines.push(`  … ${counts.documents - list.length} more`);
  lines.push(
    `  graph rows without a project or document: ${counts.entities} entit(ies), ${counts.edges} edge(s), ${counts.chunks} chunk(s), ${counts.mentions} mention(s)`,
  );
  if (counts.documents + counts.entities + counts.edges + counts.chunks + counts.mentions) {
    lines.push(
      '  way out: `npm run context -- orphans --assign <project uuid|id>` (documents to that project, graph healed), or',
      `           \`npm run context -- orphans --quarantine\` (documents to "${QUARANTINE_PROJECT}"; graph rows left without a project archived)`,
    );
  }
  return lines.join('\n');
}
