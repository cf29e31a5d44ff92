/** Rows of our own in the shared test database: projects and documents seeded directly, and removed again. */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface SeededDoc {
  documentUuid: string;
  projectId: number;
  filename: string;
}

/** A project of our own (unique name). `legacy` leaves its project_uuid NULL, as the old system did. */
export async function seedProject(
  db: DataSource,
  opts: { legacy?: boolean } = {},
): Promise<{ id: number; projectUuid: string | null; name: string }> {
  const name = `pc-test-${randomUUID()}`;
  const rows = await db.query(
    `INSERT INTO projects (name, project_uuid) VALUES ($1, ${opts.legacy ? 'NULL' : 'gen_random_uuid()'}) RETURNING id, project_uuid::text, name`,
    [name],
  );
  return { id: rows[0].id, projectUuid: rows[0].project_uuid, name };
}

/** A document of a project; `legacy` leaves its project_uuid NULL. */
export async function seedDocument(
  db: DataSource,
  project: { id: number; projectUuid: string | null },
  opts: { legacy?: boolean } = {},
): Promise<SeededDoc> {
  const documentUuid = randomUUID();
  const filename = `doc-${documentUuid.slice(0, 8)}.pdf`;
  await db.query(
    `INSERT INTO source_documents (document_uuid, project_fk_id, project_uuid, original_file_name, s3_bucket, s3_key)
     VALUES ($1, $2, $3, $4, 'bucket', $5)`,
    [documentUuid, project.id, opts.legacy ? null : project.projectUuid, filename, `documents/${documentUuid}/${filename}`],
  );
  return { documentUuid, projectId: project.id, filename };
}

/** Removes what a test seeded (documents first). */
export async function cleanup(db: DataSource, projectIds: number[]): Promise<void> {
  if (!projectIds.length) return;
  await db.query(`DELETE FROM source_documents WHERE project_fk_id = ANY($1::int[])`, [projectIds]);
  await db.query(`DELETE FROM projects WHERE id = ANY($1::int[])`, [projectIds]);
}
