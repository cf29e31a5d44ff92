import { Queryable, rowsOf } from '@casegraph/project-context';
import { countSick } from './backfill';

export const FK_NAME = 'fk_source_documents_project_uuid';

export type EnforceResult = { ok: true; actions: string[] } | { ok: false; nullProjects: number; sickDocuments: number; message: string };

async function isNullable(db: Queryable, table: string): Promise<boolean> {
  const [r] = rowsOf<{ is_nullable: string }>(
    await db.query(
      `SELECT is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'project_uuid'`,
      [table],
    ),
  );
  return r?.is_nullable === 'YES';
}

async function constraintExists(db: Queryable, name: string): Promise<boolean> {
  const rows = rowsOf(await db.query(`SELECT 1 FROM pg_constraint WHERE conname = $1 AND connamespace = current_schema()::regnamespace`, [name]));
  return rows.length > 0;
}

/**
 * The contract step of expand/heal/contract: NOT NULL on projects.project_uuid
 * and source_documents.project_uuid, and a foreign key from
 * source_documents.project_uuid to projects(project_uuid). Refuses (with the
 * counts) while any NULL or mismatched row is left. Idempotent.
 *
 * Each step takes only short locks: a CHECK … NOT VALID is added, validated
 * without blocking writes, and then lets SET NOT NULL skip its table scan; the
 * foreign key is added NOT VALID and validated the same way.
 */
export async function enforce(db: Queryable): Promise<EnforceResult> {
  const sick = await countSick(db);
  if (sick.projects || sick.documents) {
    return {
      ok: false,
      nullProjects: sick.projects,
      sickDocuments: sick.documents,
      message:
        `refusing: ${sick.projects} project(s) with a NULL project_uuid and ${sick.documents} document(s) with a NULL ` +
        `or mismatched project_uuid are left; run \`npm run context -- backfill\` first`,
    };
  }
  const actions: string[] = [];
  await db.query(`SET lock_timeout = '10s'`);
  try {
    for (const table of ['projects', 'source_documents']) {
      if (!(await isNullable(db, table))) continue;
      const check = `${table}_project_uuid_not_null`;
      if (!(await constraintExists(db, check))) {
        await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (project_uuid IS NOT NULL) NOT VALID`);
      }
      await db.query(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${check}`);
      await db.query(`ALTER TABLE ${table} ALTER COLUMN project_uuid SET NOT NULL`);
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${check}`);
      actions.push(`${table}.project_uuid SET NOT NULL`);
    }
    if (!(await constraintExists(db, FK_NAME))) {
      await db.query(
        `ALTER TABLE source_documents ADD CONSTRAINT ${FK_NAME} FOREIGN KEY (project_uuid) REFERENCES projects (project_uuid) ON DELETE RESTRICT NOT VALID`,
      );
      actions.push(`${FK_NAME} added`);
    }
    const [fk] = rowsOf<{ convalidated: boolean }>(await db.query(`SELECT convalidated FROM pg_constraint WHERE conname = $1`, [FK_NAME]));
    if (!fk.convalidated) {
      await db.query(`ALTER TABLE source_documents VALIDATE CONSTRAINT ${FK_NAME}`);
      actions.push(`${FK_NAME} validated`);
    }
  } finally {
    await db.query(`RESET lock_timeout`);
  }
  return { ok: true, actions };
}
