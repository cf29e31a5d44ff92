/** Private PostgreSQL databases for tests whose code scans every row or alters the schema. */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions, migrate } from '@casegraph/entities';

export interface PrivateDatabase {
  name: string;
  url: string;
  /** Drops the database (WITH FORCE: open connections are cut). */
  drop(): Promise<void>;
}

export interface PrivateDataSource extends PrivateDatabase {
  /** An initialized DataSource on the database; drop() destroys it first. */
  ds: DataSource;
}

/** The test server's `postgres` database (where CREATE/DROP DATABASE run). */
export function adminUrl(databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/casegraph_test'): URL {
  const u = new URL(databaseUrl);
  u.pathname = '/postgres';
  return u;
}

async function onAdmin(sql: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl().toString() });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A name of the private-database family (casegraph_x_<label>_<random>): no other test file uses it. */
export function privateDatabaseName(label = 'x'): string {
  return `casegraph_x_${label}_${randomUUID().slice(0, 8)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** The URL of database `name` on the test server. */
export function databaseUrlFor(name: string): string {
  const u = adminUrl();
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops a database of the test server if it exists (WITH FORCE). */
export async function dropDatabase(name: string): Promise<void> {
  await onAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/**
 * A private, migrated database (casegraph_x_<label>_<random>): nothing of other test files can be
 * touched, and nothing of theirs is seen. `migrate: false` leaves it empty.
 */
export async function createPrivateDatabase(label = 'x', opts: { migrate?: boolean } = {}): Promise<PrivateDatabase> {
  const name = privateDatabaseName(label);
  await onAdmin(`CREATE DATABASE "${name}"`);
  const url = databaseUrlFor(name);
  if (opts.migrate !== false) await migrate(url, () => undefined);
  return { name, url, drop: () => dropDatabase(name) };
}

/** createPrivateDatabase plus an initialized DataSource on it (for tests that query it directly). */
export async function createPrivateDataSource(label = 'x', opts: { poolSize?: number; applicationName?: string } = {}): Promise<PrivateDataSource> {
  const db = await createPrivateDatabase(label);
  const ds = new DataSource(
    dataSourceOptions(db.url, ENTITIES, MIGRATIONS, {
      poolSize: opts.poolSize ?? 4,
      applicationName: opts.applicationName ?? 'casegraph-private-test',
    }),
  );
  try {
    await ds.initialize();
  } catch (e) {
    await db.drop();
    throw e;
  }
  return {
    ...db,
    ds,
    drop: async () => {
      if (ds.isInitialized) await ds.destroy();
      await db.drop();
    },
  };
}

/** Runs one migration's up() or down() once more on database `url`, in a transaction of its own, as TypeORM's runner does. */
export async function runMigrationStep(url: string, migration: MigrationInterface, direction: 'up' | 'down'): Promise<void> {
  const ds = new DataSource(dataSourceOptions(url, [], [], { poolSize: 1, applicationName: 'casegraph-migration-step' }));
  await ds.initialize();
  const qr = ds.createQueryRunner();
  try {
    await qr.startTransaction();
    await migration[direction](qr);
    await qr.commitTransaction();
  } catch (e) {
    await qr.rollbackTransaction();
    throw e;
  } finally {
    await qr.release();
    await ds.destroy();
  }
}
