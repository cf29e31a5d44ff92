import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '@casegraph/entities';

export interface PrivateDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const adminUrl = () => {
  const u = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/casegraph_test');
  u.pathname = '/postgres';
  return u;
};

/**
 * A private, migrated database (casegraph_x_<random>) for tests whose services scan every row
 * (reconciler, sweeper): nothing of other test files can be touched. drop() removes it (WITH FORCE).
 */
export async function createPrivateDatabase(label = 'x', opts: { migrate?: boolean } = {}): Promise<PrivateDatabase> {
  const name = `casegraph_x_${label}_${randomUUID().slice(0, 8)}`.replace(/[^a-z0-9_]/g, '_');
  const u = adminUrl();
  const admin = new Client({ connectionString: u.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  u.pathname = `/${name}`;
  const url = u.toString();
  if (opts.migrate !== false) await migrate(url, () => undefined);
  return {
    name,
    url,
    async drop() {
      const a = new Client({ connectionString: adminUrl().toString() });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}
