// Runs once per jest run (int and e2e projects): creates and migrates the test database.
// Jest's moduleNameMapper does not apply to globalSetup, so the path aliases are registered here.
import { register } from 'tsconfig-paths';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compilerOptions } = require('../../tsconfig.base.json');

register({ baseUrl: `${__dirname}/../..`, paths: compilerOptions.paths });

export default async function globalSetup(): Promise<void> {
  require('./test-env');
  // One id per jest run: what a run computes once and shares between its files (the fault scenarios'
  // baseline) is keyed by it. Set before the workers start, so every test file sees it.
  process.env.CASEGRAPH_TEST_RUN ??= `${Date.now()}-${process.pid}`;
  const { migrate } = require('../../libs/entities/src/migrate');
  await migrate(process.env.DATABASE_URL!, () => undefined);
}
