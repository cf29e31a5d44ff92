/**
 * insertDocuments against real PostgreSQL: concurrent intakes naming the same files in different orders (two e-mails
 * forwarding the same attachments, two uploads of one folder) must not deadlock each other (review R1, issue 14).
 */
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { IntakeProject, NewDocument, insertDocuments } from './insert-documents';

jest.setTimeout(120_000);

function doc(i: number, tag: string): NewDocument {
  const documentUuid = randomUUID();
  return {
    documentUuid,
    filename: `file-${i}.txt`,
    s3Bucket: null,
    s3Key: `documents/test/${documentUuid}/file-${i}.txt`,
    fileSizeBytes: 10,
    fileType: 'text/plain',
    detectedFileType: 'text/plain',
    sha256: createHash('sha256').update(`${tag}:${i}`).digest('hex'),
    occurrence: { source: 'upload', custodian: null, path: `file-${i}.txt` },
  };
}

describe('insertDocuments (PostgreSQL)', () => {
  let db: DataSource;
  const projectIds: number[] = [];

  beforeAll(async () => {
    db = new DataSource(
      dataSourceOptions(process.env.DATABASE_URL!, ENTITIES, MIGRATIONS, { poolSize: 6, applicationName: 'casegraph-intake-test' }),
    );
    await db.initialize();
  });
  afterAll(async () => {
    if (projectIds.length) {
      await db.query('DELETE FROM source_documents WHERE project_fk_id = ANY($1::int[])', [projectIds]);
      await db.query('DELETE FROM projects WHERE id = ANY($1::int[])', [projectIds]);
    }
    await db.destroy();
  });

  async function project(): Promise<IntakeProject> {
    const rows: Array<{ id: number; project_uuid: string; name: string }> = await db.query(
      `INSERT INTO projects (name, project_uuid) VALUES ($1, $2) RETURNING id, project_uuid, name`,
      [`intake-test-${randomUUID()}`, randomUUID()],
    );
    projectIds.push(Number(rows[0].id));
    return { id: Number(rows[0].id), projectUuid: rows[0].project_uuid, name: rows[0].name };
  }

  it('two intakes of the same 400 files in opposite orders both commit: one document per file, no deadlock', async () => {
    const errors: string[] = [];
    for (let round = 0; round < 8; round++) {
      const p = await project();
      const tag = randomUUID();
      const forward = Array.from({ length: 400 }, (_, i) => doc(i, tag));
      const backward = Array.from({ length: 400 }, (_, i) => doc(399 - i, tag));
      const results = await Promise.allSettled([
        db.transaction((m) => insertDocuments(m, p, forward)),
        db.transaction((m) => insertDocuments(m, p, backward)),
      ]);
      for (const r of results) if (r.status === 'rejected') errors.push(String((r.reason as Error).message));
      const n: Array<{ n: string }> = await db.query('SELECT count(*) AS n FROM source_documents WHERE project_fk_id = $1', [p.id]);
      if (!errors.length) expect(Number(n[0].n)).toBe(400);
    }
    expect(errors).toEqual([]);
  });

  it('numbers the rows in the order given and keeps the first of two same files', async () => {
    const p = await project();
    const tag = randomUUID();
    const docs = Array.from({ length: 50 }, (_, i) => doc(i, tag));
    const again = { ...doc(7, tag), filename: 'copy-of-7.txt' };
    const out = await db.transaction((m) => insertDocuments(m, p, [...docs, again]));
    expect(out.inserted.size).toBe(50);
    expect(out.duplicates.get(again.sha256!)?.documentUuid).toBe(docs[7].documentUuid);
    const rows: Array<{ original_file_name: string }> = await db.query(
      'SELECT original_file_name FROM source_documents WHERE project_fk_id = $1 ORDER BY id',
      [p.id],
    );
    expect(rows.map((r) => r.original_file_name)).toEqual(docs.map((d) => d.filename));
  });
});
