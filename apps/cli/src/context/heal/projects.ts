import { BATCH_RESULT, Catalogue, Counts, Db, Phase, PhaseContext, count, keysetBatches, logSql } from './common';

/** The old system keeps the project's UUID in projects.project_id (uuid): adopted as is. */
const adoptsProjectId = (cat: Catalogue) => cat.type('projects', 'project_id') === 'uuid';

/**
 * Phase 1, projects: project_uuid := project_id where the old column exists (a differing non-NULL value is
 * logged); a random UUID only where there is no project_id column (a CaseGraph database).
 */
export const projectsPhase: Phase = {
  name: 'projects',
  async plan(db: Db, cat: Catalogue): Promise<Counts> {
    if (!cat.has('projects', 'project_uuid')) {
      return { adopted: adoptsProjectId(cat) ? await count(db, `SELECT count(*) AS n FROM projects`) : 0, generated: 0 };
    }
    if (adoptsProjectId(cat))
      return { adopted: await count(db, `SELECT count(*) AS n FROM projects WHERE project_uuid IS DISTINCT FROM project_id`), generated: 0 };
    return { adopted: 0, generated: await count(db, `SELECT count(*) AS n FROM projects WHERE project_uuid IS NULL`) };
  },
  async run(ctx: PhaseContext): Promise<Counts> {
    if (adoptsProjectId(ctx.cat)) {
      const adopted = await keysetBatches(
        ctx,
        `WITH batch AS (
           SELECT id, project_uuid AS old, project_id AS new FROM projects
            WHERE id > $2 AND project_uuid IS DISTINCT FROM project_id ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
         ), upd AS (
           UPDATE projects p SET project_uuid = b.new FROM batch b WHERE p.id = b.id RETURNING p.id
         ), lg AS (${logSql('projects', 'project_uuid', 'project_id is the project UUID', 'SELECT id, old, new FROM batch')})
         ${BATCH_RESULT}`,
      );
      return { adopted, generated: 0 };
    }
    const generated = await keysetBatches(
      ctx,
      `WITH batch AS (
         SELECT id FROM projects WHERE project_uuid IS NULL AND id > $2 ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
       ), upd AS (
         UPDATE projects p SET project_uuid = COALESCE(p.project_uuid, gen_random_uuid()) FROM batch WHERE p.id = batch.id RETURNING p.id
       )
       ${BATCH_RESULT}`,
    );
    return { adopted: 0, generated };
  },
};
