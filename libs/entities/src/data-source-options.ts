import type { DataSourceOptions } from 'typeorm';

/**
 * TypeORM options shared by every app, the CLI and the tests.
 * `synchronize` is always false: schema changes are migrations.
 */
export function dataSourceOptions(
  url: string,
  entities: DataSourceOptions['entities'],
  migrations: DataSourceOptions['migrations'],
  extra: { poolSize?: number; applicationName?: string } = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'casegraph_migrations',
    // Extensions (pg_trgm, btree_gin) are created by migrations, never at an app's boot. Generated uuid
    // columns default to gen_random_uuid() (built in since PostgreSQL 13), as the migrations write them.
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    applicationName: extra.applicationName ?? 'casegraph',
    extra: {
      max: extra.poolSize ?? 10,
      connectionTimeoutMillis: 5000,
      // Queries that hang must not hang a worker forever.
      statement_timeout: 60_000,
      idle_in_transaction_session_timeout: 60_000,
    },
  };
}
