import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from './migrate';
import { MIGRATIONS } from './schema';

const adminUrl = () => process.env.DATABASE_URL!.replace(/\/[^/]+$/, '/postgres');

describe('migrate', () => {
  it('creates a missing database, applies the schema, and is a no-op the second time', async () => {
    const name = `casegraph_mig_${randomUUID().slice(0, 8)}`;
    const url = process.env.DATABASE_URL!.replace(/\/[^/]+$/, `/${name}`);
    try {
      const first = await migrate(url, () => undefined);
      expect(first).toEqual(MIGRATIONS.map((M) => new M().name));
      expect(first[0]).toBe('InitialSchema1764300000000');
      expect(await migrate(url, () => undefined)).toEqual([]);
      const c = new Client({ connectionString: url });
      await c.connect();
      const t = await c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema='public' ORDER BY 1`);
      await c.end();
      expect(t.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining([
          'projects',
          'source_documents',
          'document_pages',
          'document_chunks',
          'entity_mentions',
          'canonical_entities',
          'relationship_staging',
          'textract_jobs',
        ]),
      );
    } finally {
      const admin = new Client({ connectionString: adminUrl() });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('adopts a legacy database: keeps its rows and leaves NULL project_uuid in place', async () => {
    const name = `casegraph_legacy_${randomUUID().slice(0, 8)}`;
    const url = process.env.DATABASE_URL!.replace(/\/[^/]+$/, `/${name}`);
    const admin = new Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
      const c = new Client({ connectionString: url });
      await c.connect();
      // The old system's shape: integer FK set, project_uuid NULL.
      await c.query(`CREATE TABLE projects (id serial PRIMARY KEY, name varchar(255), project_uuid uuid)`);
      await c.query(`CREATE TABLE source_documents (id serial PRIMARY KEY, document_uuid uuid NOT NULL,
        project_fk_id int NOT NULL REFERENCES projects(id), project_uuid uuid, original_file_name text, status varchar(50))`);
      await c.query(`INSERT INTO projects (id, name) VALUES (1, 'legacy')`);
      await c.query(`INSERT INTO source_documents (document_uuid, project_fk_id, original_file_name, status)
        VALUES ('43ed6fe8-5402-40a4-b01f-aa0dcaeec47b', 1, 'old.pdf', 'pending')`);
      await migrate(url, () => undefined);
      const r = await c.query(`SELECT project_uuid, sha256, ocr_status FROM source_documents`);
      await c.end();
      expect(r.rows).toEqual([{ project_uuid: null, sha256: null, ocr_status: 'pending' }]);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
