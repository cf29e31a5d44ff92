// DataSource for the TypeORM CLI: `npm run typeorm -- migration:show`.
import { DataSource } from 'typeorm';
import { DEFAULT_DATABASE_URL, ENTITIES, MIGRATIONS, dataSourceOptions } from './index';

export default new DataSource(
  dataSourceOptions(process.env.DATABASE_URL || DEFAULT_DATABASE_URL, ENTITIES, MIGRATIONS, {
    applicationName: 'casegraph-typeorm-cli',
  }),
);
