// Runs once per jest run (int and e2e projects): creates and migrates the test database.
// Jest's moduleNameMapper does not apply to globalSetup, so the path aliases are registered here.
import { register } from 'tsconfig-paths';
import tsconfigBase from '../../tsconfig.base.json';
import './test-env';

register({ baseUrl: `${__dirname}/../..`, paths: tsconfigBase.compilerOptions.paths });

export default async function globalSetup(): Promise<void> {
  // One id per jest run: what a run computes once and shares between its files (the fault scenarios'
  // baseline) is keyed by it. Set before the workers start, so every test file sees it.
  process.env.CASEGRAPH_TEST_RUN ??= `${Date.now()}-${process.pid}`;
  // Loaded only now: the entities import @casegraph/* aliases, which resolve once register() has run.
  const { migrate } = await import('../../libs/entities/src/migrate');
  await migrate(process.env.DATABASE_URL!, () => undefined);
}
