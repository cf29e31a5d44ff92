/** A private, migrated database for tests that alter the schema or touch every row. Dropped afterwards. */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ENTITIES, MIGRATIONS, dataSourceOptions, migrate } from '@casegraph/entities';

export interface PrivateDb {
  url: string;
  ds: DataSource;
  drop: () => Promise<void>;
}

export async function createPrivateDb(): Promise<PrivateDb> {
  const name = `casegraph_x_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const url = process.env.DATABASE_URL!.replace(/\/[^/]+$/, `/${name}`);
  await migrate(url, () => undefined);
  const ds = new DataSource(dataSourceOptions(url, ENTITIES, MIGRATIONS, { poolSize: 4, applicationName: 'pc-private-test' }));
  await ds.initialize();
  return {
    url,
    ds,
    drop: async () => {
      await ds.destroy();
      const admin = new Client({ connectionString: process.env.DATABASE_URL!.replace(/\/[^/]+$/, '/postgres') });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
