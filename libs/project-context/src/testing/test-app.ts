/** Builds the real thing for integration tests: TypeOrmModule.forRoot + ProjectContextModule.forRoot. */
import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions } from '@casegraph/entities';
import { ProjectContextModule } from '../project-context.module';
import { ProjectContextService } from '../project-context.service';
import { ProjectContextModuleOptions } from '../project-context.types';

/** Counts the SQL statements a DataSource runs, by kind (a TypeORM logger). */
export class QueryCounter implements TypeOrmLogger {
  readonly queries: string[] = [];
  logQuery(query: string): void {
    this.queries.push(query);
  }
  /** Lookups of document contexts (the resolver's SELECT joined to projects). */
  get lookups(): number {
    return this.queries.filter((q) => /FROM source_documents sd LEFT JOIN projects pf/.test(q)).length;
  }
  get heals(): number {
    return this.queries.filter((q) => /^\s*(WITH old AS|WITH target AS)/.test(q)).length;
  }
  reset(): void {
    this.queries.length = 0;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** The pg Pool under a DataSource, which the resolver's lookups use. */
export function pgPool(db: DataSource): { query: (sql: string, params?: unknown[]) => Promise<unknown> } {
  return (db.driver as unknown as { master: { query: (sql: string, params?: unknown[]) => Promise<unknown> } }).master;
}

/**
 * Wraps the pool's query function (the resolver's lookups and heals), e.g. to
 * count or hold them. Returns a function that restores the original.
 */
export function interceptPool(
  db: DataSource,
  around: (sql: string, params: unknown[] | undefined, run: () => Promise<unknown>) => Promise<unknown>,
): () => void {
  const pool = pgPool(db);
  const original = pool.query;
  pool.query = (sql: string, params?: unknown[]) => around(sql, params, () => original.call(pool, sql, params));
  return () => {
    pool.query = original;
  };
}

export interface TestApp {
  app: INestApplicationContext;
  service: ProjectContextService;
  db: DataSource;
  counter: QueryCounter;
  close: () => Promise<void>;
}

export async function createTestApp(options: Partial<ProjectContextModuleOptions> = {}, databaseUrl = process.env.DATABASE_URL!): Promise<TestApp> {
  const counter = new QueryCounter();
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        ...dataSourceOptions(databaseUrl, ENTITIES, MIGRATIONS, { poolSize: 12, applicationName: `pc-test-${randomUUID().slice(0, 8)}` }),
        logging: ['query'],
        logger: counter,
      }),
      ProjectContextModule.forRoot({ redisUrl: process.env.REDIS_URL!, ...options }),
    ],
  }).compile();
  const app = await moduleRef.init();
  const db = app.get<DataSource>(getDataSourceToken());
  // TypeORM's logger sees TypeORM's queries; the resolver's lookups go to the pool directly.
  interceptPool(db, (sql, _params, run) => (counter.logQuery(sql), run()));
  return {
    app,
    service: app.get(ProjectContextService),
    db,
    counter,
    close: () => app.close(),
  };
}
