import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../migrate';
import { columnType, detectSchemaProfile, hasColumn } from './profile';

// The old database built from its schema is covered in test/schema/adoption-migrate.int-spec.ts (it needs
// @casegraph/testing); here: an empty database, a hand-made old shape, and what migrate changes in the profile.
const serverUrl = (db: string) => process.env.DATABASE_URL!.replace(/\/[^/]+$/, `/${db}`);

async function onAdmin(sql: string): Promise<void> {
  const admin = new Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

describe('detectSchemaProfile', () => {
  const name = `casegraph_x_profile_${randomUUID().slice(0, 8)}`;
  let c: Client;

  beforeAll(async () => {
    await onAdmin(`CREATE DATABASE ${name}`);
    c = new Client({ connectionString: serverUrl(name) });
    await c.connect();
  });

  afterAll(async () => {
    await c?.end();
    await onAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('an empty database: nothing, and not legacy', async () => {
    const p = await detectSchemaProfile(c);
    expect(p).toMatchObject({
      projectUuidSource: 'project_uuid',
      aliasesType: null,
      legacy: false,
      appliedMigrations: [],
      legacyUpdatedAtTriggers: [],
    });
    expect(p.tables.size).toBe(0);
  });

  it('an old shape before and after migrate: project_id adopted, old triggers, then the adoption objects', async () => {
    await c.query(
      `CREATE FUNCTION update_updated_at_column() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = CURRENT_TIMESTAMP; RETURN NEW; END $$`,
    );
    await c.query(
      `CREATE TABLE projects (id serial PRIMARY KEY, project_id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE, name text NOT NULL,
        updated_at timestamptz DEFAULT CURRENT_TIMESTAMP)`,
    );
    await c.query(`CREATE TRIGGER update_projects_updated_at BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()`);
    await c.query(`CREATE TABLE canonical_entities (id serial PRIMARY KEY, canonical_entity_uuid uuid NOT NULL, aliases jsonb DEFAULT '[]'::jsonb)`);
    const before = await detectSchemaProfile(c);
    expect(before).toMatchObject({
      projectUuidSource: 'project_id',
      aliasesType: 'jsonb',
      legacy: true,
      legacyUpdatedAtTriggers: ['projects'],
      adoption: { logTable: false, archiveTable: false, projectUuidSync: false, keeperTables: [] },
    });
    expect(hasColumn(before, 'projects', 'project_uuid')).toBe(false);
    expect(before.constraints.get('projects_project_id_key')).toMatchObject({ table: 'projects', type: 'u', validated: true });

    await migrate(serverUrl(name), () => undefined);
    const after = await detectSchemaProfile(c);
    expect(columnType(after, 'projects', 'project_uuid')).toBe('uuid');
    expect(after.adoption).toEqual({ logTable: true, archiveTable: true, projectUuidSync: true, keeperTables: ['projects'] });
    expect(after.appliedMigrations[0]).toBe('InitialSchema1764300000000');
    expect(after.indexes.get('uq_projects_project_uuid')).toMatchObject({ table: 'projects', unique: true, valid: true });
  }, 60_000);
});
