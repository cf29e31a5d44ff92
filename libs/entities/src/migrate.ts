import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { ensureDatabase, redactUrl } from './database-url';
import { ENTITIES, MIGRATIONS } from './schema';

/**
 * Creates the database if it is missing, then applies pending migrations.
 * Runs as its own step (a Job on Kubernetes); the apps never migrate.
 */
export async function migrate(databaseUrl: string, log: (line: string) => void = console.log): Promise<string[]> {
  if (await ensureDatabase(databaseUrl)) log(`created database ${redactUrl(databaseUrl)}`);
  const ds = new DataSource(dataSourceOptions(databaseUrl, ENTITIES, MIGRATIONS, { poolSize: 2, applicationName: 'casegraph-migrate' }));
  await ds.initialize();
  try {
    // One migrator at a time, even when several replicas start the job.
    await ds.query('SELECT pg_advisory_lock(7216011)');
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      for (const m of applied) log(`applied ${m.name}`);
      if (!applied.length) log('database is up to date');
      return applied.map((m) => m.name);
    } finally {
      await ds.query('SELECT pg_advisory_unlock(7216011)');
    }
  } finally {
    await ds.destroy();
  }
}

/**
 * The migrations not yet applied to the database, by name, without changing anything (no DDL, no lock): what
 * `migrate --check` reports, so a pod can wait for the migrate Job with read-only rights. A database that does
 * not exist yet, or has no migrations table, has every migration pending.
 */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(databaseUrl, ENTITIES, MIGRATIONS, { poolSize: 1, applicationName: 'casegraph-migrate-check' }));
  const all = MIGRATIONS.map((M) => new M().name);
  try {
    await ds.initialize();
  } catch (err) {
    // 3D000: invalid_catalog_name, the database is not there yet.
    if ((err as { code?: string }).code === '3D000') return all;
    throw err;
  }
  try {
    const table = ds.options.migrationsTableName ?? 'migrations';
    const [{ present }] = await ds.query<Array<{ present: boolean }>>(`SELECT to_regclass($1) IS NOT NULL AS present`, [table]);
    if (!present) return all;
    const rows = await ds.query<Array<{ name: string }>>(`SELECT name FROM "${table}"`);
    const applied = new Set(rows.map((r) => r.name));
    return all.filter((name) => !applied.has(name));
  } finally {
    await ds.destroy();
  }
}
