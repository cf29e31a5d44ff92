import { BATCH_RESULT, Catalogue, Counts, Db, Phase, PhaseContext, count, docProjectJoin, keysetBatches } from './common';

/** Phase 7, textract_jobs: pages := the old page_count, project_uuid from the document, where NULL. */
export const textractPhase: Phase = {
  name: 'textract',
  async plan(db: Db, cat: Catalogue): Promise<Counts> {
    if (!cat.hasTable('textract_jobs')) return { pages: 0, project: 0 };
    const pages = cat.has('textract_jobs', 'page_count')
      ? await count(
          db,
          `SELECT count(*) AS n FROM textract_jobs t WHERE ${cat.has('textract_jobs', 'pages') ? 't.pages IS NULL AND ' : ''}t.page_count IS NOT NULL`,
        )
      : 0;
    const project = await count(
      db,
      `SELECT count(*) AS n FROM textract_jobs t JOIN source_documents d ON d.document_uuid = t.document_uuid ${docProjectJoin(cat)}
        WHERE ${cat.has('textract_jobs', 'project_uuid') ? 't.project_uuid IS NULL' : 'true'}`,
    );
    return { pages, project };
  },
  async run(ctx: PhaseContext): Promise<Counts> {
    const { cat } = ctx;
    if (!cat.has('textract_jobs', 'project_uuid')) return { pages: 0, project: 0 };
    const pages = cat.has('textract_jobs', 'page_count', 'pages')
      ? await keysetBatches(
          ctx,
          `WITH batch AS (
             SELECT t.id FROM textract_jobs t WHERE t.id > $2 AND t.pages IS NULL AND t.page_count IS NOT NULL ORDER BY t.id LIMIT $1 FOR UPDATE SKIP LOCKED
           ), upd AS (
             UPDATE textract_jobs t SET pages = t.page_count FROM batch b WHERE t.id = b.id RETURNING t.id
           )
           ${BATCH_RESULT}`,
        )
      : 0;
    const project = await keysetBatches(
      ctx,
      `WITH batch AS (
         SELECT t.id, p.project_uuid AS new FROM textract_jobs t
           JOIN source_documents d ON d.document_uuid = t.document_uuid JOIN projects p ON p.project_uuid = d.project_uuid
          WHERE t.id > $2 AND t.project_uuid IS NULL ORDER BY t.id LIMIT $1 FOR UPDATE OF t SKIP LOCKED
       ), upd AS (
         UPDATE textract_jobs t SET project_uuid = b.new FROM batch b WHERE t.id = b.id AND t.project_uuid IS NULL RETURNING t.id
       )
       ${BATCH_RESULT}`,
    );
    return { pages, project };
  },
};
