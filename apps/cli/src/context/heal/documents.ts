import { rowsOf } from '@casegraph/project-context';
import { BATCH_RESULT, Catalogue, Counts, Db, Phase, PhaseContext, count, keysetBatches, logSql, projectUuidCol } from './common';

/** Documents whose project is missing in both columns (SQL on alias sd; projects by uuid need `pu`). */
export function orphanDocumentsWhere(cat: Catalogue): string {
  const pu = projectUuidCol(cat, 'x');
  return `NOT EXISTS (SELECT 1 FROM projects x WHERE x.id = sd.project_fk_id)
      AND NOT EXISTS (SELECT 1 FROM projects x WHERE ${pu} = sd.project_uuid)`;
}

function pageCountExpr(cat: Catalogue): string | null {
  if (!cat.has('source_documents', 'page_count')) return null;
  const parts: string[] = [];
  if (cat.has('source_documents', 'textract_page_count')) parts.push('sd.textract_page_count');
  if (cat.has('textract_jobs', 'page_count'))
    parts.push('(SELECT max(tj.page_count) FROM textract_jobs tj WHERE tj.document_uuid = sd.document_uuid)');
  return parts.length ? `COALESCE(${parts.join(', ')})` : null;
}

const FK_FROM_UUID_WHERE = (cat: Catalogue) =>
  `(sd.project_fk_id IS NULL OR NOT EXISTS (SELECT 1 FROM projects x WHERE x.id = sd.project_fk_id)) AND ${projectUuidCol(cat)} = sd.project_uuid`;

/**
 * Phase 2, documents, both directions: project_fk_id from project_uuid (where it is NULL or dangling; a dangling
 * value is logged), then project_uuid from project_fk_id (NULL, or disagreeing: project_fk_id wins, the old UUID is
 * logged). Orphans (no project in either column) are left and counted. page_count from the old Textract columns.
 */
export const documentsPhase: Phase = {
  name: 'documents',
  async plan(db: Db, cat: Catalogue): Promise<Counts> {
    const pu = projectUuidCol(cat);
    const [r] = rowsOf<Counts>(
      await db.query(`SELECT
        (SELECT count(*) FROM source_documents sd JOIN projects p ON ${FK_FROM_UUID_WHERE(cat)})::int AS fk_from_uuid,
        (SELECT count(*) FROM source_documents sd JOIN projects p ON p.id = sd.project_fk_id WHERE sd.project_uuid IS NULL)::int AS uuid_from_fk,
        (SELECT count(*) FROM source_documents sd JOIN projects p ON p.id = sd.project_fk_id
          WHERE sd.project_uuid IS NOT NULL AND (${pu} IS NULL OR sd.project_uuid <> ${pu}))::int AS mismatched,
        (SELECT count(*) FROM source_documents sd WHERE ${orphanDocumentsWhere(cat)})::int AS orphans`),
    );
    const pc = pageCountExpr(cat);
    const pages = pc ? await count(db, `SELECT count(*) AS n FROM source_documents sd WHERE sd.page_count IS NULL AND ${pc} IS NOT NULL`) : 0;
    return { fkFromUuid: r.fk_from_uuid, uuidFromFk: r.uuid_from_fk, mismatched: r.mismatched, orphans: r.orphans, pageCount: pages };
  },
  async run(ctx: PhaseContext): Promise<Counts> {
    const fkFromUuid = await keysetBatches(
      ctx,
      `WITH batch AS (
         SELECT sd.id, sd.project_fk_id AS old, p.id AS new FROM source_documents sd JOIN projects p ON ${FK_FROM_UUID_WHERE(ctx.cat)}
          WHERE sd.id > $2 ORDER BY sd.id LIMIT $1 FOR UPDATE OF sd SKIP LOCKED
       ), upd AS (
         UPDATE source_documents sd SET project_fk_id = b.new FROM batch b WHERE sd.id = b.id RETURNING sd.id
       ), lg AS (${logSql('source_documents', 'project_fk_id', 'dangling project_fk_id (project_uuid names the project)', 'SELECT id, old, new FROM batch')})
       ${BATCH_RESULT}`,
    );
    const before = await count(
      ctx.db,
      `SELECT count(*) AS n FROM source_documents sd JOIN projects p ON p.id = sd.project_fk_id
        WHERE p.project_uuid IS NOT NULL AND sd.project_uuid IS NOT NULL AND sd.project_uuid <> p.project_uuid`,
    );
    const uuidFromFk = await keysetBatches(
      ctx,
      `WITH batch AS (
         SELECT sd.id, sd.project_uuid AS old, p.project_uuid AS new FROM source_documents sd JOIN projects p ON p.id = sd.project_fk_id
          WHERE sd.id > $2 AND p.project_uuid IS NOT NULL AND sd.project_uuid IS DISTINCT FROM p.project_uuid
          ORDER BY sd.id LIMIT $1 FOR UPDATE OF sd SKIP LOCKED
       ), upd AS (
         UPDATE source_documents sd SET project_uuid = b.new FROM batch b WHERE sd.id = b.id RETURNING sd.id
       ), lg AS (${logSql('source_documents', 'project_uuid', 'mismatched project_uuid (project_fk_id is the truth)', 'SELECT id, old, new FROM batch')})
       ${BATCH_RESULT}`,
    );
    const pc = pageCountExpr(ctx.cat);
    const pageCount = pc
      ? await keysetBatches(
          ctx,
          `WITH batch AS (
             SELECT sd.id, ${pc} AS new FROM source_documents sd
              WHERE sd.id > $2 AND sd.page_count IS NULL AND ${pc} IS NOT NULL ORDER BY sd.id LIMIT $1 FOR UPDATE OF sd SKIP LOCKED
           ), upd AS (
             UPDATE source_documents sd SET page_count = b.new FROM batch b WHERE sd.id = b.id AND sd.page_count IS NULL RETURNING sd.id
           )
           ${BATCH_RESULT}`,
        )
      : 0;
    const orphans = await count(ctx.db, `SELECT count(*) AS n FROM source_documents sd WHERE ${orphanDocumentsWhere(ctx.cat)}`);
    return { fkFromUuid, uuidFromFk, mismatched: before, orphans, pageCount };
  },
};
