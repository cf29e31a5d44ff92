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
